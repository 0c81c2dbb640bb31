"""The assessment profile as an SVG radar chart, drawn on the server: one axis per indicator,
grouped by pillar; the member's latest levels, the consortium median, another member when
compared, and the member's earlier submissions as lighter lines. Presentation attributes only
(no style attribute), so the portal's content security policy lets it through inline."""

from __future__ import annotations

import math
from html import escape

from ledger.assessment.compare import Comparison
from ledger.assessment.framework import Framework
from ledger.assessment.words import words
from ledger.labels import Lang

# the portal's font stack (api/portal/static/portal.css): Chinese is drawn by a Chinese face,
# the portal's own web font last
FONT = (
    "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK SC', 'PingFang SC', "
    "'Microsoft YaHei', 'Sanzhi Han Sans', sans-serif"
)
WIDTH, HEIGHT = 800, 640
CX, CY, RADIUS = 400, 295, 190
ACCENT, MEDIAN, OTHER, EARLIER = "#0b4f8a", "#4a5360", "#a14a00", "#8fb3d6"
SECTOR_FILLS = ("#eef3f9", "#f5f1ea", "#eef6f0")


def _point(index: float, count: int, level: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    r = RADIUS * level / 4
    return CX + r * math.cos(angle), CY + r * math.sin(angle)


def _polygon(levels: list[float], **attributes: str) -> str:
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (_point(i, len(levels), v) for i, v in enumerate(levels)))
    extra = " ".join(f'{k.replace("_", "-")}="{v}"' for k, v in attributes.items())
    return f'<polygon points="{points}" {extra}/>'


def _text(x: float, y: float, text: str, *, size: int = 12, anchor: str = "middle", fill: str = "#1b1f24") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}">{escape(text)}</text>'
    )


def radar_svg(comparison: Comparison, framework: Framework, lang: Lang) -> str:
    """The chart as an `<svg>` element (zh or en labels)."""
    ids = [i.id for i in framework.indicators]
    count = len(ids)
    title = words(lang)["chart_title"].format(member=comparison.member)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-labelledby="assessment-chart-title" font-family="{FONT}" class="assessment-chart">',
        f'<title id="assessment-chart-title">{escape(title)}</title>',
    ]
    # a tinted sector and a title per pillar
    for n, pillar in enumerate(framework.pillars):
        members = [ids.index(i.id) for i in framework.of_pillar(pillar.id)]
        first, last = min(members) - 0.5, max(members) + 0.5
        arc = [_point(0, 1, 0)] + [_point(first + k * (last - first) / 16, count, 4.35) for k in range(17)]
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in arc)
        parts.append(f'<polygon points="{points}" fill="{SECTOR_FILLS[n % 3]}"/>')
        # outside the indicator labels, growing away from the chart
        lx, ly = _point((first + last) / 2, count, 5.0)
        side = "start" if lx > CX + 40 else "end" if lx < CX - 40 else "middle"
        parts.append(_text(lx, ly + 5, pillar.title.in_(lang), size=15, anchor=side, fill="#0b2a4a"))
    for level in range(1, 5):
        parts.append(_polygon([level] * count, fill="none", stroke="#c9ced6", stroke_width="1"))
        x, y = _point(0, count, level)
        parts.append(_text(x + 4, y + 4, str(level), size=10, anchor="start", fill="#4a5360"))
    for i, indicator in enumerate(ids):
        x, y = _point(i, count, 4)
        parts.append(f'<line x1="{CX}" y1="{CY}" x2="{x:.1f}" y2="{y:.1f}" stroke="#c9ced6" stroke-width="1"/>')
        lx, ly = _point(i, count, 4.45)
        parts.append(_text(lx, ly + 4, indicator, size=10, fill="#4a5360"))
    for earlier in comparison.history:
        parts.append(_polygon([earlier[i] for i in ids], fill="none", stroke=EARLIER, stroke_width="1.5"))
    parts.append(
        _polygon(
            [r.median for r in comparison.indicators],
            fill="none",
            stroke=MEDIAN,
            stroke_width="2",
            stroke_dasharray="6 4",
        )
    )
    if comparison.other:
        others = [float(r.other or 0) for r in comparison.indicators]
        parts.append(_polygon(others, fill="none", stroke=OTHER, stroke_width="2", stroke_dasharray="2 3"))
    parts.append(
        _polygon(
            [r.level for r in comparison.indicators],
            fill=ACCENT,
            fill_opacity="0.18",
            stroke=ACCENT,
            stroke_width="2.5",
        )
    )
    parts.extend(_legend(comparison, lang))
    parts.append("</svg>")
    return "".join(parts)


def _legend(comparison: Comparison, lang: Lang) -> list[str]:
    entries = [
        (words(lang)["chart_latest"].format(member=comparison.member, number=comparison.submission), ACCENT, ""),
        (words(lang)["chart_median"], MEDIAN, "6 4"),
    ]
    if comparison.other:
        entries.append((words(lang)["chart_other"].format(member=comparison.other), OTHER, "2 3"))
    if comparison.history:
        entries.append((words(lang)["chart_earlier"].format(member=comparison.member), EARLIER, ""))
    parts = []
    for n, (label, colour, dash) in enumerate(entries):
        x, y = 60 + (n % 2) * 360, HEIGHT - 44 + (n // 2) * 22
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<line x1="{x}" y1="{y}" x2="{x + 28}" y2="{y}" stroke="{colour}" stroke-width="3"{dashed}/>')
        parts.append(_text(x + 36, y + 4, label, size=13, anchor="start"))
    return parts
