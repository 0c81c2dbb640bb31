"""`sanzhi serve` delivers webhooks itself (nothing else to start), and in production refuses
to start without the key that encrypts the signing secrets."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from standardwebhooks import Webhook

from ledger.index.db import make_engine
from ledger.webhooks import outbox
from tests.support import CliRunner, WebhookReceiver, assert_clean_error, free_port, run_cli, wait_until


def test_serve_posts_an_issuance_to_the_subscriber(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "service.sqlite"
    monkeypatch.setenv("SANZHI_DATABASE_URL", f"sqlite:///{database}")
    receiver = WebhookReceiver()
    port = free_port()
    with receiver.serving() as url:
        added = cli("subscribe", "add", "--org", "CN", "--url", url + "/cn", "--topic", "certificates", "--json")
        assert added.exit_code == 0, added.stderr
        secret, sub_id = json.loads(added.stdout)["secret"], json.loads(added.stdout)["subscription"]["id"]
        log = (tmp_path / "serve.stderr").open("w")
        command = [str(Path(sys.executable).with_name("sanzhi")), "--data-dir", str(cli.chain.data_dir),
                   "--rpc-url", cli.chain.rpc_url, "serve", "--org", "CN", "--port", str(port), "--interval", "0.2",
                   "--workers", "2"]  # fmt: skip
        server = subprocess.Popen(command, env={**os.environ}, stderr=log, text=True, start_new_session=True)
        try:

            def healthy() -> bool:
                assert server.poll() is None, (tmp_path / "serve.stderr").read_text()
                try:
                    return requests.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code in (200, 503)
                except requests.ConnectionError:
                    return False

            wait_until(healthy, timeout=60, failure="the service did not answer")
            assert cli("cert", "sample", "--count", "1", "--out", str(tmp_path / "docs"), "--seed", "31").exit_code == 0
            issued = cli("cert", "issue", str(tmp_path / "docs"), "--as", "cn-issuer", "--out", str(tmp_path / "w"))
            assert issued.exit_code == 0, issued.stderr
            wait_until(lambda: receiver.count() >= 1, timeout=60,
                       failure=lambda: "nothing delivered: " + (tmp_path / "serve.stderr").read_text())  # fmt: skip
            os.killpg(server.pid, signal.SIGTERM)
            assert server.wait(timeout=40) == 0  # stopping the service stops its deliverer
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
            log.close()
    # the issuance's events were indexed and enqueued together: one more round has nothing to add,
    # and the outbox holds the one delivery, made
    engine = make_engine(f"sqlite:///{database}")
    try:
        assert outbox.enqueue(engine) == 0
    finally:
        engine.dispose()
    shown = cli("subscribe", "status", sub_id, "--json")
    assert shown.exit_code == 0, shown.stderr
    assert {k: json.loads(shown.stdout)[k] for k in ("pending", "delivered", "failed")} == {
        "pending": 0, "delivered": 1, "failed": 0,
    }  # fmt: skip
    bodies = [Webhook(secret).verify(r.body, r.headers) for r in receiver.received]
    assert [body["event"] for body in bodies] == ["CertificatesIssued"]  # one issuance, one post
    assert bodies[0]["data"]["destination"] == "SG"
    assert bodies[0]["link"].startswith(f"http://127.0.0.1:{port}/")
    said = (tmp_path / "serve.stderr").read_text()
    assert "delivering webhooks" in said
    assert "warning" not in said


def test_production_without_a_webhook_key_does_not_start(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANZHI_ENV", "prod")
    monkeypatch.delenv("SANZHI_WEBHOOK_KEY", raising=False)
    result = run_cli(capsys, "--data-dir", str(tmp_path), "serve", "--org", "CN", "--port", str(free_port()))
    assert result.exit_code == 1
    assert_clean_error(result, "SANZHI_WEBHOOK_KEY is not set", "openssl rand -base64 32")
