"""The auditors' trail in a browser (en and zh): one line per event however long its hashes, a
page of 48 events of bounded height, filters, paging and the CSV link that keep the filters,
times in the reader's zone, and the account and transaction pages over a real index.

Screenshots are kept under test-artifacts/screenshots/."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext

from api.deps import ServiceContext
from api.portal import portal_app
from api.portal.auth_pages import COOKIE
from api.portal.config import PortalConfig, Principal
from api.portal.index_queries import AuditFilters, AuditRecord, AuditResults, audit_query
from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
from ledger.chain.client import LedgerClient
from ledger.consortium.names import AccountName
from ledger.devnet.consortium import dev_address
from ledger.index.db import open_index
from ledger.index.follower import Follower
from ledger.settings import LedgerSettings
from tests.support import (
    BROWSER_LOCALES,
    Chain,
    PortalServer,
    StandInSessions,
    free_port,
    record_activity,
    save_screenshot,
)

pytestmark = pytest.mark.browser

KEY = "key-auditor-cn"
MAX_PAGE_HEIGHT = 3_000  # 48 one-line rows and the form; rows that wrap make it 5,000 and more
ROW_HEIGHT = 40  # one line of text and its padding
LEAF = "0x" + "ab" * 32
TX = "0x" + "cd" * 32
ACTOR = "0x" + "Ef" * 20


def _check(key: str) -> Principal | None:
    return Principal(organisation="CN", role="auditor") if key == KEY else None


SESSIONS = StandInSessions(_check)
SESSION = SESSIONS.issue(KEY)  # as a sign-in with KEY would have made


def _context(browser: Browser, url: str, lang: str) -> BrowserContext:
    context = browser.new_context(
        locale=BROWSER_LOCALES[lang], timezone_id="Asia/Shanghai", viewport={"width": 1100, "height": 900}
    )
    context.add_cookies([{"name": COOKIE, "value": SESSION, "url": url}])
    return context


class FakeSearch:
    """48 events with long values and a named sender, and a next page; remembers what was asked."""

    def __init__(self) -> None:
        self.asked: list[AuditFilters] = []

    def __call__(self, *, filters: AuditFilters, **_: Any) -> AuditResults:
        self.asked.append(filters)
        start = datetime(2026, 12, 6, 10, 4, tzinfo=UTC)
        named = AccountName(address=ACTOR, name="Ningbo Chamber of Commerce", member_id="CN", member_name="China")
        records = [
            AuditRecord(
                at=start - timedelta(minutes=n),
                event="CertificateRevoked" if n % 2 else "CertificatesIssued",
                member="CN",
                subject=LEAF,
                subject_kind="certificate",
                actor=ACTOR,
                actor_name=named if n % 3 else None,
                tx_hash=TX,
            )
            for n in range(48)
        ]
        return AuditResults(records=records, next_cursor=None if filters.cursor else "page-2")


@pytest.fixture
def fake_portal(tmp_path: Path) -> Iterator[tuple[str, FakeSearch]]:
    url = f"http://127.0.0.1:{free_port()}"
    client = LedgerClient(rpc_url=url, artifacts=Artifacts(DEFAULT_ARTIFACTS_DIR))
    app = portal_app(
        ServiceContext(settings=LedgerSettings(data_dir=tmp_path, rpc_url=url), client=client),
        PortalConfig(sessions=SESSIONS),
    )
    search = FakeSearch()
    app.dependency_overrides[audit_query] = lambda: search
    with PortalServer(app) as server:
        yield server.url, search


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_page_of_48_events_is_one_line_each(browser: Browser, fake_portal: tuple[str, FakeSearch], lang: str) -> None:
    url, search = fake_portal
    context = _context(browser, url, lang)
    page = context.new_page()
    try:
        page.goto(f"{url}/audit?member=CN&event=CertificateRevoked&lang={lang}")
        page.reload()  # the first visit told the server the browser's zone (a cookie)
        rows = page.locator("table.trail tbody tr")
        assert rows.count() == 48
        heights = rows.evaluate_all("rows => rows.map(r => r.getBoundingClientRect().height)")
        assert max(heights) < ROW_HEIGHT
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < MAX_PAGE_HEIGHT
        first = rows.first
        assert "2026-12-06 18:04 +08:00" in first.inner_text()  # Shanghai's time, offset said
        time_cell = first.locator("td").first
        assert time_cell.evaluate("c => c.scrollWidth <= c.clientWidth")  # shown whole, not cut
        expected = {"en": ("Certificates issued", "Ningbo Chamber of Commerce, accredited by CN"),
                    "zh": ("签发证书", "Ningbo Chamber of Commerce（由 CN 认可）")}[lang]  # fmt: skip
        assert expected[0] in first.inner_text()
        assert expected[1] in rows.nth(1).inner_text()
        # the member that gave the name is seen first, even when a long name is cut short
        who = rows.nth(1).locator("td").nth(2)
        assert who.inner_text().startswith("CN ")
        assert who.locator(".member").evaluate("m => m.getBoundingClientRect().right") <= who.evaluate(
            "c => c.getBoundingClientRect().right"
        )
        subject = first.locator("td").nth(1).locator("a")
        assert subject.get_attribute("title") == LEAF  # the whole value, shortened on screen
        assert subject.inner_text() == "0xababab…ababab"
        assert subject.get_attribute("href", timeout=1000).startswith(f"/certificates/{LEAF}")
        assert first.locator("td").nth(3).locator("a").get_attribute("href").startswith(f"/audit/transactions/{TX}")
        csv_link = page.locator("[data-csv]").get_attribute("href")
        assert csv_link.startswith("/audit.csv?")
        assert "member=CN" in csv_link
        assert "event=CertificateRevoked" in csv_link
        assert f"lang={lang}" in csv_link
        selected = page.locator("#filter-event option:checked").inner_text()
        assert selected == {"en": "Certificate revoked", "zh": "证书撤销"}[lang]
        page.evaluate("document.fonts.ready.then(() => true)")
        save_screenshot(page, f"audit-trail-{lang}")
        page.locator("[data-next-page]").click()
        page.wait_for_url("**cursor=page-2**")
        assert search.asked[-1].cursor == "page-2"
        assert search.asked[-1].member == "CN"  # the filters go with the page
        assert page.locator("[data-next-page]").count() == 0
        assert page.locator("[data-first-page]").count() == 1
    finally:
        context.close()


@pytest.fixture
def indexed_portal(chain: Chain, tmp_path: Path) -> Iterator[str]:
    """The portal over a real index of real activity."""
    record_activity(chain, tmp_path / "work")
    settings = chain.settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'audit.sqlite'}"})
    Follower(client=chain.client(), engine=open_index(settings)).catch_up()
    app = portal_app(ServiceContext(settings=settings, client=chain.client()), PortalConfig(sessions=SESSIONS))
    with PortalServer(app) as server:
        yield server.url


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_from_a_row_to_its_transaction_and_its_sender(browser: Browser, indexed_portal: str, lang: str) -> None:
    url = indexed_portal
    context = _context(browser, url, lang)
    page = context.new_page()
    try:
        page.goto(f"{url}/audit?event=CertificatesIssued&lang={lang}")
        row = page.locator("table.trail tbody tr").first
        assert row.inner_text().count("\n") == 0 or row.evaluate("r => r.getBoundingClientRect().height") < ROW_HEIGHT
        row.locator("td").nth(3).locator("a").click()  # the transaction
        page.wait_for_url("**/audit/transactions/**")
        assert {"en": "Certificates issued", "zh": "签发证书"}[lang] in page.locator("table.trail").inner_text()
        page.evaluate("document.fonts.ready.then(() => true)")
        save_screenshot(page, f"audit-transaction-{lang}")
        page.goto(f"{url}/audit/accounts/{dev_address('cn-issuer')}?lang={lang}")
        facts = page.locator("dl.facts").inner_text()
        assert "CN" in facts
        assert page.locator("table.trail").count() == 2  # accreditations, then what it sent
        assert {"en": "Accredited", "zh": "授予认可"}[lang] in page.locator("table.trail").first.inner_text()
        page.evaluate("document.fonts.ready.then(() => true)")
        save_screenshot(page, f"audit-account-{lang}")
        cookies = {COOKIE: SESSION}
        exported = requests.get(f"{url}/audit.csv", params={"event": "CertificatesIssued", "lang": lang},
                                cookies=cookies, timeout=30)  # fmt: skip
        assert exported.status_code == 200
        rows = list(csv.DictReader(io.StringIO(exported.text)))
        assert rows
        assert {r["event_label"] for r in rows} == {{"en": "Certificates issued", "zh": "签发证书"}[lang]}
        refused = requests.get(f"{url}/audit.csv", timeout=30, allow_redirects=False)
        assert refused.status_code == 303  # no auditor, no export
    finally:
        context.close()
