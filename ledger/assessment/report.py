"""`sanzhi assess compare`'s report: report.json (the comparison) and report.html, one
self-contained page in Chinese or English with the chart inline."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ledger.assessment.chart import radar_svg
from ledger.assessment.compare import Comparison
from ledger.assessment.framework import Framework
from ledger.labels import Lang
from ledger.files import write_atomic

_ENVIRONMENT = Environment(
    loader=PackageLoader("ledger.assessment", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

WORDS: dict[str, dict[str, str]] = {
    "title": {"zh": "{member} 智慧化成熟度自评对比", "en": "{member} smart-readiness self-assessment compared"},
    "summary": {
        "zh": "框架 {framework}；第 {number} 次自评（{when}）；中位数取自 {members} 的最新自评。",
        "en": "Framework {framework}; submission {number} ({when}); median of the latest submissions of {members}.",
    },
    "pillars": {"zh": "按支柱", "en": "By pillar"},
    "indicators": {"zh": "按指标", "en": "By indicator"},
    "gaps": {"zh": "最大差距及应对", "en": "Largest gaps and what addresses them"},
    "no_gaps": {"zh": "没有低于中位数的指标。", "en": "No indicator is below the median."},
    "pillar": {"zh": "支柱", "en": "Pillar"},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "level": {"zh": "本次", "en": "Level"},
    "previous": {"zh": "上次", "en": "Previous"},
    "median": {"zh": "中位数", "en": "Median"},
    "gap": {"zh": "差距", "en": "Gap"},
    "addressed_by": {"zh": "应对", "en": "Addressed by"},
    "none": {"zh": "无", "en": "none"},
}
LIST_SEPARATOR: dict[str, str] = {"zh": "、", "en": ", "}


def number(value: float | None) -> str:
    """A level or mean as people write it: 3, 2.5, 2.33; a dash when there is none."""
    if value is None:
        return "–"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def render_html(comparison: Comparison, framework: Framework, lang: Lang) -> str:
    """The report page."""
    words = {key: text[lang.value] for key, text in WORDS.items()}
    return _ENVIRONMENT.get_template("report.html").render(
        c=comparison,
        lang=lang,
        w=words,
        n=number,
        summary=words["summary"].format(
            framework=comparison.framework,
            number=comparison.submission,
            when=comparison.submitted_at.strftime("%Y-%m-%d"),
            members=LIST_SEPARATOR[lang.value].join(comparison.members_in_median),
        ),
        chart=Markup(radar_svg(comparison, framework, lang)),  # noqa: S704 - built from escaped parts
    )


def write_report(comparison: Comparison, framework: Framework, out: Path, lang: Lang) -> tuple[Path, Path]:
    """Write report.html and report.json into `out` (created if needed)."""
    out.mkdir(parents=True, exist_ok=True)
    json_path = write_atomic(out / "report.json", comparison.model_dump_json(indent=2) + "\n")
    html_path = write_atomic(out / "report.html", render_html(comparison, framework, lang))
    return html_path, json_path
