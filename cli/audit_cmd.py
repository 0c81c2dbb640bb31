"""`sanzhi audit ...`: questions answered from the audit index (`sanzhi index` fills it); no
node is needed and the chain is never scanned."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import Engine

from cli.context import JsonOption, account_address, print_json, print_rows, state
from ledger.errors import InvalidInput
from ledger.files import atomic_open_text
from ledger.index import (
    AuditEvent,
    AuditFilter,
    AuditPage,
    CertificateHistory,
    accreditation_history,
    certificate_history,
    export_csv,
    mra_history,
    operator_history,
    search,
)
from ledger.index.chain_match import require_match
from ledger.index.db import open_existing_index
from ledger.index.labelled import account_label, event_label, labelled_details, name_actors
from ledger.labels import Lang, reader_lang
from ledger.timestamps import parse_time

app = typer.Typer(help="Audit queries over the index: who did what, when.", no_args_is_help=True)

LimitOption = Annotated[int, typer.Option("--limit", min=1, max=500, help="Events per page.")]
CursorOption = Annotated[str | None, typer.Option("--cursor", help="The next-page cursor a previous page printed.")]
LangOption = Annotated[
    str | None,
    typer.Option("--lang", help="Language of event names, steps and reasons (default: SANZHI_LANG, LANG, en)."),
]
CertifiedByOption = Annotated[
    str | None, typer.Option("--certified-by", help="Member that certified the operator (with an id in clear).")
]


def _short(value: Any) -> str:
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return f"{text[:10]}…{text[-4:]}" if text.startswith("0x") and len(text) > 20 else text


def _summary(event: AuditEvent, lang: Lang) -> str:
    """The details worth a glance: what the org and actor columns already say is left out, and
    hashes (shortened) come after the values people read."""
    plain: list[str] = []
    hashes: list[str] = []
    for key, value in labelled_details(event.details, lang).items():
        if value in (None, "", []) or value in (event.organisation, event.actor):
            continue
        (hashes if isinstance(value, str) and value.startswith("0x") else plain).append(f"{key}={_short(value)}")
    if event.signers:
        plain.append(f"signed-by={','.join(_short(s) for s in event.signers)}")
    text = " ".join(plain + hashes)
    return text if len(text) <= 140 else text[:139] + "…"


def _print_page(page: AuditPage, as_json: bool, lang: Lang) -> None:
    if as_json:
        print_json(page)
        return
    if not page.items:
        typer.echo("no events")
    else:
        print_rows(
            [
                (
                    e.time.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    event_label(e.event, lang),
                    e.organisation or "-",
                    account_label(e.actor_name, lang) or _short(e.actor),
                    _short(e.tx_hash),
                    _summary(e, lang),
                )
                for e in page.items
            ],
            ("time (UTC)", "event", "org", "actor", "tx", "details"),
        )
    if page.next_cursor:
        typer.echo(f"more: --cursor {page.next_cursor}")


def _time(value: str | None, path: str) -> Any:
    return parse_time(value, path=path) if value else None


@app.command("search")
def search_command(
    ctx: typer.Context,
    organisation: Annotated[str | None, typer.Option("--org", help="Member that acted, e.g. CN.")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Account that sent the transaction.")] = None,
    event: Annotated[list[str] | None, typer.Option("--event", help="Event type (repeatable).")] = None,
    certificate: Annotated[
        str | None, typer.Option("--certificate", help="Certificate number (your issuer records), root or leaf.")
    ] = None,
    operator: Annotated[str | None, typer.Option("--operator", help="Operator id, or its 0x hash.")] = None,
    certified_by: CertifiedByOption = None,
    consignment: Annotated[
        str | None, typer.Option("--consignment", help="A consignment's WCO UCR: its evidence chain.")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this time (ISO 8601, UTC if no offset).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Before this time.")] = None,
    limit: LimitOption = 50,
    cursor: CursorOption = None,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="Write every match to this CSV file.")] = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """Events matching every filter given, newest first."""
    reader = reader_lang(lang)  # a bad --lang is refused before the index is opened
    filters = AuditFilter(
        organisation=organisation,
        actor=actor,
        event_types=event or [],
        certificate=certificate,
        operator=operator,
        certified_by=certified_by,
        consignment=consignment,
        since=_time(since, "since"),
        until=_time(until, "until"),
    )
    engine = _index(ctx)
    if csv_file is None:
        found = search(engine=engine, filters=filters, limit=limit, cursor=cursor)
        name_actors(engine, found.items)
        _print_page(found, as_json, reader)
        return
    written = _write_csv(engine, filters, csv_file, reader)
    if as_json:
        print_json({"csv": str(csv_file), "events": written})
    else:
        typer.echo(f"{written} events written to {csv_file}")


def _write_csv(engine: Any, filters: AuditFilter, path: Path, lang: Lang) -> int:
    """Stream to a temporary file beside `path`, then rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open_text(path, newline="") as out:
        return export_csv(engine=engine, filters=filters, out=out, lang=lang)


