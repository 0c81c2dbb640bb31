"""A signed-in party's live feed in a real headless Chromium: the events that concern it are
listed newest first, a new one on the chain appears without a reload once the index has it, in
the reader's language; signing out ends that browser's feed, revoking the key ends every feed
of it; a key has only so many open, and a feed that never started holds none of them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import anyio
import httpx
import pytest
import sqlalchemy
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, expect

from api.main import create_app
from api.portal.auth_pages import COOKIE
from api.portal.feed_items import feed_item
from api.portal.i18n import Language, Translator
from api.portal.live_feed import _poll
from api.portal.open_feeds import open_feeds
from api.settings import ServiceSettings
from ledger.index.models import ChainEvent
from ledger.settings import LedgerSettings
from ledger.webhooks.topics import Topic
from tests.support import (
    BROWSER_LOCALES,
    PARTY_OPERATOR_A,
    Api,
    Chain,
    PortalServer,
    dev_trader,
    index_party_records,
    issue_and_draw,
    portal_session,
    save_screenshot,
    trader_token,
    wait_until,
)


@pytest.fixture
def service(chain: Chain, api: Api) -> Iterator[tuple[str, FastAPI]]:
    """CN's whole service on uvicorn, its feeds looking at the index every 0.1 s, two per key."""
    settings = LedgerSettings(data_dir=chain.data_dir, rpc_url=chain.rpc_url, database_url=str(api.keys.engine.url))
    app = create_app(settings, ServiceSettings(organisation="CN", public_rate=0, key_rate=0))
    app.state.portal = dataclasses.replace(app.state.portal, feed_poll_seconds=0.1, max_feeds_per_key=2)
    with PortalServer(app) as server:
        yield server.url, app


def signed_in_page(browser: Browser, url: str, lang: str, token: str) -> Page:
    page = browser.new_context(locale=BROWSER_LOCALES[lang], viewport={"width": 1200, "height": 900}).new_page()
    page.goto(f"{url}/login?lang={lang}")
    page.locator("#api-key").fill(token)
    page.locator("form.lookup button[type=submit]").click()
    page.wait_for_load_state()
    return page


