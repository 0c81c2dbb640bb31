"""A signed-in party's live feed (Server-Sent Events at /my/feed): the indexed events that
concern its key, the newest few first, then each new one as the index follows the chain.

A browser resumes after a dropped connection with `Last-Event-ID` (the index's row of the last
event it got); heartbeats keep proxies from closing an idle stream. A key has at most
`PortalConfig.max_feeds_per_key` feeds open on one process. The feed is the sign-in's: each
look at the index first checks that its session is still valid (on whichever process serves
it), so a session signed out or expired, or one whose key is revoked, ends its feed within a
poll; signing out also replaces the page, which closes that browser's stream."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import tzinfo
from typing import Annotated

import anyio
from fastapi import APIRouter, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.deps import Context
from api.keystore import ApiKey, key_audience
from api.portal.auth_pages import COOKIE, TRADER_ROLE, signed_in
from api.portal.config import Portal, PortalConfig
from api.portal.feed_items import FeedItem, PageLinks, certificate_numbers, feed_item
from api.portal.i18n import Translator
from api.portal.open_feeds import OpenFeeds, open_feeds
from api.portal.rendering import PageLanguage, link
from api.portal.times import TZ_COOKIE, reader_zone
from ledger.errors import LedgerError
from ledger.webhooks.topics import allowed_topics, last_event_id, latest_events, matching_events

router = APIRouter()
BACKLOG = 20  # events shown when a feed opens, before new ones arrive
BATCH = 100  # events sent per look at the index
RETRY_MS = 3000  # how long a browser waits before it reconnects
MAX_EVENT_ID = 2**63 - 1


def _resume_point(value: str | None) -> int | None:
    """The row after which a reconnecting browser resumes; None for a first connection."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    # ASCII only: "²" is a digit to str.isdigit but not to int(); and int() refuses a few
    # thousand digits in its own words, so the length is checked before it
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_EVENT_ID)) or int(text) > MAX_EVENT_ID:
        raise ValueError(text[:40])
    return int(text)


def _pages(request: Request, language: PageLanguage) -> PageLinks:
    return lambda name, path_params: link(request, language, name, path_params or None)


@router.get("/my/feed", name="portal.my_feed")
async def my_feed(
    request: Request,
    language: PageLanguage,
    context: Context,
    config: Portal,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> Response:
    """The signed-in party's events as Server-Sent Events (`chain-event`, then `signed-out` when
    its key is revoked; `too-many` alone when the key's last feed was taken as this one started)."""
    t = Translator(language)
    principal = await run_in_threadpool(signed_in, request, config)
    if principal is None or principal.role != TRADER_ROLE or principal.key is None:
        return PlainTextResponse(t("feed.needs_party"), status_code=401 if principal is None else 403)
    try:
        after = _resume_point(last_event_id)
    except ValueError as exc:
        return PlainTextResponse(t("feed.bad_last_event_id", value=str(exc)), status_code=400)
    try:
        engine = context.index()
    except LedgerError as exc:
        return PlainTextResponse(exc.message, status_code=503)
    key = principal.key
    feeds = open_feeds(request.app)
    # a quick refusal while the key's feeds are all open; the stream itself takes the slot
    # (see _stream), so one whose client left before it started holds none
    if feeds.count(key.key_id) >= config.max_feeds_per_key:
        return PlainTextResponse(t("feed.too_many", limit=config.max_feeds_per_key), status_code=429)
    stream = _stream(
        request=request, engine=engine, config=config, key=key, session_id=request.cookies.get(COOKIE, ""),
        feeds=feeds, after=after, t=t, pages=_pages(request, language),
    )  # fmt: skip
    return EventSourceResponse(stream, ping=config.feed_ping_seconds, headers={"Cache-Control": "no-store"})


def _poll(
    engine: Engine, config: PortalConfig, session_id: str, key: ApiKey, after: int | None, t: Translator,
    zone: tzinfo, pages: PageLinks,
) -> tuple[int, list[FeedItem]] | None:  # fmt: skip
    """The feed's next events after row `after` (the backlog, newest last, when None) and the
    row to continue after; None once the session is no longer valid (signed out, expired, its
    key revoked)."""
    if config.sessions is None or config.sessions.principal(session_id) is None:
        return None
    audience = key_audience(key)
    topics = allowed_topics(audience)
    with Session(engine) as session:
        newest = last_event_id(session)
        if after is not None and newest <= after:  # nothing indexed since the last look
            return after, []
        if after is None:
            after = newest
            found = list(reversed(latest_events(session, audience=audience, topics=topics, up_to_id=after,
                                                limit=BACKLOG)))  # fmt: skip
        else:
            found = matching_events(session, audience=audience, topics=topics, after_id=after, limit=BATCH)
            after = found[-1][0].id if found else after
        numbers = {}
        if key.operator:
            events = [event for event, _ in found]
            numbers = certificate_numbers(session, member=audience.member, exporter=key.operator, events=events,
                                          separator=t("list.separator"))  # fmt: skip
        items = [feed_item(e, topic, t=t, zone=zone, numbers=numbers, pages=pages) for e, topic in found]
    return after, items


async def _stream(
    *,
    request: Request,
    engine: Engine,
    config: PortalConfig,
    key: ApiKey,
    session_id: str,
    feeds: OpenFeeds,
    after: int | None,
    t: Translator,
    pages: PageLinks,
) -> AsyncIterator[ServerSentEvent]:
    zone = reader_zone(request.cookies.get(TZ_COOKIE))
    with feeds.slot(key.key_id, config.max_feeds_per_key) as taken:
        if not taken:  # another feed of the key started since the request was let through
            yield ServerSentEvent(t("feed.too_many", limit=config.max_feeds_per_key), event="too-many")
            return
        while (
            polled := await run_in_threadpool(_poll, engine, config, session_id, key, after, t, zone, pages)
        ) is not None:
            after, items = polled
            for item in items:
                yield ServerSentEvent(item.model_dump_json(), event="chain-event", id=str(item.id), retry=RETRY_MS)
            if len(items) < BATCH:  # caught up: look again after a while
                await anyio.sleep(config.feed_poll_seconds)
        yield ServerSentEvent(t("feed.signed_out"), event="signed-out")
