"""The self-assessment form `sanzhi assess template` writes: TOML, one section per indicator,
each indicator's levels described in comments in the reader's language."""

from __future__ import annotations

import json

from ledger.assessment.framework import Framework
from ledger.assessment.words import words
from ledger.labels import Lang


def _comment(text: str) -> str:
    return "\n".join(f"# {line}".rstrip() for line in text.splitlines())


def form_text(framework: Framework, lang: Lang, *, member: str = "") -> str:
    """The blank form (levels empty: a form sent unfilled is refused, not read as level 0)."""
    lines = [_comment(words(lang)["form_header"].format(version=framework.version)), ""]
    lines += [f"member = {json.dumps(member)}", f"framework = {json.dumps(framework.version)}", ""]
    for pillar in framework.pillars:
        lines += [f"# ======== {pillar.title.in_(lang)}", _comment(pillar.description.in_(lang)), ""]
        for indicator in framework.of_pillar(pillar.id):
            lines.append(f"# {indicator.id} {indicator.title.in_(lang)}")
            lines.append(_comment(indicator.description.in_(lang)))
            lines += [f"#   {n} = {level.in_(lang)}" for n, level in enumerate(indicator.levels)]
            lines += [f"[answers.{indicator.id}]", 'level = ""', 'note = ""', "evidence = []", ""]
    return "\n".join(lines)
