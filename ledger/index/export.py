"""Search results as CSV, streamed page by page (constant memory however many events match)."""

from __future__ import annotations

import csv
import json
from typing import TextIO

from sqlalchemy import Engine

from ledger.index.audit import AuditFilter, search
from ledger.index.cursor import MAX_LIMIT
from ledger.index.labelled import account_label, event_label, labelled_details, name_actors
from ledger.index.presentation import AuditEvent
from ledger.labels import Lang

COLUMNS = (
    "time",
    "block_number",
    "log_index",
    "tx_hash",
    "contract",
    "event",
    "event_label",
    "organisation",
    "actor",
    "actor_name",
    "signers",
    "details",
)
# A spreadsheet runs a cell that starts with one of these as a formula; the arguments of an
# event (a member's name, say) are whatever its sender wrote (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _row(event: AuditEvent, lang: Lang) -> list[str]:
    return [
        _cell(value)
        for value in (
            event.time.strftime("%Y-%m-%dT%H:%M:%SZ"),
            str(event.block_number),
            str(event.log_index),
            event.tx_hash,
            event.contract,
            event.event,
            event_label(event.event, lang),
            event.organisation or "",
            event.actor,
            account_label(event.actor_name, lang) or "",
            " ".join(event.signers or []),
            json.dumps(labelled_details(event.details, lang), ensure_ascii=False, sort_keys=True),
        )
    ]


def export_csv(*, engine: Engine, filters: AuditFilter, out: TextIO, lang: Lang = Lang.EN) -> int:
    """Write every event `search` would page through (newest first) to `out`; the row count.
    `event` is the machine code; `event_label`, and the steps and reasons in `details`, are in `lang`."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    written = 0
    cursor: str | None = None
    while True:
        page = search(engine=engine, filters=filters, limit=MAX_LIMIT, cursor=cursor)
        name_actors(engine, page.items)
        writer.writerows(_row(event, lang) for event in page.items)
        written += len(page.items)
        if page.next_cursor is None:
            return written
        cursor = page.next_cursor