@app.command("history")
def history_command(
    ctx: typer.Context,
    certificate: Annotated[
        str | None, typer.Option("--certificate", help="A certificate number from your issuer records.")
    ] = None,
    leaf: Annotated[str | None, typer.Option("--leaf", help="A certificate's leaf (0x hash).")] = None,
    root: Annotated[str | None, typer.Option("--root", help="A batch root (0x hash).")] = None,
    operator: Annotated[str | None, typer.Option("--operator", help="An operator's AEO history.")] = None,
    certified_by: CertifiedByOption = None,
    account: Annotated[
        str | None, typer.Option("--account", help="An account's accreditations (address or profile).")
    ] = None,
    member: Annotated[
        str | None, typer.Option("--member", help="A member's accreditations (or MRAs with --mra).")
    ] = None,
    mra: Annotated[bool, typer.Option("--mra", help="MRA history (of --member, with --partner).")] = False,
    partner: Annotated[str | None, typer.Option("--partner", help="The other member of an MRA.")] = None,
    limit: LimitOption = 50,
    cursor: CursorOption = None,
    lang: LangOption = None,
    as_json: JsonOption = False,
) -> None:
    """The history of one certificate, operator, account, member or MRA, oldest first."""
    reader = reader_lang(lang)
    subjects = [
        name
        for name, given in (
            ("--certificate/--leaf/--root", certificate or leaf or root),
            ("--operator", operator),
            ("--account/--member", (account or member) and not mra),
            ("--mra", mra),
        )
        if given
    ]
    if len(subjects) != 1:
        raise InvalidInput(
            "name exactly one of --certificate (or --leaf/--root), --operator, --account/--member, --mra"
        )
    engine = _index(ctx)
    page: AuditPage
    if subjects[0].startswith("--certificate"):
        page = certificate_history(engine=engine, number=certificate, leaf=leaf, root=root, limit=limit, cursor=cursor)
    elif operator:
        page = operator_history(engine=engine, operator=operator, certified_by=certified_by, limit=limit, cursor=cursor)
    elif mra:
        page = mra_history(engine=engine, member=member, partner=partner, limit=limit, cursor=cursor)
    else:
        who = account_address(ctx, account) if account else None  # an address or a profile's
        page = accreditation_history(engine=engine, account=who, member=member, limit=limit, cursor=cursor)
    name_actors(engine, page.items)
    if isinstance(page, CertificateHistory) and page.records and not as_json:
        for record in page.records:
            typer.echo(
                f"{record.number}: {record.cert_type} issued by {record.issuing_member} "
                f"for {record.importing_member or '?'} on {record.issue_date or '?'} (root {_short(record.root)})"
            )
    _print_page(page, as_json, reader)


def _index(ctx: typer.Context) -> Engine:
    """The index, refused while its follower last saw the node on another chain (a reset)."""
    engine = open_existing_index(state(ctx).settings)
    with engine.connect() as connection:
        require_match(connection, rebuilds_itself=False)
    return engine