@pytest.mark.browser
def test_a_new_event_appears_in_the_feed_without_a_reload(
    browser: Browser, chain: Chain, api: Api, services: Callable[..., Api], service: tuple[str, FastAPI]
) -> None:
    url, app = service
    documents, issued = issue_and_draw(chain, api, services)
    token = trader_token(api, dev_trader("CN"), PARTY_OPERATOR_A)
    page = signed_in_page(browser, url, "en", token)
    expect(page).to_have_url(f"{url}/my/certificates?lang=en")
    feed = page.locator("[data-feed-items] li")
    expect(feed).to_have_count(2)  # the batch's issuance (it names the destination) and SG's draw on A's first
    expect(feed.first).to_have_attribute("data-event", "CertificateUtilized")
    expect(feed.first).to_contain_text("Certificate used")
    expect(feed.first).to_contain_text(f"Certificate {documents[0]['certificate_number']}")
    expect(feed.nth(1)).to_have_attribute("data-event", "CertificatesIssued")
    # the batch by A's numbers in it: B's certificate in the same batch is not A's to see
    numbers = ", ".join(sorted(str(documents[i]["certificate_number"]) for i in (0, 2)))
    expect(feed.nth(1)).to_contain_text(f"Certificate {numbers}")
    expect(page.locator("[data-feed-items]")).not_to_contain_text(str(documents[1]["certificate_number"]))
    expect(page.locator("[data-feed-status]")).to_have_text("Live: new events appear here without reloading.")

    sg = services("SG")
    drawn = sg.client.post(
        "/certificates/utilize",
        json={"certificate": issued.json()["certificates"][2], "declaration": "SG-IMP-78", "quantity": "2"},
        headers=sg.headers("SG", "customs"),
    )
    assert drawn.status_code == 200, drawn.text
    index_party_records(chain, api)  # the service's follower would do this
    expect(feed).to_have_count(3)
    expect(feed.first).to_contain_text(f"Certificate {documents[2]['certificate_number']}")
    expect(feed.first).to_have_attribute("data-event", "CertificateUtilized")
    save_screenshot(page, "party-live-feed-en")

    other = signed_in_page(browser, url, "zh", token)  # the same key in another browser, in Chinese
    other_feed = other.locator("[data-feed-items] li")
    expect(other_feed).to_have_count(3)
    expect(other_feed.first).to_contain_text("证书核销")
    expect(other.locator("[data-feed-status]")).to_have_text("已连接：新事件无需刷新即会显示。")
    save_screenshot(other, "party-live-feed-zh")

    # both feeds of the key are open: a third is refused
    third = httpx.get(f"{url}/my/feed", cookies={COOKIE: portal_session(api.keys, token)}, timeout=10)
    assert third.status_code == 429
    assert "already has 2 live feeds open" in third.text

    key_id = token.split("_")[1]
    page.get_by_role("button", name="Log out").click()  # ends this browser's feed, not the other's
    expect(page).to_have_url(f"{url}/login?logged_out=1&lang=en")
    wait_until(lambda: open_feeds(app).count(key_id) == 1, timeout=10, failure="the signed-out page's feed stayed open")
    expect(other.locator("[data-feed-status]")).to_have_text("已连接：新事件无需刷新即会显示。")
    api.keys.revoke(key_id)  # its administration revokes the key: the feed still open ends
    expect(other.locator("[data-feed-status]")).to_contain_text("您的会话已结束。")
    wait_until(lambda: open_feeds(app).count(key_id) == 0, timeout=10, failure="the revoked key's feed stayed open")
    other.context.close()
    page.context.close()


def test_the_feed_is_a_signed_in_partys_own(api: Api, chain: Chain) -> None:
    settings = LedgerSettings(data_dir=chain.data_dir, rpc_url=chain.rpc_url, database_url=str(api.keys.engine.url))
    app = create_app(settings, ServiceSettings(organisation="CN", public_rate=0, key_rate=0))
    with TestClient(app) as client:
        signed_out = client.get("/my/feed?lang=en")
        assert signed_out.status_code == 401
        assert signed_out.text == "The live feed is a signed-in trade party's own; sign in with your trader key."
        auditor = api.keys.create(organisation="CN", role="auditor", label="audit").token
        client.cookies.set(COOKIE, portal_session(api.keys, auditor))
        assert client.get("/my/feed").status_code == 403
        token = trader_token(api, dev_trader("CN"), PARTY_OPERATOR_A)
        client.cookies.set(COOKIE, portal_session(api.keys, token))
        odd = client.get("/my/feed?lang=zh", headers={"Last-Event-ID": "-1; DROP"})
        assert odd.status_code == 400
        assert odd.text == "续传位置 -1; DROP 不是本动态发送过的事件编号。"
        long = client.get("/my/feed?lang=en", headers={"Last-Event-ID": "9" * 5000})  # more than int() reads
        assert long.status_code == 400
        assert long.text == f"Last-Event-ID {'9' * 40} is not an event number this feed sent."


def feed_events(lines: Iterator[str]) -> Iterator[tuple[str, str]]:
    """(event, data) of each Server-Sent Event in a stream's lines (heartbeats skipped)."""
    event, data = "message", ""
    for line in lines:
        if not line:
            if data:
                yield event, data
            event, data = "message", ""
        elif line.startswith("event:"):
            event = line.removeprefix("event:").strip()
        elif line.startswith("data:"):
            data = line.removeprefix("data:").strip()


