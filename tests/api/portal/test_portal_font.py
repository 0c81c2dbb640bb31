"""Chinese renders in a browser with no Chinese font of its own: the portal serves one."""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont
from playwright.sync_api import Browser

from tests.support import ROOT, load_script, open_page, save_screenshot

PORTAL = ROOT / "api" / "portal"
FONT = PORTAL / "static" / "sanzhi-han-sans.woff2"


def chinese_characters() -> set[str]:
    """Every CJK character and punctuation mark the portal shows (the font script's own list of
    sources: messages, templates, the ledger's labels)."""
    text = load_script("portal_font").portal_text()
    return {ch for ch in text if 0x3000 <= ord(ch) <= 0x9FFF or 0xFF00 <= ord(ch) <= 0xFFEF}


def test_the_font_has_every_chinese_character_the_portal_shows() -> None:
    covered = set(map(chr, TTFont(FONT).getBestCmap()))
    missing = sorted(chinese_characters() - covered)
    assert not missing, f"run scripts/portal_font.py: the portal font lacks {''.join(missing)}"
    assert FONT.stat().st_size < 1_000_000  # a subset, not the 8 MB font


# the Chinese faces of the portal's font stack (portal.css): a reader's own comes first, the
# portal's web font last
CHINESE_FACES = {"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Sanzhi Han Sans"}


@pytest.mark.browser
def test_chinese_renders_with_the_portal_font(browser: Browser, portal_url: str) -> None:
    """Whatever fonts this machine has: the portal's own draws Chinese, and every element's
    Chinese is drawn by a Chinese face of the stack (on a machine without one: the portal's)."""
    for page, errors in open_page(browser, "zh"):
        page.goto(f"{portal_url}/?lang=zh")
        loaded = page.evaluate("document.fonts.load('16px \"Sanzhi Han Sans\"', '海关').then(f => f.length)")
        assert loaded == 1  # the @font-face's file is served and holds these characters
        assert page.evaluate("document.fonts.check('16px \"Sanzhi Han Sans\"', '海关')") is True
        # rendered: two Chinese characters are as wide as two em squares, not two narrow boxes
        width = page.evaluate(
            """() => { const s = document.createElement('span');
                       s.style.font = '20px "Sanzhi Han Sans"'; s.textContent = '海关';
                       document.body.append(s); const w = s.getBoundingClientRect().width; s.remove(); return w; }"""
        )
        assert 38 <= width <= 42, width
        # every heading, label, hint and footer draws its Chinese with a Chinese face (not
        # DejaVu's empty boxes): what the browser reports it used for each element's text
        page.evaluate("document.fonts.ready.then(() => true)")
        cdp = page.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        for selector in ("h1", "label", ".hint", "footer p", ".site-name"):
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
            used = {font["familyName"] for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]}
            assert used & CHINESE_FACES, (selector, used)
        save_screenshot(page, "home-zh-font")
        assert not errors, errors
