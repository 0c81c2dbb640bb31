"""`sanzhi assess ...` on the dev chain: CN's admin fills the form in twice, SG's once; the
comparison reads every member's answers back from the store, checked against the chain."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ledger.assessment.framework import load_framework
from tests.support import CliRunner, assert_clean_error

FRAMEWORK = load_framework()
IDS = FRAMEWORK.ids


def filled(cli: CliRunner, tmp_path: Path, member: str, levels: list[int], name: str) -> Path:
    """The CLI's own form for `member`, with `levels` written in, in the framework's order."""
    form = tmp_path / f"{name}.toml"
    result = cli("assess", "template", "--lang", "en", "--member", member, "--out", str(form))
    assert result.exit_code == 0, result.stderr
    answers = iter(levels)
    form.write_text(re.sub(r'^level = ""$', lambda _: f"level = {next(answers)}", form.read_text(), flags=re.M))
    return form


def submit(cli: CliRunner, form: Path, profile: str, *options: str) -> dict:  # type: ignore[type-arg]
    result = cli("assess", "submit", str(form), "--as", profile, "--json", *options)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


CN_FIRST = [1] * 24
CN_SECOND = [2, 3, 1, 2, 4, 3, 2, 1, 2, 2, 1, 3, 2, 4, 0, 1, 3, 2, 3, 2, 4, 2, 1, 1]
SG_LEVELS = [4, 3, 3, 4, 4, 4, 3, 3, 4, 3, 2, 3, 3, 4, 2, 3, 4, 4, 4, 3, 4, 3, 3, 3]


def test_template_submit_compare(cli: CliRunner, tmp_path: Path) -> None:
    evidence = tmp_path / "single-window-decree.txt"
    evidence.write_text("decree on the single window\n")
    first = submit(cli, filled(cli, tmp_path, "CN", CN_FIRST, "cn-1"), "cn-admin")
    assert first["number"] == 1
    assert first["members_without_key"] == []
    again = submit(cli, filled(cli, tmp_path, "CN", CN_FIRST, "cn-1b"), "cn-admin")
    assert again["already_submitted"] is True
    assert again["number"] == 1
    second = submit(cli, filled(cli, tmp_path, "CN", CN_SECOND, "cn-2"), "cn-admin", "--evidence", f"SB-01={evidence}")
    assert second["number"] == 2
    assert len(second["evidence"]["SB-01"]) == 1
    submit(cli, filled(cli, tmp_path, "SG", SG_LEVELS, "sg-1"), "sg-admin")

    out = tmp_path / "report"
    result = cli("assess", "compare", "CN", "--with", "SG", "--out", str(out), "--as", "sg-customs", "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["members_in_median"] == ["CN", "SG"]
    assert report["submission"] == 2
    assert report["previous_submission"] == 1
    rows = {r["indicator"]: r for r in report["indicators"]}
    for n, indicator in enumerate(IDS):
        assert rows[indicator]["level"] == CN_SECOND[n]
        assert rows[indicator]["previous"] == CN_FIRST[n]
        assert rows[indicator]["other"] == SG_LEVELS[n]
        assert rows[indicator]["median"] == (CN_SECOND[n] + SG_LEVELS[n]) / 2
    # largest first (behind the median or SG, whichever is more), ties in the framework's order;
    # SG is two levels ahead on these ten
    gaps = report["gaps"]
    ahead_by_two = ["SC-01", "SC-03", "SC-04", "SC-08", "SB-01", "SB-07", "SB-08", "CO-02", "CO-07", "CO-08"]
    assert [g["indicator"] for g in gaps[:10]] == ahead_by_two
    assert {g["gap"] for g in gaps[:10]} == {2}
    assert {g["gap"] for g in gaps[10:]} == {1}
    assert len(gaps) == 10 + 9  # the other five: CN level with SG
    assert gaps[3]["addressed_by"]["zh"].startswith("主要靠实践")
    smart_customs = next(p for p in report["pillars"] if p["pillar"] == "SC")
    assert smart_customs["level"] == sum(CN_SECOND[:8]) / 8
    assert smart_customs["previous"] == 1
    page = (out / "report.html").read_text()
    assert "<svg" in page
    assert "智慧海关" in page
    assert "成员中位数" in page

    shown = cli("assess", "show", "CN", "--json")
    history = json.loads(shown.stdout)["submissions"]
    assert [s["number"] for s in history] == [1, 2]
    assert history[1]["indicators"] == 24
    assert history[1]["framework"] == "2026.1"


def test_another_members_admin_cannot_submit_for_cn(cli: CliRunner, tmp_path: Path) -> None:
    form = filled(cli, tmp_path, "CN", CN_FIRST, "cn")
    assert_clean_error(cli("assess", "submit", str(form), "--as", "sg-admin"), "the form is CN's", "SG's admin")
    assert_clean_error(cli("assess", "submit", str(form), "--as", "cn-customs"), "not the admin account")
    assert json.loads(cli("assess", "show", "CN", "--json").stdout)["submissions"] == []


def test_bad_forms_are_refused_in_one_line(cli: CliRunner, tmp_path: Path) -> None:
    blank = tmp_path / "blank.toml"
    assert cli("assess", "template", "--member", "CN", "--out", str(blank)).exit_code == 0
    result = cli("assess", "submit", str(blank), "--as", "cn-admin")
    assert result.exit_code == 2
    assert_clean_error(result, "SC-01", "level not filled in")
    form = filled(cli, tmp_path, "CN", CN_FIRST, "cn")
    high = tmp_path / "high.toml"
    high.write_text(form.read_text().replace("level = 1", "level = 5", 1))
    assert_clean_error(cli("assess", "submit", str(high), "--as", "cn-admin"), "less than or equal to 4")
    extra = tmp_path / "extra.toml"
    extra.write_text(form.read_text() + '\n[answers.SC-99]\nlevel = 1\nnote = ""\nevidence = []\n')
    assert_clean_error(cli("assess", "submit", str(extra), "--as", "cn-admin"), "no indicator SC-99")
    result = cli("assess", "submit", str(form), "--as", "cn-admin", "--evidence", "XX-01")
    assert result.exit_code == 2
    assert_clean_error(result, "INDICATOR=FILE")
