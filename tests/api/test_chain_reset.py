"""A service whose chain is reset under it: its follower records the mismatch, the index routes
(API and portal) answer 503 with Retry-After and /health says so, until the index is rebuilt (by
the service itself on a development chain, by the operator in production); then only the new
chain's certificates answer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.keystore import KeyStore
from api.main import create_app
from api.settings import ServiceSettings
from ledger.certificates.numbers import IssuedNumbers, numbers_path
from ledger.certificates.wrapped import read_wrapped
from ledger.documents import document_model
from ledger.index import Follower, import_numbers
from ledger.index.errors import ChainReset
from ledger.index.service_follower import ServiceFollower
from tests.support import ResettableChain, assert_problem, index_engine, issue_sample_certificates


@dataclass
class Service:
    chain: ResettableChain
    engine: Engine
    http: TestClient
    steps: ServiceFollower
    auditor: dict[str, str]
    token: str
    env: str

    def issue(self, where: Path) -> tuple[str, str]:
        """One certificate, the same number on every chain: its number and batch root."""
        [path] = issue_sample_certificates(
            self.chain.client("cn-issuer"), where / "docs", where / "out", self.chain.settings.data_dir, 1, seed=9
        )
        wrapped = read_wrapped(path)
        return str(wrapped.data[document_model("certificate-of-origin").number_field]), wrapped.proof.root

    def history(self, number: str) -> Any:
        return self.http.get("/audit/certificates/history", params={"number": number}, headers=self.auditor)


def _import_numbers(chain: ResettableChain, engine: Engine) -> None:
    import_numbers(engine=engine, numbers=IssuedNumbers(numbers_path(chain.settings.data_dir)))


@pytest.fixture(params=["dev", "prod"])
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    """CN's service in `dev` or `prod` on a chain of its own, its follower stepped by the test."""
    url = f"sqlite:///{tmp_path / 'service.sqlite'}"
    chain = ResettableChain(tmp_path / "node", url)
    engine = index_engine(url)
    keys = KeyStore(url)
    chain.start()
    steps = ServiceFollower(
        build=lambda: Follower(client=chain.client(), engine=engine),
        rebuild_on_reset=request.param == "dev",
        on_rebuilt=lambda opened: _import_numbers(chain, opened),
    )
    token = keys.create(organisation="CN", role="auditor", label="reset auditor").token
    # the service runs in `env`; the chain is a development one (its keys are refused in prod)
    settings = chain.settings.model_copy(update={"env": request.param})
    app = create_app(settings, ServiceSettings(organisation="CN", public_rate=0, key_rate=0))
    try:
        with TestClient(app, raise_server_exceptions=False) as http:
            yield Service(chain, engine, http, steps, {"Authorization": f"Bearer {token}"}, token, request.param)
    finally:
        chain.stop()
        keys.close()
        engine.dispose()


def test_a_reset_under_a_running_service(service: Service, tmp_path: Path) -> None:
    number, old_root = service.issue(tmp_path / "old")
    service.steps.step()
    _import_numbers(service.chain, service.engine)
    answer = service.history(number)
    assert answer.status_code == 200, answer.text
    assert [r["root"] for r in answer.json()["records"]] == [old_root]
    old_genesis = service.http.get("/health").json()["index"]["genesis_hash"]

    service.chain.reset()
    _, new_root = service.issue(tmp_path / "new")
    with pytest.raises(ChainReset):
        service.steps.step()  # the follower sees the reset and records it

    refused = service.history(number)
    problem = assert_problem(refused, 503, "index-out-of-step", "no longer matches the chain")
    dev = service.env == "dev"
    assert ("by itself" if dev else "sanzhi index --rebuild") in problem["detail"]
    assert int(refused.headers["Retry-After"]) > 0
    health = service.http.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert health.json()["index"]["genesis_hash"] == old_genesis
    assert "genesis" in health.json()["index"]["mismatch"]
    assert health.json()["index"]["lag_blocks"] == 0  # the old index, ahead of nothing on the new chain
    service.http.post("/login?lang=zh", data={"api_key": service.token}, follow_redirects=False)
    page = service.http.get("/audit", params={"certificate": number, "lang": "zh"})
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    assert "账本索引仍描述旧链" in page.text
    assert int(page.headers["Retry-After"]) > 0

    if dev:
        service.steps.step()  # the next poll rebuilds from the new chain
    else:
        with pytest.raises(ChainReset):
            service.steps.step()  # production waits for the operator
        assert service.history(number).status_code == 503
        Follower(client=service.chain.client(), engine=service.engine).catch_up(rebuild=True)  # sanzhi index --rebuild
        _import_numbers(service.chain, service.engine)
        service.steps.step()  # the service follows the rebuilt index again
    answer = service.history(number)
    assert answer.status_code == 200, answer.text
    assert [r["root"] for r in answer.json()["records"]] == [new_root]
    index = service.http.get("/health").json()["index"]
    assert index["mismatch"] is None
    assert index["genesis_hash"] != old_genesis
