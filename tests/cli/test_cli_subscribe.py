"""`sanzhi subscribe`: the service's operator subscribes a member, and sees and replays what
was delivered; the secret is printed once and never listed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from standardwebhooks import Webhook

from ledger.index import open_index
from ledger.settings import LedgerSettings
from ledger.webhooks import outbox
from ledger.webhooks.deliverer import Deliverer
from ledger.webhooks.secret_box import secret_box
from tests.support import CliResult, WebhookReceiver, add_chain_event, assert_clean_error, run_cli


def sanzhi(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> CliResult:
    return run_cli(capsys, "--data-dir", str(data_dir), "subscribe", *args)


def test_a_member_is_subscribed_shown_rotated_and_removed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    added = sanzhi(capsys, tmp_path, "add", "--org", "sg", "--url", "https://hooks.sg.example/in",
                   "--topic", "certificates", "--topic", "destined-certificates", "--json")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    created = json.loads(added.stdout)
    secret, sub_id = created["secret"], created["subscription"]["id"]
    assert secret.startswith("whsec_")
    assert sub_id.startswith("sub_")
    assert created["subscription"]["member"] == "SG"
    listed = sanzhi(capsys, tmp_path, "list", "--org", "SG")
    assert sub_id in listed.stdout
    assert "certificates,destined-certificates" in listed.stdout
    assert secret not in listed.stdout + sanzhi(capsys, tmp_path, "list", "--json").stdout
    rotated = sanzhi(capsys, tmp_path, "rotate", sub_id, "--grace", "2h")
    assert rotated.exit_code == 0, rotated.stderr
    assert "the old one signs beside it until" in rotated.stdout
    assert rotated.stdout.splitlines()[1].startswith("whsec_")
    assert secret not in rotated.stdout
    assert sanzhi(capsys, tmp_path, "remove", sub_id).exit_code == 0
    assert sanzhi(capsys, tmp_path, "list").stdout.count("sub_") == 0
    assert sub_id in sanzhi(capsys, tmp_path, "list", "--removed").stdout
    assert_clean_error(sanzhi(capsys, tmp_path, "remove", sub_id), "was removed at")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--url", "ftp://x.example/", "--topic", "certificates"), "only http and https"),
        (("--url", "https://u:p@x.example/", "--topic", "certificates"), "credentials"),
        (("--url", "https://x.example/", "--topic", "weather"), "unknown topic 'weather'"),
        (("--url", "https://x.example/", "--topic", "mras", "--role", "trader", "--operator", "USCI:9133X"),
         "a trader key may not subscribe to mras"),
        (("--url", "https://x.example/", "--topic", "certificates", "--role", "boss"), "is not a key role"),
        (("--url", "https://x.example/", "--topic", "certificates", "--operator", "USCI:9133X"), "only a trader"),
        (("--url", "https://x.example/", "--topic", "aeo", "--role", "trader", "--operator", "0x" + "ab" * 32),
         "not its on-chain hash"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: tuple[str, ...], fragment: str
) -> None:
    result = sanzhi(capsys, tmp_path, "add", "--org", "SG", *args)
    assert result.exit_code == 2
    assert_clean_error(result, fragment)


def test_an_unknown_or_malformed_id_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert_clean_error(sanzhi(capsys, tmp_path, "status", "nope"), "is not a subscription id")
    assert_clean_error(sanzhi(capsys, tmp_path, "remove", "sub_" + "a" * 24), "not found")
    assert_clean_error(sanzhi(capsys, tmp_path, "rotate", "sub_" + "a" * 24, "--grace", "soon"), "not a duration")


def test_production_refuses_a_loopback_receiver(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANZHI_ENV", "prod")
    monkeypatch.setenv("SANZHI_WEBHOOK_KEY", "c2FuemhpLXdlYmhvb2sta2V5LTMyLWJ5dGVzLWxvbmc=")
    result = sanzhi(capsys, tmp_path, "add", "--org", "SG", "--url", "http://127.0.0.1:8080/", "--topic", "mras")
    assert result.exit_code == 2
    assert_clean_error(result, "127.0.0.1 is not a public address")


def test_failed_deliveries_are_shown_and_replayed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    receiver = WebhookReceiver(status=503)
    settings = LedgerSettings(data_dir=tmp_path)
    with receiver.serving() as url:
        created = json.loads(sanzhi(capsys, tmp_path, "add", "--org", "CN", "--url", url, "--topic", "certificates",
                                    "--json").stdout)  # fmt: skip
        engine = open_index(settings)
        add_chain_event(engine, block=9)
        outbox.enqueue(engine)
        deliverer = Deliverer(engine, secret_box(settings), production=False)
        try:
            deliverer.tick()
            assert deliverer.wait_idle(30)
            shown = sanzhi(capsys, tmp_path, "status", created["subscription"]["id"], "--json")
            status = json.loads(shown.stdout)
            assert (status["pending"], status["delivered"], status["last_error"]) == (1, 0, "HTTP 503")
            table = sanzhi(capsys, tmp_path, "status").stdout
            assert "HTTP 503" in table
            assert created["subscription"]["id"] in table
            receiver.status = 200
            replayed = sanzhi(capsys, tmp_path, "replay", created["subscription"]["id"], "--since", "9")
            assert replayed.exit_code == 0, replayed.stderr
            assert "1 deliveries" in replayed.stdout
            deliverer.tick()
            assert deliverer.wait_idle(30)
        finally:
            deliverer.close()
            engine.dispose()
    status = json.loads(sanzhi(capsys, tmp_path, "status", created["subscription"]["id"], "--json").stdout)
    assert (status["pending"], status["delivered"]) == (0, 1)
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    Webhook(created["secret"]).verify(second.body, second.headers)
