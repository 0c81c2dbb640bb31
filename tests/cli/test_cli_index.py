"""`sanzhi index` and `sanzhi audit`: the auditor's questions from the command line."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from ledger.devnet.consortium import dev_address
from ledger.index.db import make_engine
from tests.support import OPS, CliRunner, assert_clean_error, poll, record_activity


@pytest.fixture
def index_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI's index, in this test's directory (SANZHI_DATABASE_URL)."""
    path = tmp_path / "index" / "audit.sqlite"
    monkeypatch.setenv("SANZHI_DATABASE_URL", f"sqlite:///{path}")
    return path


def test_audit_before_any_index_says_what_to_do(cli: CliRunner, index_file: Path) -> None:
    result = cli("audit", "search", "--org", "CN")
    assert_clean_error(result, "run `sanzhi index` first")
    assert not index_file.exists()  # a query does not create a database


def test_index_then_ask(cli: CliRunner, index_file: Path, tmp_path: Path) -> None:
    activity = record_activity(cli.chain, tmp_path / "work")
    result = cli("index", "--issued", str(activity.issued_dir), "--json")
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["index"]["events"] > 20
    assert body["imports"]["issued numbers"]["recorded"] == 5
    assert body["imports"]["issued certificates"]["recorded"] == 4
    assert "audit.sqlite" in body["database"]

    number = str(activity.certificates[0].data["certificate_number"])
    history = cli("audit", "history", "--certificate", number)
    assert history.exit_code == 0, history.stderr
    lines = history.stdout.splitlines()
    assert lines[0].startswith(f"{number}: certificate-of-origin issued by CN for SG")
    assert any("Certificate used" in line and " SG " in line and "amount=1.5" in line for line in lines)

    as_json = json.loads(cli("audit", "history", "--certificate", number, "--json").stdout)
    assert [e["event"] for e in as_json["items"]] == ["CertificatesIssued", "CertificateUtilized"]
    assert as_json["items"][0]["time"].endswith("Z")

    operator = cli("audit", "history", "--operator", OPS[3], "--certified-by", "CN")
    assert "AEO certification suspended" in operator.stdout
    assert "signed-by=" in operator.stdout
    mra = json.loads(cli("audit", "history", "--mra", "--member", "CN", "--partner", "SG", "--json").stdout)
    assert [e["event"] for e in mra["items"]] == ["MraProposed", "MraAccepted"]
    accreditations = json.loads(cli("audit", "history", "--account", activity.auditor, "--json").stdout)
    assert [e["event"] for e in accreditations["items"]] == ["Accredited", "AccountNamed", "AccreditationWithdrawn"]

    out = tmp_path / "exports" / "cn.csv"
    exported = cli("audit", "search", "--org", "CN", "--event", "CertificatesIssued", "--csv", str(out))
    assert exported.exit_code == 0
    assert "2 events written" in exported.stdout
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["event"] for r in rows] == ["CertificatesIssued"] * 2
    assert not [p for p in out.parent.iterdir() if p.name != "cn.csv"]  # no temporary left

    paged = json.loads(cli("audit", "search", "--actor", dev_address("cn-issuer"), "--limit", "2", "--json").stdout)
    assert len(paged["items"]) == 2
    assert paged["next_cursor"]
    more = json.loads(
        cli("audit", "search", "--actor", dev_address("cn-issuer"), "--cursor", paged["next_cursor"], "--json").stdout
    )
    # nine events by the issuer in all: two issues, each with its destination, its changes, its document
    # key at set-up
    assert len(more["items"]) == 7

    again = json.loads(cli("index", "--json").stdout)
    assert again["index"]["events"] == 0


def test_audit_refusals_are_one_line(cli: CliRunner, index_file: Path) -> None:
    assert cli("index").exit_code == 0
    assert_clean_error(cli("audit", "history", "--certificate", "X", "--operator", OPS[0]), "exactly one")
    assert_clean_error(cli("audit", "history"), "exactly one")
    assert_clean_error(cli("audit", "search", "--since", "last week"), "since", "ISO 8601")
    assert_clean_error(cli("audit", "search", "--event", "CertificateStolen"), "unknown event type")
    assert_clean_error(cli("audit", "search", "--cursor", "AAAA"), "cursor")
    assert_clean_error(cli("audit", "history", "--certificate", "CN-NEVER-ISSUED"), "not among the issuer records")
    assert_clean_error(cli("audit", "history", "--operator", OPS[0]), "certified")


def checkpoint_of(path: Path) -> int | None:
    """The follower's checkpoint, read without migrating anything (the follower does that)."""
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT checkpoint_block FROM index_state")).scalar()
    except OperationalError:  # not created yet
        return None
    finally:
        engine.dispose()


FOLLOW = ("index", "--follow", "--interval", "0.2")


def test_index_follow_stops_cleanly_on_sigterm(cli: CliRunner, index_file: Path, tmp_path: Path) -> None:
    sanzhi = str(Path(sys.executable).parent / "sanzhi")
    process = subprocess.Popen(
        [sanzhi, "--data-dir", str(cli.chain.data_dir), "--rpc-url", cli.chain.rpc_url, *FOLLOW],
        env={**os.environ, "SANZHI_DATABASE_URL": f"sqlite:///{index_file}"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        record_activity(cli.chain, tmp_path / "work")
        head = cli.chain.client().block_number()
        if not poll(lambda: checkpoint_of(index_file) == head, timeout=30):
            process.kill()
            pytest.fail(f"the follower did not catch up within 30 s: {process.communicate(timeout=20)[1]}")
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "stopped" in err
    assert "Traceback" not in err
    assert "indexed" in out


def test_audit_speaks_the_readers_language(cli: CliRunner, index_file: Path, tmp_path: Path) -> None:
    activity = record_activity(cli.chain, tmp_path / "work")
    assert cli("index", "--issued", str(activity.issued_dir)).exit_code == 0
    number = str(activity.certificates[0].data["certificate_number"])
    chinese = cli("audit", "history", "--certificate", number, "--lang", "zh")
    assert chinese.exit_code == 0, chinese.stderr
    assert "签发证书" in chinese.stdout
    assert "证书核销" in chinese.stdout
    suspended = cli("audit", "history", "--operator", OPS[3], "--certified-by", "CN", "--lang", "zh")
    assert "暂停AEO认证" in suspended.stdout
    assert "reason=不合规" in suspended.stdout  # the reason code in Chinese too
    out = tmp_path / "zh.csv"
    assert (
        cli(
            "audit", "search", "--org", "CN", "--event", "CertificatesIssued", "--csv", str(out), "--lang", "zh"
        ).exit_code
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {r["event_label"] for r in rows} == {"签发证书"}
    assert {r["event"] for r in rows} == {"CertificatesIssued"}  # the code stays beside it
    assert_clean_error(cli("audit", "search", "--lang", "fr"), "fr")


def test_the_language_comes_from_the_environment(
    cli: CliRunner, index_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("index").exit_code == 0
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert "授予认可" in cli("audit", "history", "--member", "CN").stdout
    monkeypatch.setenv("SANZHI_LANG", "en")
    assert "Accredited" in cli("audit", "history", "--member", "CN").stdout
