"""The trade parties' pages in a real headless Chromium on the service (its key store, index and
chain): a trader signs in and sees its own certificates, consignments and AEO status, in English
and Chinese; another trader sees only its own; a signed-out visitor and an auditor are told what
is needed. Screenshots under test-artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from api import party
from api.main import create_app
from api.settings import ServiceSettings
from ledger.errors import ReadFailed
from ledger.evidence import EventType, Step, new_event
from ledger.settings import LedgerSettings
from tests.support import (
    BROWSER_LOCALES,
    PARTY_OPERATOR_A,
    PARTY_OPERATOR_B,
    PARTY_UCR_A,
    Api,
    Chain,
    PortalServer,
    certify_a_and_agree_with_sg,
    dev_trader,
    issue_and_draw,
    open_consignments,
    save_screenshot,
    trader_token,
)


@pytest.fixture
def service_url(chain: Chain, api: Api) -> Iterator[str]:
    """CN's whole service (API and portal) on uvicorn, on the test's key store and index."""
    settings = LedgerSettings(data_dir=chain.data_dir, rpc_url=chain.rpc_url, database_url=str(api.keys.engine.url))
    app = create_app(settings, ServiceSettings(organisation="CN", public_rate=0, key_rate=0))
    with PortalServer(app) as server:
        yield server.url


def new_page(browser: Browser, lang: str) -> Page:
    context = browser.new_context(locale=BROWSER_LOCALES[lang], viewport={"width": 1200, "height": 900})
    return context.new_page()


def sign_in(page: Page, url: str, lang: str, token: str) -> None:
    page.goto(f"{url}/login?lang={lang}")
    page.locator("#api-key").fill(token)
    page.locator("form.lookup button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.browser
def test_a_trader_sees_its_own_pages_in_english_and_another_in_chinese(
    browser: Browser, chain: Chain, api: Api, services: Callable[..., Api], service_url: str
) -> None:
    documents, _ = issue_and_draw(chain, api, services)
    a_id, b_id = open_consignments(api)
    when = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)
    loading = new_event(EventType.OBJECT, Step.LOADING, when, epcs=["urn:epc:id:sscc:0614141.7070707070"]).to_json()
    recorded = api.client.post(f"/consignments/{PARTY_UCR_A}/events", json=loading, headers=api.headers("CN", "trader"))
    assert recorded.status_code == 200, recorded.text
    certify_a_and_agree_with_sg(api, services)
    a = trader_token(api, dev_trader("CN"), PARTY_OPERATOR_A)
    b = trader_token(api, dev_trader("SG"), PARTY_OPERATOR_B)

    page = new_page(browser, "en")
    response = page.goto(f"{service_url}/my/certificates?lang=en")
    assert response is not None
    assert response.status == 401
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in as a trade party")
    expect(page.get_by_role("navigation")).not_to_contain_text("My certificates")
    save_screenshot(page, "party-signed-out-en")
    sign_in(page, service_url, "en", a)
    expect(page).to_have_url(f"{service_url}/my/certificates?lang=en")
    nav = page.get_by_role("navigation")
    for label in ("My certificates", "My consignments", "My AEO status"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    rows = page.locator("tr[data-number]")
    expect(rows).to_have_count(2)
    drawn_on = page.locator(f'tr[data-number="{documents[0]["certificate_number"]}"]')
    unit = documents[0]["items"][0]["unit_code"]
    expect(drawn_on).to_contain_text("Valid")
    expect(drawn_on).to_contain_text(f"SG customs: 1.5 {unit} on ")
    expect(page.locator("main")).not_to_contain_text(documents[1]["certificate_number"])  # B's
    save_screenshot(page, "party-certificates-en")
    nav.get_by_role("link", name="My consignments").click()
    expect(page.locator("tr[data-consignment]")).to_have_count(1)
    expect(page.locator("tr[data-consignment]")).to_contain_text("opener")
    save_screenshot(page, "party-consignments-en")
    page.locator(f'tr[data-consignment="{a_id}"] a').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consignment timeline")
    expect(page.locator("[data-intact]")).to_have_attribute("data-intact", "yes")
    expect(page.locator("tr[data-seq]")).to_have_count(1)
    expect(page.locator('tr[data-seq="1"]')).to_contain_text("trade party")
    expect(page.locator('tr[data-seq="1"] th')).to_have_text("Loading")  # the step's label, not its code
    expect(page.locator('tr[data-seq="1"]')).to_contain_text("Ningbo Ocean Trading Co., accredited by CN")
    save_screenshot(page, "party-timeline-en")
    other = page.goto(f"{service_url}/my/consignments/{b_id}?lang=en")
    assert other is not None
    assert other.status == 404
    nav.get_by_role("link", name="My AEO status").click()
    expect(page.locator("[data-aeo-status]")).to_have_attribute("data-aeo-status", "active")
    expect(page.locator('tr[data-partner="SG"]')).to_have_attribute("data-recognised", "yes")
    save_screenshot(page, "party-aeo-en")
    page.context.close()

    page = new_page(browser, "zh")
    sign_in(page, service_url, "zh", b)
    expect(page.get_by_role("heading", level=1)).to_have_text("我的证书")
    [row] = page.locator("tr[data-number]").all()
    expect(row).to_have_attribute("data-number", documents[1]["certificate_number"])
    expect(row).to_contain_text("有效")
    expect(row).to_contain_text("尚未核销")
    save_screenshot(page, "party-certificates-zh")
    page.get_by_role("navigation").get_by_role("link", name="我的货物").click()
    expect(page.locator("tr[data-consignment]")).to_contain_text("收货人")
    save_screenshot(page, "party-consignments-zh")
    page.get_by_role("navigation").get_by_role("link", name="我的 AEO 状态").click()
    expect(page.locator("[data-aeo-status]")).to_contain_text("未认证")
    expect(page.locator('tr[data-partner="SG"]')).to_have_attribute("data-recognised", "no")
    expect(page.locator('tr[data-partner="SG"]')).to_contain_text("未认可")
    save_screenshot(page, "party-aeo-zh")
    page.context.close()


def test_signed_out_visitors_other_roles_and_keys_without_an_operator_are_told_what_is_needed(api: Api) -> None:
    signed_out = api.client.get("/my/aeo?lang=en")
    assert signed_out.status_code == 401
    assert "Sign in with the trader API key" in signed_out.text
    api.client.post("/login?lang=zh", data={"api_key": api.token("CN", "auditor")}, follow_redirects=False)
    auditor = api.client.get("/my/certificates?lang=zh")
    assert auditor.status_code == 403
    assert "您当前使用的是审计员密钥" in auditor.text
    assert "我的证书</a>" not in auditor.text  # no party links in the navigation
    api.client.cookies.clear()
    token = trader_token(api, dev_trader("CN"), None)
    assert api.client.post("/login?lang=en", data={"api_key": token}, follow_redirects=False).status_code == 303
    missing = api.client.get("/my/aeo?lang=en")
    assert missing.status_code == 409
    assert "names no operator id, so your AEO status cannot be found" in missing.text
    assert "--operator SCHEME:ID" in missing.text
    assert api.client.get("/my/consignments?lang=en").status_code == 200
    never = api.client.get(f"/my/consignments/0x{'ee' * 32}?lang=zh")
    assert never.status_code == 404
    assert "您不是货物" in never.text
    assert api.client.get("/my/consignments/0x12?lang=en").status_code == 400


def test_a_timeline_the_ledger_cannot_read_gets_the_portals_page(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    token = trader_token(api, dev_trader("CN"), PARTY_OPERATOR_A)
    assert api.client.post("/login?lang=zh", data={"api_key": token}, follow_redirects=False).status_code == 303

    def unreadable(**_: object) -> None:
        raise ReadFailed("logs of EvidenceRegistry", "connection refused")

    monkeypatch.setattr(party, "my_timeline", unreadable)
    answer = api.client.get(f"/my/consignments/0x{'ee' * 32}?lang=zh")
    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("text/html")  # the portal's page, not the API's JSON
    assert "connection refused" in answer.text