def test_revoking_the_key_ends_its_open_feed(api: Api, chain: Chain, service: tuple[str, FastAPI]) -> None:
    url, app = service
    index_party_records(chain, api)
    token = trader_token(api, dev_trader("CN"), PARTY_OPERATOR_A)
    key_id = token.split("_")[1]
    with httpx.stream(
        "GET", f"{url}/my/feed?lang=en", cookies={COOKIE: portal_session(api.keys, token)}, timeout=10
    ) as feed:
        assert feed.status_code == 200
        assert feed.headers["content-type"].startswith("text/event-stream")
        wait_until(lambda: open_feeds(app).count(key_id) == 1, timeout=10, failure="the feed never started")
        api.keys.revoke(key_id)
        events = list(feed_events(feed.iter_lines()))  # the stream ends by itself
    assert events == [("signed-out", "Your session has ended.")]
    assert open_feeds(app).count(key_id) == 0


def test_signing_out_elsewhere_ends_the_sessions_open_feed(
    api: Api, chain: Chain, service: tuple[str, FastAPI]
) -> None:
    url, app = service
    index_party_records(chain, api)
    token = trader_token(api, dev_trader("CN"), PARTY_OPERATOR_A)
    key_id, session = token.split("_")[1], portal_session(api.keys, token)
    with httpx.stream("GET", f"{url}/my/feed?lang=en", cookies={COOKIE: session}, timeout=10) as feed:
        assert feed.status_code == 200
        wait_until(lambda: open_feeds(app).count(key_id) == 1, timeout=10, failure="the feed never started")
        # the same session signs out in another tab: this tab's page is not replaced, its feed ends
        signed_out = httpx.post(f"{url}/logout", cookies={COOKIE: session}, follow_redirects=False, timeout=10)
        assert signed_out.status_code == 303
        events = list(feed_events(feed.iter_lines()))
    assert events == [("signed-out", "Your session has ended.")]
    assert open_feeds(app).count(key_id) == 0


def test_a_resume_point_in_other_digits_is_refused_in_words(api: Api, service: tuple[str, FastAPI]) -> None:
    url, _ = service
    token = trader_token(api, dev_trader("CN"), PARTY_OPERATOR_A)
    # "²" (sent as the one byte 0xB2, read as Latin-1) is a digit to str.isdigit, not to int()
    superscript = httpx.get(
        f"{url}/my/feed?lang=en", headers={"Last-Event-ID": b"\xb2"}, cookies={COOKIE: portal_session(api.keys, token)}
    )
    assert superscript.status_code == 400
    assert superscript.text == "Last-Event-ID ² is not an event number this feed sent."


def test_a_feed_that_never_started_holds_none_of_the_keys_feeds(api: Api, chain: Chain) -> None:
    settings = LedgerSettings(data_dir=chain.data_dir, rpc_url=chain.rpc_url, database_url=str(api.keys.engine.url))
    app = create_app(settings, ServiceSettings(organisation="CN", public_rate=0, key_rate=0))
    app.state.portal = dataclasses.replace(app.state.portal, max_feeds_per_key=1)
    index_party_records(chain, api)
    token = trader_token(api, dev_trader("CN"), PARTY_OPERATOR_A)
    key_id, session = token.split("_")[1], portal_session(api.keys, token)
    with TestClient(app) as client:

        async def gone_before_the_stream_started() -> None:
            async def receive() -> dict[str, str]:
                return {"type": "http.disconnect"}

            async def send(message: object) -> None:
                await anyio.sleep_forever()  # the client is gone: its answer never leaves

            with anyio.fail_after(10):
                await app(feed_request(session), receive, send)

        client.portal.call(gone_before_the_stream_started)  # type: ignore[union-attr]
        assert open_feeds(app).count(key_id) == 0


