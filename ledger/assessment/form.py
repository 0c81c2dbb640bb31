"""The self-assessment form `sanzhi assess template` writes: TOML, one section per indicator,
each indicator's levels described in comments in the reader's language."""

from __future__ import annotations

import json

from ledger.assessment.framework import Framework
from ledger.labels import Lang

HEADER = {
    "zh": (
        "智慧化成熟度自评表，框架 {version}。\n"
        "每个指标填写 level（0 至 4 的整数）；note（说明）和 evidence（证明文件的 CID 列表）可不填。\n"
        "提交：sanzhi assess submit 本文件 --as 本成员的管理账户 [--evidence 指标=文件]"
    ),
    "en": (
        "Smart-readiness self-assessment form, framework {version}.\n"
        "Fill in each indicator's level (a whole number 0 to 4); note and evidence (CIDs of documents) are optional.\n"
        "Submit: sanzhi assess submit THIS_FILE --as YOUR_MEMBERS_ADMIN [--evidence INDICATOR=FILE]"
    ),
}


def _comment(text: str) -> str:
    return "\n".join(f"# {line}".rstrip() for line in text.splitlines())


def form_text(framework: Framework, lang: Lang, *, member: str = "") -> str:
    """The blank form (levels empty: a form sent unfilled is refused, not read as level 0)."""
    lines = [_comment(HEADER[lang.value].format(version=framework.version)), ""]
    lines += [f"member = {json.dumps(member)}", f"framework = {json.dumps(framework.version)}", ""]
    for pillar in framework.pillars:
        lines += [f"# ======== {pillar.title.in_(lang)}", _comment(pillar.description.in_(lang)), ""]
        for indicator in framework.of_pillar(pillar.id):
            lines.append(f"# {indicator.id} {indicator.title.in_(lang)}")
            lines.append(_comment(indicator.description.in_(lang)))
            lines += [f"#   {n} = {level.in_(lang)}" for n, level in enumerate(indicator.levels)]
            lines += [f"[answers.{indicator.id}]", 'level = ""', 'note = ""', "evidence = []", ""]
    return "\n".join(lines)
