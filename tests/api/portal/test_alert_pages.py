"""The partners' risk alerts page on CN's service: signed-in auditors see the alerts in force
(and, on request, the recently withdrawn) in English and Chinese; a visitor is told to sign in,
a trader is refused, and a key that signs chain writes is never a session. Beside a
consignment's recorded lane, the alerts published after it. A real browser takes screenshots
of the list (test-artifacts/screenshots/)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from api.main import create_app
from api.portal.auth_pages import COOKIE
from api.portal.i18n import Language, Translator
from api.portal.lane_alerts import later_alerts
from api.settings import ServiceSettings
from ledger.alerts import Alert, AlertRegistryBinding, AlertScope, Severity
from ledger.consortium.names import Names
from ledger.settings import LedgerSettings
from oracles.risk_oracle import RiskOracle, RiskOutbox, outbox_path
from oracles.risk_rules import load_rules
from tests.support import (
    BROWSER_LOCALES,
    EXAMPLES,
    Api,
    Chain,
    PortalServer,
    chain_time,
    declaration_record,
    declare_for_risk,
    dev_trader,
    next_block_at,
    recognised_aeos,
    save_screenshot,
    write_export,
)


def publish(chain: Chain, *, severity: Severity = Severity.HIGH, days: int = 30, **scope: list[str]) -> Alert:
    until = chain_time(chain) + dt.timedelta(days=days)
    return AlertRegistryBinding(chain.client("cn-customs")).publish(
        severity=severity, scope=AlertScope(**scope), until=until
    )


def later_block(chain: Chain) -> None:
    """A block 5 seconds on (the chain's clock, not the wall clock)."""
    next_block_at(chain, chain_time(chain) + dt.timedelta(seconds=5))


def sign_in(api: Api, role: str) -> None:
    token = api.keys.create(organisation="CN", role=role, label=f"alerts {role}",
                            account=dev_trader("CN") if role == "trader" else None).token  # fmt: skip
    response = api.client.post("/login?lang=en", data={"api_key": token}, follow_redirects=False)
    assert response.status_code == 303, response.text


def test_a_visitor_is_told_to_sign_in_and_a_trader_is_refused(api: Api) -> None:
    response = api.client.get("/risk-alerts?lang=en", follow_redirects=False)
    assert response.status_code == 401
    assert "auditor API key" in response.text
    assert 'href="/login?next=%2Frisk-alerts%3Flang%3Den&amp;lang=en"' in response.text
    sign_in(api, "trader")
    refused = api.client.get("/risk-alerts?lang=zh")
    assert refused.status_code == 403
    assert "本页仅在各海关之间共享" in refused.text
    assert "贸易方密钥" in refused.text
    assert "风险预警</a>" not in refused.text  # not in a trader's navigation


def test_keys_that_sign_chain_writes_never_become_a_portal_session(api: Api) -> None:
    """Customs, issuer, oracle and admin keys sign through the service: /login refuses them, and
    one put into the cookie by hand is no session (the staff pages say what is needed)."""
    for role in ("customs", "issuer", "oracle", "admin"):
        token = api.keys.create(organisation="CN", role=role, label=f"portal {role}").token
        assert api.client.post("/login?lang=en", data={"api_key": token}, follow_redirects=False).status_code == 401
        api.client.cookies.set(COOKIE, token)
        for path in ("/risk-alerts", "/assessment", "/assessment/CN"):
            page = api.client.get(f"{path}?lang=en")
            assert page.status_code == 401, (role, path)
            assert "Sign in as your administration&#39;s staff" in page.text
            assert "Risk alerts</a>" not in page.text
            assert "Assessment</a>" not in page.text


def test_an_auditor_sees_the_alerts_in_force_in_english(chain: Chain, api: Api) -> None:
    coffee = publish(chain, hs=["0901", "090111"], destinations=["SG"], ports_of_loading=["CNSHA"])
    broad = publish(chain, severity=Severity.MEDIUM)
    sign_in(api, "auditor")
    page = api.client.get("/risk-alerts?lang=en")
    assert page.status_code == 200, page.text
    text = page.text
    assert 'aria-current="page">Risk alerts</a>' in text
    row = text.split(f'id="alert-CN-{coffee.id}"')[1].split("</tr>")[0]
    assert "General Administration of Customs of China (CN)" in row
    assert ">high<" in row
    assert 'HS codes</dt><dd data-scope="hs">0901, 090111</dd>' in row
    assert "Singapore Customs (SG)" in row
    assert "CNSHA" in row
    assert "in force" in row
    broad_row = text.split(f'id="alert-CN-{broad.id}"')[1].split("</tr>")[0]
    assert "every consignment" in broad_row
    # most severe first
    assert text.index(f'id="alert-CN-{coffee.id}"') < text.index(f'id="alert-CN-{broad.id}"')


def test_an_auditor_signs_in_to_the_alerts_in_chinese_and_sees_withdrawn_ones_on_request(
    chain: Chain, api: Api
) -> None:
    kept = publish(chain, hs=["0306", "0307"], origins=["CN"])
    gone = publish(chain, severity=Severity.LOW, hs=["0901"])
    AlertRegistryBinding(chain.client("cn-customs")).withdraw(gone.id)
    token = api.keys.create(organisation="CN", role="auditor", label="alerts auditor").token
    form = {"api_key": token, "next": "/risk-alerts?lang=zh"}
    landed = api.client.post("/login?lang=zh", data=form, follow_redirects=False)
    assert landed.headers["location"] == "/risk-alerts?lang=zh"
    page = api.client.get("/risk-alerts?lang=zh").text
    assert "伙伴海关风险预警" in page
    row = page.split(f'id="alert-CN-{kept.id}"')[1].split("</tr>")[0]
    assert "0306、0307" in row
    assert ">高<" in row
    assert "有效" in row
    assert "启运成员" in row
    assert f'id="alert-CN-{gone.id}"' not in page
    recent = api.client.get("/risk-alerts?lang=zh&show=recent").text
    withdrawn = recent.split(f'id="alert-CN-{gone.id}"')[1].split("</tr>")[0]
    assert 'data-state="withdrawn"' in recent.split(f'id="alert-CN-{gone.id}"')[1].split(">")[0]
    assert "已撤回" in withdrawn
    assert "撤回于" in withdrawn


def test_odd_show_values_are_the_default_list(chain: Chain, api: Api) -> None:
    sign_in(api, "auditor")
    assert api.client.get("/risk-alerts?show=everything&lang=en").status_code == 200
    assert api.client.get("/risk-alerts?lang=en&show=" + "x" * 5000).status_code == 200


def test_beside_a_recorded_lane_the_alerts_published_after_it(chain: Chain, api: Api, tmp_path: Path) -> None:
    shutil.rmtree(outbox_path(chain.data_dir).parent, ignore_errors=True)
    recognised_aeos(chain)
    ucr = "6CN9144010012345678-SG-400001"
    declare_for_risk(chain, ucr, supervised=True, at=chain_time(chain))
    before = publish(chain, hs=["0306"])  # not coffee: the lane stays green
    client = chain.client("sg-oracle")
    oracle = RiskOracle(client=client, rules=load_rules(EXAMPLES / "risk-rules-sg.yaml"),
                        signers=[client.account],  # type: ignore[list-item]
                        outbox=RiskOutbox(outbox_path(chain.data_dir)),
                        clock=lambda: chain_time(chain).timestamp())  # fmt: skip
    later_block(chain)  # block times are whole seconds: the lane in a later second than the first alert
    report = oracle.run(write_export(tmp_path / "d.json", declaration_record(ucr, chain_time(chain))))
    assert report.lanes == {"green": 1}
    later_block(chain)
    after = publish(chain, hs=["0901"], destinations=["SG"])
    elsewhere = publish(chain, destinations=["CN"])  # another route
    shown = later_alerts(client=chain.client(), ucr=ucr, t=Translator(Language.EN), names=Names.load(
        client=chain.client()), zone=dt.UTC, now=chain_time(chain))  # fmt: skip
    assert shown is not None
    [lane] = shown.lanes
    assert [a.id for a in lane.later] == [after.id]
    assert before.id != after.id
    assert elsewhere.id not in [a.id for a in lane.later]
    # on the auditors' search for the consignment, in Chinese, linking to the list
    sign_in(api, "auditor")
    page = api.client.get(f"/audit?consignment={ucr}&lang=zh").text
    section = page.split("data-lane-alerts")[1].split("</section>")[0]
    assert "本批货物通道确定后发布的伙伴海关预警" in section
    assert f"(CN) 的第 {after.id} 号预警" in section
    assert f'href="/risk-alerts?show=recent&amp;lang=zh#alert-CN-{after.id}"' in section
    assert f"第 {before.id} 号预警" not in section
    assert "CN 至 SG" in section


@pytest.fixture
def service_url(chain: Chain, api: Api) -> Iterator[str]:
    settings = LedgerSettings(data_dir=chain.data_dir, rpc_url=chain.rpc_url, database_url=str(api.keys.engine.url))
    app = create_app(settings, ServiceSettings(organisation="CN", public_rate=0, key_rate=0))
    with PortalServer(app) as server:
        yield server.url


@pytest.mark.browser
def test_the_alert_list_in_a_browser_in_english_and_chinese(
    browser: Browser, chain: Chain, api: Api, service_url: str
) -> None:
    publish(chain, hs=["0901", "0902"], destinations=["SG"], ports_of_loading=["CNSHA", "CNNGB"])
    publish(chain, severity=Severity.MEDIUM, origins=["CN"], ports_of_discharge=["SGSIN"])
    withdrawn = publish(chain, severity=Severity.LOW, hs=["0306"])
    AlertRegistryBinding(chain.client("cn-customs")).withdraw(withdrawn.id)
    for lang, heading, toggle in (("en", "Partners' risk alerts", "Also those ended or withdrawn in the last 30 days"),
                                  ("zh", "伙伴海关风险预警", "同时显示最近 30 天内到期或撤回的预警")):  # fmt: skip
        token = api.keys.create(organisation="CN", role="auditor", label=f"browser {lang}").token
        context = browser.new_context(locale=BROWSER_LOCALES[lang], viewport={"width": 1280, "height": 900},
                                      timezone_id="Asia/Shanghai")  # fmt: skip
        page = context.new_page()
        page.goto(f"{service_url}/login?lang={lang}")
        # the Chinese web font, loaded before the list is drawn (text drawn before it comes can keep boxes)
        page.evaluate("document.fonts.load('16px \"Sanzhi Han Sans\"', '海关').then(f => f.length)")
        page.locator("#api-key").fill(token)
        page.locator("form.lookup button[type=submit]").click()
        page.wait_for_load_state()
        page.get_by_role("navigation", name=Translator(Language(lang))("site.nav_label")).get_by_role(
            "link", name=Translator(Language(lang))("alerts.nav")
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.locator("tr[data-alert]")).to_have_count(2)
        expect(page.locator("tr[data-alert]").first).to_contain_text("+08:00")  # the reader's zone
        save_screenshot(page, f"alerts-{lang}")
        page.get_by_role("link", name=toggle).click()
        expect(page.locator("tr[data-alert]")).to_have_count(3)
        expect(page.locator('tr[data-state="withdrawn"]')).to_have_count(1)
        save_screenshot(page, f"alerts-recent-{lang}")
        context.close()
