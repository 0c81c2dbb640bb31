#!/usr/bin/env python3
"""Write the portal's Chinese web font: api/portal/static/sanzhi-han-sans.woff2.

    .venv/bin/python scripts/portal_font.py SOURCE.otf

SOURCE is Noto Sans SC Regular (OFL 1.1), e.g. from npm:
`npm pack @embedpdf/fonts-sc@1.0.0` and its package/fonts/NotoSansHans-Regular.otf.

A browser with no Chinese font of its own (a headless Chromium, a minimal Linux desktop) shows
boxes for Chinese; the portal names this font last in its font stack, so only such a browser
downloads it. It holds the 3,755 most common characters (GB 2312 level 1), CJK punctuation and
full-width forms, and every other character of the portal's Chinese messages and templates
(tests/api/portal/test_portal_font.py checks that it still does). Subsetting makes it a
Modified Version under the OFL, which may not carry the Reserved Font Name "Noto Sans": it is
renamed "Sanzhi Han Sans", and the licence ships beside it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "api" / "portal" / "static"
OUT = STATIC / "sanzhi-han-sans.woff2"
FAMILY = "Sanzhi Han Sans"
POSTSCRIPT = "SanzhiHanSans-Regular"
# CJK symbols and punctuation, full-width forms: what Chinese text is punctuated with
PUNCTUATION = [*range(0x3000, 0x3040), *range(0xFF00, 0xFFF0), 0x00B7, 0x2014, 0x2026, 0x2018, 0x2019, 0x201C, 0x201D]


def gb2312_level1() -> set[str]:
    """The 3,755 characters of GB 2312 level 1 (rows 16-55), from Python's own codec."""
    found = set()
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            try:
                found.add(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return found


def portal_text() -> set[str]:
    """Every non-ASCII character of the portal's messages, templates and the ledger's labels, and
    the Chinese characters of the demo's documents (`cert sample`: company names such as 鑫 are
    outside GB 2312 level 1, and the demo is what a newcomer sees first)."""
    portal = ROOT / "api" / "portal"
    sources = [
        *(portal / "messages").glob("*.toml"),
        *(portal / "templates").glob("*"),
        ROOT / "ledger" / "labels.toml",
    ]
    shown = {ch for path in sources for ch in path.read_text(encoding="utf-8") if ord(ch) > 0x7F}
    samples = (ROOT / "ledger" / "documents" / "samples.py").read_text(encoding="utf-8")
    return shown | {ch for ch in samples if 0x4E00 <= ord(ch) <= 0x9FFF}


def main(source: Path) -> None:
    font = TTFont(source)
    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14, 16, 17]
    subsetter = subset.Subsetter(options)
    unicodes = {ord(ch) for ch in gb2312_level1() | portal_text()} | set(PUNCTUATION)
    subsetter.populate(unicodes=sorted(unicodes))
    subsetter.subset(font)
    names = font["name"]
    for record in names.names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID in (3, 4):
            record.string = f"{FAMILY} Regular"
        elif record.nameID == 6:
            record.string = POSTSCRIPT
    if "CFF " in font:  # the CFF table names the font too
        cff = font["CFF "].cff
        cff.fontNames = [POSTSCRIPT]
        cff[POSTSCRIPT].FamilyName = FAMILY
        cff[POSTSCRIPT].FullName = f"{FAMILY} Regular"
    font.flavor = "woff2"
    font.save(OUT)
    print(f"{OUT.relative_to(ROOT)}: {len(font.getBestCmap())} characters, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
