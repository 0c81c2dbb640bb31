"""`sanzhi stats ...` on the session chain: both administrations commit their tables, either
compares them; tables that do not match their reporter's latest root, or were never committed,
are refused in one line."""

from __future__ import annotations

import csv
import hashlib
import json
from decimal import Decimal
from pathlib import Path

from ledger.store.cid import ContentId
from tests.support import ROOT, CliResult, CliRunner, assert_clean_error

SAMPLES = ROOT / "examples" / "statistics"
CN_EXPORTS = SAMPLES / "cn-exports-sg-2026-10.csv"
SG_IMPORTS = SAMPLES / "sg-imports-cn-2026-10.csv"


def commit_both(cli: CliRunner) -> None:
    for table, profile in ((CN_EXPORTS, "cn-oracle"), (SG_IMPORTS, "sg-oracle")):
        result = cli("stats", "commit", str(table), "--as", profile)
        assert result.exit_code == 0, result.stderr


def compare(cli: CliRunner, ours: Path, theirs: Path | str, out: Path, *options: str) -> CliResult:
    """`sanzhi stats compare` of the 2026-10 tables."""
    return cli("stats", "compare", "--ours", str(ours), "--theirs", str(theirs), "--period", "2026-10",
               "--out", str(out), *options)  # fmt: skip