def test_a_feed_let_through_as_another_took_the_keys_last_one_says_so_and_ends(api: Api, chain: Chain) -> None:
    settings = LedgerSettings(data_dir=chain.data_dir, rpc_url=chain.rpc_url, database_url=str(api.keys.engine.url))
    app = create_app(settings, ServiceSettings(organisation="CN", public_rate=0, key_rate=0))
    app.state.portal = dataclasses.replace(app.state.portal, max_feeds_per_key=1)
    index_party_records(chain, api)
    token = trader_token(api, dev_trader("CN"), PARTY_OPERATOR_A)
    key_id, session = token.split("_")[1], portal_session(api.keys, token)
    body: list[bytes] = []

    async def raced() -> None:
        answered, go, done = anyio.Event(), anyio.Event(), anyio.Event()

        async def receive() -> dict[str, str]:
            await anyio.sleep_forever()
            raise AssertionError("unreachable")

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                answered.set()
                await go.wait()
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        async def request() -> None:
            await app(feed_request(session), receive, send)
            done.set()

        with anyio.fail_after(10):
            async with anyio.create_task_group() as group:
                group.start_soon(request)
                await answered.wait()  # let through: the key had no feed open
                with open_feeds(app).slot(key_id, 1) as taken:  # another page's feed starts meanwhile
                    assert taken
                    go.set()
                    await done.wait()

    with TestClient(app) as client:
        client.portal.call(raced)  # type: ignore[union-attr]
    events = list(feed_events(iter(b"".join(body).decode().splitlines())))
    assert events == [("too-many", "This key already has 1 live feeds open; close another page to open one here.")]
    assert open_feeds(app).count(key_id) == 0


def feed_request(session: str) -> dict[str, Any]:
    """The ASGI scope of a browser's GET /my/feed signed in as portal session `session`."""
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
            "path": "/my/feed", "raw_path": b"/my/feed", "root_path": "", "query_string": b"lang=en",
            "server": ("testserver", 80), "client": ("testclient", 5000),
            "headers": [(b"host", b"testserver"), (b"cookie", f"{COOKIE}={session}".encode())]}  # fmt: skip


def test_a_look_at_an_index_with_nothing_new_is_one_query(api: Api, chain: Chain) -> None:
    settings = LedgerSettings(data_dir=chain.data_dir, rpc_url=chain.rpc_url, database_url=str(api.keys.engine.url))
    app = create_app(settings, ServiceSettings(organisation="CN", public_rate=0, key_rate=0))
    token = trader_token(api, dev_trader("CN"), PARTY_OPERATOR_A)
    index_party_records(chain, api)
    with TestClient(app):
        config, engine = app.state.portal, app.state.context.index()
        key, session = api.keys.authenticate(token), portal_session(api.keys, token)
        t, zone = Translator(Language.EN), ZoneInfo("UTC")
        polled = _poll(engine, config, session, key, None, t, zone, lambda name, params: name)
        assert polled is not None
        after, _ = polled
        statements: list[str] = []
        sqlalchemy.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        assert _poll(engine, config, session, key, after, t, zone, lambda name, params: name) == (after, [])
        assert len(statements) == 1, statements  # the index's newest row, no search per topic
        api.keys.revoke(key.key_id)
        assert _poll(engine, config, session, key, after, t, zone, lambda name, params: name) is None


def test_a_consignment_entry_reads_as_its_step_and_links_to_the_timeline() -> None:
    consignment = bytes.fromhex("ab" * 32)
    entry = ChainEvent(id=7, event="EvidenceAppended", block_time=1_796_000_000, args={"step": 3},
                       consignment=consignment)  # fmt: skip
    shown = feed_item(entry, Topic.CONSIGNMENTS, t=Translator(Language.ZH), zone=ZoneInfo("Asia/Shanghai"),
                      numbers={}, pages=lambda name, params: f"{name} {params}")  # fmt: skip
    assert shown.id == 7
    assert shown.topic == "货物"
    assert shown.time == "2026-11-30 08:53 +08:00"
    assert shown.about.startswith("货物 0xabab")
    assert shown.href == f"portal.my_timeline {{'consignment': '0x{'ab' * 32}'}}"
