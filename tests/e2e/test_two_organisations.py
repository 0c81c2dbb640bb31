"""Two organisations' services on one chain, over real HTTP: CN customs and SG customs each run
`sanzhi serve` with keys, API keys and a database of their own. CN issues through CN's service;
SG verifies and draws through SG's; SG's auditor finds both in SG's index; SG's keys never
act for CN."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ledger.certificates.quantities import format_quantity
from ledger.certificates.wrapped import parse_wrapped
from ledger.devnet.consortium import dev_address
from ledger.index.db import make_engine
from ledger.index.follower import Follower
from tests.support import (
    Chain,
    ServiceProcess,
    assert_problem,
    organisation_data_dir,
    postgres_database,
    running_services,
    sample_documents,
)

DECLARATION = "SG-IMP-2026-004711"


class Org:
    """One organisation's service as its users reach it: an HTTP client and a key per role."""

    def __init__(self, service: ServiceProcess) -> None:
        self.service = service
        self.http = httpx.Client(base_url=service.url, timeout=60)
        self._tokens: dict[str, str] = {}

    def auth(self, role: str) -> dict[str, str]:
        if role not in self._tokens:
            self._tokens[role] = self.service.token(role)
        return {"Authorization": f"Bearer {self._tokens[role]}"}

    def token(self, role: str) -> str:
        return self.auth(role)["Authorization"].removeprefix("Bearer ")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sg_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """SG's service database: SQLite, or a fresh database on the session PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'sg.sqlite'}"
        return
    with postgres_database(request.getfixturevalue("postgres_server")) as url:
        yield url


def _services(chain: Chain, tmp_path: Path, sg_database: str) -> tuple[ServiceProcess, ServiceProcess]:
    cn = ServiceProcess(org="CN", data_dir=organisation_data_dir(chain, "CN", tmp_path / "cn"),
                        rpc_url=chain.rpc_url, database_url=f"sqlite:///{tmp_path / 'cn.sqlite'}")  # fmt: skip
    sg = ServiceProcess(org="SG", data_dir=organisation_data_dir(chain, "SG", tmp_path / "sg"),
                        rpc_url=chain.rpc_url, database_url=sg_database)  # fmt: skip
    return cn, sg


@pytest.fixture
def organisations(chain: Chain, tmp_path: Path, sg_database: str) -> Iterator[tuple[Org, Org]]:
    """CN's and SG's services, running."""
    cn, sg = _services(chain, tmp_path, sg_database)
    with running_services(cn, sg):
        orgs = Org(cn), Org(sg)
        try:
            yield orgs
        finally:
            for org in orgs:
                org.http.close()


def issue(cn: Org, count: int, seed: int) -> list[dict[str, Any]]:
    """`count` certificates of origin CN -> SG, issued by CN's issuer key through CN's service."""
    response = cn.http.post("/certificates/issuances", json={"documents": sample_documents(count, seed=seed)},
                            headers=cn.auth("issuer"))  # fmt: skip
    assert response.status_code == 201, response.text
    issuance = response.json()
    assert issuance["organisation"] == "CN"
    certificates: list[dict[str, Any]] = issuance["certificates"]
    assert len(certificates) == count
    assert {c["proof"]["importing_member"] for c in certificates} == {"SG"}
    return certificates


def sign_in(org: Org, token: str) -> int:
    """The status of a login at `org`'s portal with `token`."""
    return org.http.post("/login?lang=en", data={"api_key": token}).status_code


def fragments(verdict: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["status"] for f in verdict["fragments"]}


def index_sg(chain: Chain, sg: Org) -> None:
    """SG's index catches up with the chain, in SG's own database."""
    engine = make_engine(str(sg.service.keys.engine.url.render_as_string(hide_password=False)))
    try:
        Follower(client=chain.client(), engine=engine).catch_up()
    finally:
        engine.dispose()


