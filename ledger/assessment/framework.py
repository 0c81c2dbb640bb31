"""The indicator framework (framework.toml beside this module): pillars, indicators, maturity
levels 0-4 and what addresses a gap, in Chinese and English; loaded and checked once."""

from __future__ import annotations

import json
import tomllib
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from ledger.assessment.errors import InvalidFramework
from ledger.labels import Lang

FRAMEWORK_FILE = Path(__file__).with_name("framework.toml")
LEVELS = range(0, 5)
MIN_INDICATORS, MAX_INDICATORS = 20, 40

NonEmpty = Annotated[str, StringConstraints(min_length=1, max_length=400, strip_whitespace=True)]


class Text(BaseModel):
    """One text in both languages."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zh: NonEmpty
    en: NonEmpty

    def in_(self, lang: Lang) -> str:
        return self.zh if lang is Lang.ZH else self.en


class Pillar(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    title: Text
    description: Text


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}-[0-9]{2}$")]
    pillar: str
    title: Text
    description: Text
    levels: Annotated[list[Text], Field(min_length=5, max_length=5, description="Maturity levels 0 to 4, in order")]
    addressed_by: Text = Field(description="What in this system or in practice addresses a gap")


class Framework(BaseModel):
    """A versioned indicator framework."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}\.[0-9]{1,3}$")]
    pillars: Annotated[list[Pillar], Field(min_length=1)]
    indicators: Annotated[list[Indicator], Field(min_length=MIN_INDICATORS, max_length=MAX_INDICATORS)]

    @model_validator(mode="after")
    def _consistent(self) -> Framework:
        pillars = [p.id for p in self.pillars]
        if len(set(pillars)) != len(pillars):
            raise ValueError("pillar ids repeat")
        seen: set[str] = set()
        for indicator in self.indicators:
            if indicator.id in seen:
                raise ValueError(f"indicator {indicator.id} appears twice")
            seen.add(indicator.id)
            if indicator.pillar not in pillars:
                raise ValueError(f"indicator {indicator.id} names unknown pillar {indicator.pillar}")
            if not indicator.id.startswith(indicator.pillar + "-"):
                raise ValueError(f"indicator {indicator.id} is not numbered in its pillar {indicator.pillar}")
        return self

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == indicator_id)

    def of_pillar(self, pillar_id: str) -> list[Indicator]:
        return [i for i in self.indicators if i.pillar == pillar_id]

    @property
    def ids(self) -> list[str]:
        return [i.id for i in self.indicators]


def parse_framework(raw: dict[str, Any]) -> Framework:
    """A framework from its parsed TOML; InvalidFramework naming the first broken rule."""
    try:
        return Framework.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidFramework(f"{where}: {first['msg']}" if where else first["msg"]) from None


@cache
def load_framework(path: Path = FRAMEWORK_FILE) -> Framework:
    """The framework shipped with sanzhi (read once)."""
    with path.open("rb") as handle:
        return parse_framework(tomllib.load(handle))


def framework_schema() -> dict[str, Any]:
    """The JSON Schema of the framework file (schemas/assessment-framework.schema.json)."""
    schema = Framework.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "assessment-framework.schema.json",
        **schema,
    }


def framework_schema_text() -> str:
    """The schema file's exact text (stable key order, UTF-8, trailing newline)."""
    return json.dumps(framework_schema(), ensure_ascii=False, indent=2) + "\n"
