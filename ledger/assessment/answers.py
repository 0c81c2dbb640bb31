"""A member's self-assessment: per indicator of one framework version a level 0-4, an optional
note and the CIDs of evidence documents; checked strictly against the framework."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, ValidationError

from ledger.assessment.errors import InvalidAnswers
from ledger.assessment.framework import Framework
from ledger.errors import InvalidInput
from ledger.ids import member_id_bytes, member_id_text
from ledger.jsonfiles import loads_strict
from ledger.store.cid import ContentId

MAX_NOTE = 1000
MAX_EVIDENCE = 10
MAX_FORM_BYTES = 256 * 1024


class Answer(BaseModel):
    """One indicator's answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    indicator: str
    level: Annotated[StrictInt, Field(ge=0, le=4)]
    note: Annotated[str, StringConstraints(max_length=MAX_NOTE, strip_whitespace=True)] = ""
    evidence: Annotated[list[str], Field(max_length=MAX_EVIDENCE)] = Field(default_factory=list)


class Answers(BaseModel):
    """Every indicator of `framework` answered once, in the framework's order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    member: str
    framework: str
    answers: list[Answer]

    def levels(self) -> dict[str, int]:
        return {a.indicator: a.level for a in self.answers}


def checked_answers(raw: Any, framework: Framework, *, source: str) -> Answers:
    """`raw` (the shared JSON, or a form's fields) as Answers, or InvalidAnswers naming the
    first problem: another framework version, an indicator unknown, missing or repeated, a
    level out of 0-4, a note too long, evidence that is no CID."""
    try:
        answers = Answers.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidAnswers(f"{where}: {first['msg']}", path=source) from None
    if answers.framework != framework.version:
        raise InvalidAnswers(
            f"answers framework {answers.framework}, but this sanzhi knows framework {framework.version}", path=source
        )
    try:
        member = member_id_text(member_id_bytes(answers.member))
    except InvalidInput as exc:
        raise InvalidAnswers(f"member: {exc.reason}", path=source) from None
    known = set(framework.ids)
    seen: set[str] = set()
    for answer in answers.answers:
        where = f"{source}, {answer.indicator}"
        if answer.indicator not in known:
            raise InvalidAnswers(f"no indicator {answer.indicator} in framework {framework.version}", path=where)
        if answer.indicator in seen:
            raise InvalidAnswers("answered twice", path=where)
        seen.add(answer.indicator)
        for cid in answer.evidence:
            try:
                ContentId.parse(cid)
            except InvalidInput:
                raise InvalidAnswers(f"evidence {cid[:80]!r} is not a document CID", path=where) from None
    missing = [i for i in framework.ids if i not in seen]
    if missing:
        raise InvalidAnswers(f"not answered: {', '.join(missing)}", path=source)
    ordered = sorted(answers.answers, key=lambda a: framework.ids.index(a.indicator))
    return Answers(member=member, framework=answers.framework, answers=ordered)


def read_form(path: Path, framework: Framework) -> Answers:
    """A filled-in form (`sanzhi assess template`) as checked Answers."""
    source = str(path)
    if not path.is_file():
        raise InvalidAnswers("no such file", path=source)
    data = path.read_bytes()
    if len(data) > MAX_FORM_BYTES:
        raise InvalidAnswers(f"larger than {MAX_FORM_BYTES // 1024} KiB: no form is", path=source)
    try:
        form = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidAnswers(f"not a TOML form: {exc}", path=source) from None
    unknown = sorted(set(form) - {"member", "framework", "answers"})
    if unknown:
        raise InvalidAnswers(f"unknown field {unknown[0]!r}", path=source)
    table = form.get("answers")
    if not isinstance(table, dict):
        raise InvalidAnswers("no [answers.ID] sections", path=source)
    rows = []
    for indicator, fields in table.items():
        if not isinstance(fields, dict):
            raise InvalidAnswers("not a section", path=f"{source}, {indicator}")
        if fields.get("level") == "":
            raise InvalidAnswers("level not filled in (a number 0 to 4)", path=f"{source}, {indicator}")
        rows.append({"indicator": indicator, **fields})
    return checked_answers(
        {"member": form.get("member"), "framework": form.get("framework"), "answers": rows}, framework, source=source
    )


def parse_shared(data: bytes, framework: Framework, *, source: str) -> Answers:
    """The shared answers file (JSON) as checked Answers."""
    return checked_answers(loads_strict(data, source=source), framework, source=source)