def test_cn_issues_sg_verifies_draws_audits_sees_the_revocation(chain: Chain, organisations: tuple[Org, Org]) -> None:
    cn, sg = organisations
    certificates = issue(cn, 3, seed=5101)
    certificate = certificates[0]
    wrapped = parse_wrapped(certificate)
    root, leaf = wrapped.proof.root, "0x" + wrapped.leaf.hex()

    # SG's public verification: the file as JSON, and uploaded as a form (anyone, no key)
    as_json = sg.http.post("/certificates/verify", json=certificate)
    assert as_json.status_code == 200, as_json.text
    assert as_json.json()["valid"] is True
    assert set(fragments(as_json.json()).values()) == {"VALID"}
    upload = {"file": ("certificate.json", as_json.request.content, "application/json")}
    uploaded = sg.http.post("/certificates/verify", files=upload)
    assert uploaded.status_code == 200, uploaded.text
    assert (uploaded.json()["valid"], uploaded.json()["leaf"]) == (True, as_json.json()["leaf"])

    # SG customs draws on it for a declaration; the same declaration again is refused
    body = {"certificate": certificate, "declaration": DECLARATION, "quantity": "1.5"}
    drawn = sg.http.post("/certificates/utilize", json=body, headers=sg.auth("customs"))
    assert drawn.status_code == 200, drawn.text
    unit = certificate["data"]["items"][0]["unit_code"]
    assert (drawn.json()["declaration"], drawn.json()["amount"]) == (DECLARATION, {"value": "1.5", "unit": unit})
    again = sg.http.post("/certificates/utilize", json=body, headers=sg.auth("customs"))
    problem = assert_problem(again, 409, "contract-revert", "already drawn")
    assert problem["revert"] == "CertificateRegistryDeclarationRecorded"

    # SG's auditor: nothing until SG's index has caught up; then CN's issuance and SG's draw
    auditor = sg.auth("auditor")
    assert_problem(sg.http.get("/audit/events", headers=auditor), 503, "index-unavailable")
    index_sg(chain, sg)
    issued = sg.http.get("/audit/events", params={"event": "CertificatesIssued", "organisation": "CN"}, headers=auditor)
    assert issued.status_code == 200, issued.text
    [issuance] = issued.json()["items"]
    assert (issuance["actor"], issuance["organisation"]) == (dev_address("cn-issuer"), "CN")
    used = sg.http.get("/audit/events", params={"event": "CertificateUtilized"}, headers=auditor).json()["items"]
    assert [(e["actor"], e["organisation"]) for e in used] == [(dev_address("sg-customs"), "SG")]
    history = sg.http.get("/audit/certificates/history", params={"leaf": leaf, "root": root}, headers=auditor)
    assert [e["event"] for e in history.json()["items"]] == ["CertificatesIssued", "CertificateUtilized"]
    # the portal's public history page answers from the same index
    assert sg.http.get(f"/certificates/{leaf}", params={"lang": "en"}).status_code == 200
    # CN's database is CN's: nothing was indexed there
    assert_problem(cn.http.get("/audit/events", headers=cn.auth("auditor")), 503, "index-unavailable")
    assert cn.http.get(f"/certificates/{leaf}", params={"lang": "en"}).status_code == 503

    # CN revokes through CN's service; SG's public verification sees it at once
    revoked = cn.http.post("/certificates/revoke", json={"certificate": certificate, "reason": "fraud"},
                           headers=cn.auth("issuer"))  # fmt: skip
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["record"]["status"] == "revoked"
    verdict = sg.http.post("/certificates/verify", json=certificate).json()
    assert verdict["valid"] is False
    assert fragments(verdict)["ISSUANCE"] == "INVALID"
    assert "revoked" in next(f["reason"] for f in verdict["fragments"] if f["name"] == "ISSUANCE")
    assert sg.http.post("/certificates/verify", json=certificates[1]).json()["valid"] is True
    late = sg.http.post("/certificates/utilize", json={**body, "declaration": "SG-IMP-2026-004712"},
                        headers=sg.auth("customs"))  # fmt: skip
    assert assert_problem(late, 409, "contract-revert")["revert"] == "CertificateRegistryInvalidStatus"
    index_sg(chain, sg)
    history = sg.http.get("/audit/certificates/history", params={"leaf": leaf, "root": root}, headers=auditor)
    events = [(e["event"], e["organisation"]) for e in history.json()["items"]]
    assert events == [("CertificatesIssued", "CN"), ("CertificateUtilized", "SG"), ("CertificateRevoked", "CN")]


