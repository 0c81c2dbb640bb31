"""`sanzhi apikey create --expires`, `apikey rotate --grace` and the expiry in `apikey list`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api.keystore import KeyStore
from tests.support import assert_clean_error, run_cli


def test_create_with_an_expiry_rotate_and_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(tmp_path)]
    made = run_cli(capsys, *data, "apikey", "create", "--org", "CN", "--role", "customs", "--label", "desk",
                   "--expires", "30d", "--json")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    body = json.loads(made.stdout)
    key_id, old_token = body["key"]["key_id"], body["token"]
    expires = datetime.fromisoformat(body["key"]["expires_at"])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=30))) < timedelta(minutes=1)
    listed = run_cli(capsys, *data, "apikey", "list")
    assert "EXPIRES" in listed.stdout
    assert f"{expires:%Y-%m-%d %H:%M}" in listed.stdout
    rotated = run_cli(capsys, *data, "apikey", "rotate", key_id, "--grace", "2h")
    assert rotated.exit_code == 0, rotated.stderr
    new_token = rotated.stdout.splitlines()[1]
    assert new_token.startswith(f"szk_{key_id}_")
    assert new_token != old_token
    assert "the old token works until" in rotated.stderr
    store = KeyStore(f"sqlite:///{tmp_path / 'index.sqlite'}")
    try:
        assert store.authenticate(old_token).key_id == store.authenticate(new_token).key_id == key_id
    finally:
        store.close()


@pytest.mark.parametrize(
    ("expires", "reason"),
    [("90", "is not an expiry"), ("0d", "at least 1 day"), ("2001-01-01", "in the past"), ("9999d", "at most")],
)
def test_a_bad_expiry_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], expires: str, reason: str
) -> None:
    refused = run_cli(capsys, "--data-dir", str(tmp_path), "apikey", "create", "--org", "CN", "--role", "issuer",
                      "--label", "x", "--expires", expires)  # fmt: skip
    assert_clean_error(refused, reason)
    assert refused.exit_code == 2


def test_rotating_with_a_bad_grace_or_an_unknown_key_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ["--data-dir", str(tmp_path)]
    made = json.loads(run_cli(capsys, *data, "apikey", "create", "--org", "CN", "--role", "issuer", "--label", "x",
                              "--json").stdout)  # fmt: skip
    bad = run_cli(capsys, *data, "apikey", "rotate", made["key"]["key_id"], "--grace", "forever")
    assert_clean_error(bad, "is not a grace period")
    assert bad.exit_code == 2
    assert_clean_error(run_cli(capsys, *data, "apikey", "rotate", "0" * 16), "not found")