def test_commit_and_compare(cli: CliRunner, tmp_path: Path) -> None:
    committed = cli("stats", "commit", str(CN_EXPORTS), "--as", "cn-oracle")
    assert committed.exit_code == 0, committed.stderr
    assert committed.stdout.startswith("CN's export table to SG for 2026-10: revision 1 committed, root 0x")
    assert "34 rows" in committed.stdout
    again = cli("stats", "commit", str(CN_EXPORTS), "--as", "cn-oracle")
    assert "already revision 1" in again.stdout
    assert "nothing sent" in again.stdout
    assert cli("stats", "commit", str(SG_IMPORTS), "--as", "sg-oracle").exit_code == 0

    # SG compares, its own table first: the report is still exports against imports
    out = tmp_path / "report"
    result = compare(cli, SG_IMPORTS, CN_EXPORTS, out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Mirror statistics 2026-10: CN exports to SG against SG imports from CN")
    assert "revision 1 committed" in result.stdout
    assert "Above the thresholds: 3." in result.stdout
    rows = list(csv.DictReader((out / "discrepancies.csv").read_text().splitlines()))
    assert [r["hs_code"] for r in rows] == ["85", "27", "03"]
    assert (out / "summary.md").read_text().rstrip("\n") == result.stdout.rstrip("\n")


def test_compare_options_and_json(cli: CliRunner, tmp_path: Path) -> None:
    commit_both(cli)
    result = compare(cli, CN_EXPORTS, SG_IMPORTS, tmp_path, "--level", "6", "--abs", "1000000", "--rel", "50", "--json")
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    comparison = body["comparison"]
    assert comparison["level"] == 6
    assert comparison["thresholds"] == {"absolute_usd": "1000000", "relative_pct": "50"}
    assert [line["hs_code"] for line in comparison["lines"] if line["above_threshold"]] == ["030617", "854231"]
    assert comparison["exports"]["revision"]["number"] == 1
    assert body["discrepancies_csv"] == str(tmp_path / "discrepancies.csv")


def test_compare_refuses_a_table_that_does_not_match_its_root(cli: CliRunner, tmp_path: Path) -> None:
    commit_both(cli)
    altered = tmp_path / "sg.csv"
    text = SG_IMPORTS.read_text()
    line = text.splitlines()[5]
    fields = line.split(",")
    fields[5] = str(Decimal(fields[5]) + 1)  # one dollar more in one line
    altered.write_text(text.replace(line, ",".join(fields), 1))
    result = compare(cli, CN_EXPORTS, altered, tmp_path / "out")
    assert_clean_error(
        result, "SG's import table from CN for 2026-10 does not match the root SG committed at", "(revision 1)"
    )
    assert not (tmp_path / "out").exists()


def test_compare_refuses_a_table_never_committed(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("stats", "commit", str(CN_EXPORTS), "--as", "cn-oracle").exit_code == 0
    result = compare(cli, CN_EXPORTS, SG_IMPORTS, tmp_path)
    assert_clean_error(result, "SG has committed no root for SG's import table from CN for 2026-10")


def test_compare_refuses_inputs(cli: CliRunner, tmp_path: Path) -> None:
    commit_both(cli)
    base = ["stats", "compare", "--ours", str(CN_EXPORTS), "--out", str(tmp_path)]
    cid = ContentId.of(codec="raw", digest=hashlib.sha256(b"rows").digest()).text
    assert_clean_error(cli(*base, "--theirs", cid, "--period", "2026-10"), "needs the reader's key")
    assert_clean_error(cli(*base, "--theirs", cid, "--period", "2026-10", "--as", "cn-oracle"), "not in the local")
    assert_clean_error(cli(*base, "--theirs", str(tmp_path), "--period", "2026-10"), "neither a file here nor")
    assert_clean_error(cli(*base, "--theirs", str(SG_IMPORTS), "--period", "2026-09"), "is not for 2026-09")
    assert_clean_error(cli(*base, "--theirs", str(SG_IMPORTS), "--period", "2026-9"), "not a month")
    assert_clean_error(cli(*base, "--theirs", str(CN_EXPORTS), "--period", "2026-10"), "not mirror tables")
    assert_clean_error(cli(*base, "--theirs", str(SG_IMPORTS), "--period", "2026-10", "--abs", "1e4"), "abs")
    assert_clean_error(cli(*base, "--theirs", str(SG_IMPORTS), "--period", "2026-10", "--rel", "-5"), "rel")
    assert_clean_error(cli(*base, "--theirs", str(SG_IMPORTS), "--period", "2026-10", "--level", "5"), "level 5")


def test_commit_refusals(cli: CliRunner, tmp_path: Path) -> None:
    assert_clean_error(cli("stats", "commit", str(CN_EXPORTS), "--as", "sg-oracle"), "is accredited by SG")
    assert_clean_error(cli("stats", "commit", str(CN_EXPORTS), "--as", "cn-issuer"), "not a statistics oracle")
    assert_clean_error(cli("stats", "commit", str(CN_EXPORTS), "--as", "cn-oracle", "--cid", "Qm123"), "CIDv0")
    broken = tmp_path / "broken.csv"
    broken.write_text(CN_EXPORTS.read_text().replace(",851713,", ",8517.13,"))
    assert_clean_error(cli("stats", "commit", str(broken), "--as", "cn-oracle"), "broken.csv, line", "not an HS code")
    assert (
        "nothing committed"
        in cli(
            "stats", "history", "--reporter", "CN", "--flow", "export", "--partner", "SG", "--period", "2026-10"
        ).stdout
    )


def test_commit_with_a_cid_and_history(cli: CliRunner) -> None:
    digest = hashlib.sha256(CN_EXPORTS.read_bytes()).digest()
    assert cli("stats", "commit", str(CN_EXPORTS), "--as", "cn-oracle").exit_code == 0
    shared = cli(
        "stats",
        "commit",
        str(CN_EXPORTS),
        "--as",
        "cn-oracle-2",
        "--cid",
        ContentId.of(codec="raw", digest=digest).text,
        "--json",
    )
    assert shared.exit_code == 0, shared.stderr
    body = json.loads(shared.stdout)
    assert (body["revision"], body["cid_digest"], body["already_committed"]) == (2, "0x" + digest.hex(), False)
    history = cli(
        "stats", "history", "--reporter", "cn", "--flow", "export", "--partner", "SG", "--period", "2026-10", "--json"
    )
    revisions = json.loads(history.stdout)["revisions"]
    assert [r["number"] for r in revisions] == [1, 2]
    assert revisions[1]["cid_digest"] == "0x" + digest.hex()
    text = cli("stats", "history", "--reporter", "CN", "--flow", "export", "--partner", "SG", "--period", "2026-10")
    assert text.stdout.splitlines()[0] == "CN's export table to SG for 2026-10:"
    assert len(text.stdout.splitlines()) == 4
    assert_clean_error(
        cli("stats", "history", "--reporter", "C N", "--flow", "export", "--partner", "SG", "--period", "2026-10"),
        "member id",
    )


def test_sample_writes_the_shipped_tables(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("stats", "sample", "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "cn-exports-sg-2026-10.csv").read_bytes() == CN_EXPORTS.read_bytes()
    assert (tmp_path / "sg-imports-cn-2026-10.csv").read_bytes() == SG_IMPORTS.read_bytes()


def share_table(cli: CliRunner, table: Path, sender: str, reader: str) -> str:
    put = cli("docs", "put", str(table), "--for", reader, "--as", sender, "--anchor", "--json")
    assert put.exit_code == 0, put.stderr
    return str(json.loads(put.stdout)["cid"])


def test_compare_reads_the_partners_table_from_the_store(cli: CliRunner, tmp_path: Path) -> None:
    """SG's oracle shares its table through the store and commits its CID with the root; CN's
    oracle compares against it by CID, reading it as a recipient."""
    cid = share_table(cli, SG_IMPORTS, "sg-oracle", "cn-oracle")
    assert cli("stats", "commit", str(CN_EXPORTS), "--as", "cn-oracle").exit_code == 0
    committed = cli("stats", "commit", str(SG_IMPORTS), "--as", "sg-oracle", "--cid", cid)
    assert committed.exit_code == 0, committed.stderr
    result = compare(cli, CN_EXPORTS, cid, tmp_path / "report", "--as", "cn-oracle", "--json")
    assert result.exit_code == 0, result.stderr
    lines = json.loads(result.stdout)["comparison"]["lines"]
    assert any(line["above_threshold"] for line in lines)
    assert sorted(p.name for p in (tmp_path / "report").iterdir()) == ["discrepancies.csv", "summary.md"]


def test_compare_refuses_a_shared_copy_other_than_the_committed_one(cli: CliRunner, tmp_path: Path) -> None:
    committed_cid = share_table(cli, SG_IMPORTS, "sg-oracle", "cn-oracle")
    other_cid = share_table(cli, SG_IMPORTS, "sg-oracle", "cn-oracle")  # same rows, another document
    assert cli("stats", "commit", str(CN_EXPORTS), "--as", "cn-oracle").exit_code == 0
    assert cli("stats", "commit", str(SG_IMPORTS), "--as", "sg-oracle", "--cid", committed_cid).exit_code == 0
    result = compare(cli, CN_EXPORTS, other_cid, tmp_path / "report", "--as", "cn-oracle")
    assert_clean_error(result, "is not the one SG committed")
