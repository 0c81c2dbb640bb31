"""`sanzhi apikey create|list|revoke` and `sanzhi serve` (uvicorn in a child process)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.support import Chain, assert_clean_error, free_port, run_cli


def test_create_list_and_revoke_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(tmp_path)]
    created = run_cli(capsys, *data, "apikey", "create", "--org", "sg", "--role", "customs", "--label", "desk 4",
                      "--json")  # fmt: skip
    assert created.exit_code == 0, created.stderr
    body = json.loads(created.stdout)
    key_id, token = body["key"]["key_id"], body["token"]
    assert token.startswith(f"szk_{key_id}_")
    assert (tmp_path / "index.sqlite").exists()
    listed = run_cli(capsys, *data, "apikey", "list")
    assert key_id in listed.stdout
    assert token.split("_")[2] not in listed.stdout
    revoked = run_cli(capsys, *data, "apikey", "revoke", key_id)
    assert revoked.exit_code == 0
    assert "revoked" in revoked.stdout
    active = json.loads(run_cli(capsys, *data, "apikey", "list", "--active", "--json").stdout)
    assert active == []
    assert_clean_error(run_cli(capsys, *data, "apikey", "revoke", key_id), "was revoked at")
    assert_clean_error(run_cli(capsys, *data, "apikey", "revoke", "0" * 16), "not found")
    assert_clean_error(
        run_cli(capsys, *data, "apikey", "create", "--org", "CN", "--role", "root", "--label", "x"), "unknown role"
    )


def test_serve_refuses_bad_settings_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(tmp_path)]
    assert_clean_error(run_cli(capsys, *data, "serve", "--signer", "issuer"), "ROLE=PROFILE")
    assert_clean_error(run_cli(capsys, *data, "serve", "--signer", "issuer=cn-issuer"), "no organisation")
    assert_clean_error(run_cli(capsys, *data, "serve", "--org", "CN", "--signer", "boss=cn-admin"),
                       "unknown signer role")  # fmt: skip


def test_serve_answers_on_its_port_with_two_workers(chain: Chain, tmp_path: Path) -> None:
    port = free_port()
    sanzhi = Path(sys.executable).with_name("sanzhi")
    env = {**os.environ, "SANZHI_DATABASE_URL": f"sqlite:///{tmp_path / 'service.sqlite'}"}
    command = [str(sanzhi), "--data-dir", str(chain.data_dir), "--rpc-url", chain.rpc_url, "serve", "--org", "CN",
               "--port", str(port), "--workers", "2"]  # fmt: skip
    server = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except requests.ConnectionError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert health.status_code == 200
        assert health.json()["organisation"] == "CN"
        refused = requests.get(f"http://127.0.0.1:{port}/consortium/members", timeout=5)
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if server.stderr:
            server.stderr.close()
