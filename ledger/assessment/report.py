"""`sanzhi assess compare`'s report: report.json (the comparison) and report.html, one
self-contained page in Chinese or English with the chart inline."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ledger.assessment.chart import radar_svg
from ledger.assessment.compare import Comparison
from ledger.assessment.framework import Framework
from ledger.assessment.words import words
from ledger.files import write_atomic
from ledger.labels import Lang

_ENVIRONMENT = Environment(
    loader=PackageLoader("ledger.assessment", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def number(value: float | None) -> str:
    """A level or mean as people write it: 3, 2.5, 2.33; a dash when there is none."""
    if value is None:
        return "-"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def render_html(comparison: Comparison, framework: Framework, lang: Lang) -> str:
    """The report page."""
    said = words(lang)
    return _ENVIRONMENT.get_template("report.html").render(
        c=comparison,
        lang=lang,
        w=said,
        n=number,
        summary=said["summary"].format(
            framework=comparison.framework,
            number=comparison.submission,
            when=comparison.submitted_at.strftime("%Y-%m-%d"),
            members=said["list_separator"].join(comparison.members_in_median),
        ),
        chart=Markup(radar_svg(comparison, framework, lang)),
    )


def write_report(comparison: Comparison, framework: Framework, out: Path, lang: Lang) -> tuple[Path, Path]:
    """Write report.html and report.json into `out` (created if needed)."""
    out.mkdir(parents=True, exist_ok=True)
    json_path = write_atomic(out / "report.json", comparison.model_dump_json(indent=2) + "\n")
    html_path = write_atomic(out / "report.html", render_html(comparison, framework, lang))
    return html_path, json_path
