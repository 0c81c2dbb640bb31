"""The assessment pages: member staff see each member's chart beside the median, in Chinese and
English, each submission decrypted once per service; anyone else is told which sign-in is
needed; in a browser the chart's Chinese is drawn by the portal's font. Screenshots under
test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, BrowserContext, Page

from api.deps import ServiceContext
from api.portal import portal_app
from api.portal.auth_pages import COOKIE
from api.portal.config import PortalConfig, Principal
from ledger.assessment import reading
from ledger.assessment.samples import seed_samples
from ledger.store.blobs import BlobStore
from tests.support import BROWSER_LOCALES, Chain, PortalServer, StandInSessions, save_screenshot

AUDITOR, TRADER, ISSUER = "key-auditor-cn", "key-trader-cn", "key-issuer-cn"
CHINESE_FACES = {"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Sanzhi Han Sans"}


def _check(key: str) -> Principal | None:
    return {
        AUDITOR: Principal(organisation="CN", role="auditor"),
        TRADER: Principal(organisation="CN", role="trader"),
        ISSUER: Principal(organisation="CN", role="issuer"),
    }.get(key)


SESSIONS = StandInSessions(_check)


@pytest.fixture
def portal(chain: Chain) -> FastAPI:
    """CN's portal reading with cn-customs, on a chain where CN (twice) and SG have submitted."""
    seed_samples(client_for=chain.client, blobs=BlobStore.configured(chain.settings))
    context = ServiceContext(
        settings=chain.settings, client=chain.client(), organisation="CN", signers={"customs": "cn-customs"}
    )
    return portal_app(context, PortalConfig(sessions=SESSIONS))


def test_staff_see_the_profile_in_both_languages(portal: FastAPI) -> None:
    client = TestClient(portal, cookies={COOKIE: SESSIONS.issue(AUDITOR)})
    listing = client.get("/assessment?lang=zh")
    assert listing.status_code == 200
    assert "智慧化成熟度评估" in listing.text
    assert "第 2 次" in listing.text
    zh = client.get("/assessment/CN?lang=zh")
    assert zh.status_code == 200
    assert zh.text.count("<svg") == 1
    assert "成员中位数" in zh.text
    assert "智享联通" in zh.text
    assert "CN 以往自评" in zh.text  # the first submission is drawn as a lighter line
    assert "style=" not in zh.text.split("<svg", 1)[1].split("</svg>", 1)[0]  # the CSP allows no inline style
    en = client.get("/assessment/cn?lang=en&with=SG")
    assert en.status_code == 200
    assert "Consortium median" in en.text
    assert "SG latest" in en.text
    assert "Smart Connectivity" in en.text


def test_who_may_not_see_it(portal: FastAPI) -> None:
    anonymous = TestClient(portal).get("/assessment/CN?lang=en")
    assert anonymous.status_code == 401
    assert "sign in with your administration&#39;s auditor API key" in anonymous.text
    trader = TestClient(portal, cookies={COOKIE: SESSIONS.issue(TRADER)}).get("/assessment?lang=zh")
    assert trader.status_code == 403
    assert "请以本海关工作人员身份登录" in trader.text
    assert "贸易方密钥" in trader.text
    # an issuer key put into the cookie by hand (the service decrypts with its customs key)
    issuer = TestClient(portal, cookies={COOKIE: SESSIONS.issue(ISSUER)})
    for path in ("/assessment?lang=en", "/assessment/CN?lang=en", "/risk-alerts?lang=en"):
        refused = issuer.get(path)
        assert refused.status_code == 401, path
        assert "Sign in as your administration&#39;s staff" in refused.text
        assert "CN latest" not in refused.text
    staff = TestClient(portal, cookies={COOKIE: SESSIONS.issue(AUDITOR)})
    assert staff.get("/assessment/TH?lang=en").status_code == 404
    assert staff.get("/assessment/no%20such?lang=en").status_code == 400


def test_each_submission_is_decrypted_once_per_service(portal: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    decrypted: list[tuple[str, int]] = []
    read_shared = reading.read_shared

    def counted(**kwargs: Any) -> bytes:
        decrypted.append((kwargs["member"], kwargs["number"]))
        return read_shared(**kwargs)

    monkeypatch.setattr(reading, "read_shared", counted)
    staff = TestClient(portal, cookies={COOKIE: SESSIONS.issue(AUDITOR)})
    assert staff.get("/assessment?lang=en").status_code == 200
    assert sorted(decrypted) == [("CN", 2), ("SG", 1)]  # the list needs each member's latest only
    assert staff.get("/assessment/CN?lang=en&with=SG").status_code == 200
    assert sorted(decrypted) == [("CN", 1), ("CN", 2), ("SG", 1)]  # CN's first: the one not read yet
    for path in ("/assessment?lang=zh", "/assessment/SG?lang=en", "/assessment/CN?lang=zh"):
        assert staff.get(path).status_code == 200
    assert len(decrypted) == 3


def chinese_labels_drawn(context: BrowserContext, page: Page) -> list[str]:
    """The chart's Chinese labels that no Chinese face draws, once portal.js has drawn the chart
    again with the web font (waiting for frames until it has, at most 120)."""
    cdp = context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    chinese = page.evaluate(
        "Array.from(document.querySelectorAll('svg.assessment-chart text'),"
        " t => /[\\u3400-\\u9fff]/.test(t.textContent))"
    )
    assert sum(chinese) >= 5  # three pillars and the legend
    missing: list[str] = []
    for _ in range(120):
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "svg.assessment-chart text"})["nodeIds"]
        missing = []
        for node, has_chinese in zip(nodes, chinese, strict=True):
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            if has_chinese and not {f["familyName"] for f in fonts} & CHINESE_FACES:
                missing.append(str(fonts))
        if not missing:
            break
        page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return missing


@pytest.fixture
def portal_server(portal: FastAPI) -> Iterator[str]:
    with PortalServer(portal) as server:
        yield server.url


@pytest.mark.browser
def test_the_chart_in_a_browser(browser: Browser, portal_server: str) -> None:
    for lang in ("zh", "en"):
        context = browser.new_context(locale=BROWSER_LOCALES[lang], viewport={"width": 1100, "height": 1000})
        context.add_cookies([{"name": COOKIE, "value": SESSIONS.issue(AUDITOR), "url": portal_server}])
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m, seen=errors: seen.append(m.text) if m.type == "error" else None)
        page.goto(f"{portal_server}/assessment/CN?lang={lang}&with=SG")
        # the web font is fetched once Chinese needs it: load it explicitly, then wait for every face
        page.evaluate("document.fonts.load('15px \"Sanzhi Han Sans\"', '智慧海关').then(f => f.length)")
        page.evaluate("document.fonts.ready.then(() => true)")
        chart = page.locator("svg.assessment-chart")
        box = chart.bounding_box()
        assert box is not None
        assert box["width"] > 500
        assert box["height"] > 450, box
        assert chart.locator("polygon").count() > 10
        if lang == "zh":
            # every label of the chart with Chinese in it (pillars, legend) is drawn with a Chinese
            # face, not as empty boxes
            assert chinese_labels_drawn(context, page) == [], "labels drawn without a Chinese face"
        chart.screenshot(
            path=str(save_screenshot(page, f"assessment-chart-{lang}").with_name(f"assessment-chart-only-{lang}.png"))
        )
        assert not errors, errors
        context.close()
