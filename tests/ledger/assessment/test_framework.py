"""The shipped indicator framework: valid against its published schema, complete in both
languages, and drawn by the portal's own Chinese font."""

from __future__ import annotations

import json
import tomllib

import jsonschema
import pytest
from fontTools.ttLib import TTFont

from ledger.assessment.errors import InvalidFramework
from ledger.assessment.framework import FRAMEWORK_FILE, framework_schema_text, load_framework, parse_framework
from ledger.assessment.words import WORDS_FILE
from tests.support import ROOT

SCHEMA = ROOT / "schemas" / "assessment-framework.schema.json"
FONT = ROOT / "api" / "portal" / "static" / "sanzhi-han-sans.woff2"


def raw() -> dict:  # type: ignore[type-arg]
    return tomllib.loads(FRAMEWORK_FILE.read_text(encoding="utf-8"))


def test_the_file_validates_against_the_published_schema() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == framework_schema_text(), "regenerate the schema"
    jsonschema.validate(raw(), json.loads(SCHEMA.read_text(encoding="utf-8")))
    broken = raw()
    del broken["indicators"][0]["levels"][4]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_three_pillars_and_every_level_in_both_languages() -> None:
    framework = load_framework()
    assert framework.version == "2026.1"
    assert [p.title.zh for p in framework.pillars] == ["智慧海关", "智能边境", "智享联通"]
    assert 24 <= len(framework.indicators) <= 36
    for indicator in framework.indicators:
        assert len(indicator.levels) == 5, indicator.id
        texts = [indicator.title, indicator.description, indicator.addressed_by, *indicator.levels]
        for text in texts:
            assert text.zh.strip()
            assert text.en.strip(), indicator.id
            # Chinese with no English words left over (codes such as AEO and EPCIS may stay)
            words = [
                w for w in text.zh.replace("\uff08", " ").replace("\uff09", " ").split() if w.isascii() and w.isalpha()
            ]
            assert set(words) <= {"AEO", "EPCIS"}, (indicator.id, text.zh)
        assert len(framework.of_pillar(indicator.pillar)) >= 6


def test_the_portal_font_draws_every_chinese_character_of_the_framework_and_chart() -> None:
    covered = set(map(chr, TTFont(FONT).getBestCmap()))
    text = FRAMEWORK_FILE.read_text(encoding="utf-8") + WORDS_FILE.read_text(encoding="utf-8")
    missing = sorted({ch for ch in text if 0x3000 <= ord(ch) <= 0x9FFF} - covered)
    assert not missing, "".join(missing)


def test_an_inconsistent_framework_is_refused() -> None:
    repeated = raw()
    repeated["indicators"][1]["id"] = repeated["indicators"][0]["id"]
    with pytest.raises(InvalidFramework, match="appears twice"):
        parse_framework(repeated)
    misplaced = raw()
    misplaced["indicators"][0]["pillar"] = "SB"
    with pytest.raises(InvalidFramework, match="not numbered in its pillar"):
        parse_framework(misplaced)