@pytest.mark.parametrize("sg_database", ["sqlite"], indirect=True)
def test_sg_keys_cannot_act_for_cn(chain: Chain, organisations: tuple[Org, Org]) -> None:
    cn, sg = organisations
    [certificate, _] = issue(cn, 2, seed=5102)
    change = {"certificate": certificate, "reason": "fraud"}
    cn_issuer = {"account": dev_address("cn-issuer"), "role": "issuer", "type": "certificate-of-origin"}

    # SG's keys are unknown to CN's key store, whatever the route
    on_cn = [("issuer", "post", "/certificates/issuances", {"documents": sample_documents(1, seed=5103)}),
             ("issuer", "post", "/certificates/revoke", change),
             ("customs", "post", "/certificates/suspend", change),
             ("customs", "post", "/certificates/utilize",
              {"certificate": certificate, "declaration": "SG-IMP-1", "quantity": "1"}),
             ("admin", "post", "/accreditations/withdraw", cn_issuer),
             ("auditor", "get", "/audit/events", None)]  # fmt: skip
    for role, method, path, body in on_cn:
        response = cn.http.request(method, path, json=body, headers=sg.auth(role))
        assert_problem(response, 401, "unauthenticated", "unknown API key")
        assert response.headers["www-authenticate"].startswith("Bearer")

    # on SG's own service, SG's keys cannot change what CN issued
    for role in ("issuer", "customs", "admin"):
        for action in ("revoke", "suspend"):
            response = sg.http.post(f"/certificates/{action}", json=change, headers=sg.auth(role))
            assert_problem(response, 403, "forbidden", "issued by CN; only CN may change it")

    # nor manage CN's accreditations
    withdrawn = sg.http.post("/accreditations/withdraw", json=cn_issuer, headers=sg.auth("admin"))
    assert_problem(withdrawn, 403, "forbidden", "accredited by CN; only CN manages")
    as_auditor = {"account": dev_address("cn-issuer"), "role": "auditor", "name": "Look-alike"}
    assert_problem(sg.http.post("/accreditations", json=as_auditor, headers=sg.auth("admin")), 403, "forbidden",
                   "accredited by CN")  # fmt: skip

    # a key SG's operator made out "for CN" acts neither on SG's service nor on CN's
    forged = {"Authorization": f"Bearer {sg.service.token('issuer', org='CN')}"}
    assert_problem(sg.http.post("/certificates/revoke", json=change, headers=forged), 403, "forbidden",
                   "a key of CN cannot act here")  # fmt: skip
    assert_problem(cn.http.post("/certificates/revoke", json=change, headers=forged), 401, "unauthenticated")
    # the same at the portal's auditor login: SG's own auditor signs in, neither a CN key in SG's
    # store nor SG's auditor on CN's portal does
    assert sign_in(sg, sg.token("auditor")) == 303
    assert sign_in(sg, sg.service.token("auditor", org="CN")) == 401
    assert sign_in(cn, sg.token("auditor")) == 401

    # CN's customs cannot draw on a certificate imported into SG, even on CN's own service
    draw = {"certificate": certificate, "declaration": "CN-DECL-1", "quantity": "1"}
    assert_problem(cn.http.post("/certificates/utilize", json=draw, headers=cn.auth("customs")), 403, "forbidden",
                   "issued for import into SG; CN cannot draw on it")  # fmt: skip

    # nothing of it reached the chain: the certificate is issued, whole, and still valid
    verdict = sg.http.post("/certificates/verify", json=certificate).json()
    assert verdict["valid"] is True
    wrapped = parse_wrapped(certificate)
    assert verdict["remaining"] == {"value": format_quantity(wrapped.proof.quantity), "unit": wrapped.unit}
    withdrawn_check = sg.http.get("/accreditations", params=cn_issuer, headers=sg.auth("trader")).json()
    assert (withdrawn_check["member_id"], withdrawn_check["active"]) == ("CN", True)
    assert withdrawn_check["account_name"] == "宁波市贸促会 CCPIT Ningbo, accredited by CN"  # as CN named it
