"""`sanzhi cert deliver` and `sanzhi cert destined`, and what `sanzhi cert issue --deliver` says:
certificates reach the destination member's customs through the document store.

The store and the index are imported when a command runs: `sanzhi cert verify` loads this module
and needs neither.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.context import AsOption, JsonOption, print_json, signing_key, state
from cli.names import shown_account
from ledger.errors import InvalidInput

if TYPE_CHECKING:
    from ledger.certificates.delivery import DeliveryReport
    from ledger.certificates.registry import CertificateRegistryBinding
    from ledger.settings import LedgerSettings


def deliver_files(
    settings: LedgerSettings, registry: CertificateRegistryBinding, paths: list[Path], *, issued_now: bool = False
) -> DeliveryReport:
    """Deliver the wrapped certificates at `paths` as the registry's signer; right after their
    issuance (`issued_now`) a refusal is reported, not raised: the issuance stands."""
    from ledger.certificates.delivery import deliver_certificates, deliver_issued
    from ledger.store.blobs import BlobStore

    sender = signing_key(registry.client, needed_for="delivering needs the sender's key")
    deliver = deliver_issued if issued_now else deliver_certificates
    return deliver(registry=registry, sender=sender, blobs=BlobStore.configured(settings), paths=paths)


def report_delivery(report: DeliveryReport, *, each: bool) -> None:
    """One line per destination (and per certificate when `each`), reasons included."""
    from ledger.certificates.delivery import DeliveryStatus

    if each:
        for c in report.certificates:
            to = c.destination or "its destination"
            if c.status is DeliveryStatus.DELIVERED:
                typer.echo(f"{c.file}  delivered to {to}  {c.cid}")
            elif c.status is DeliveryStatus.ALREADY_DELIVERED:
                typer.echo(f"{c.file}  already delivered to {to}  {c.cid}")
            else:
                typer.echo(f"{c.file}  not delivered: {c.reason}")
        return
    for destination, recipients in report.recipients.items():
        count = sum(1 for c in report.certificates if c.destination == destination and c.cid is not None)
        typer.echo(f"delivered {count} certificate(s) to {destination}'s customs ({', '.join(recipients)})")
    reasons = dict.fromkeys(c.reason for c in report.certificates if c.status is DeliveryStatus.NOT_POSSIBLE)
    for reason in reasons:
        typer.echo(f"delivery not possible: {reason}")
    if report.pending_push:
        typer.echo("warning: delivered certificates kept locally, not yet on IPFS; run `sanzhi docs sync`", err=True)


def deliver(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Wrapped certificate files (or directories of them).")],
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Put issued certificates into the document store for their destination member's customs;
    exit 1 when some could not be delivered (the reason is said)."""
    from ledger.certificates.delivery import DeliveryStatus
    from ledger.certificates.registry import CertificateRegistryBinding

    paths = _wrapped_files(files)
    cli = state(ctx)
    registry = CertificateRegistryBinding(cli.client(as_))
    report = deliver_files(cli.settings, registry, paths)
    if as_json:
        print_json(report)
    else:
        report_delivery(report, each=True)
    if report.count(DeliveryStatus.NOT_POSSIBLE):
        raise typer.Exit(1)


def destined(
    ctx: typer.Context,
    as_: AsOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="Batches per page.")] = 50,
    cursor: Annotated[str | None, typer.Option("--cursor", help="`next_cursor` of the previous page.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Certificates destined to this customs administration (the member of --as, a customs or
    admin key), newest first, with the CID of each one delivered (`sanzhi docs get CID`). Read
    from the audit index: `sanzhi index` (or `sanzhi serve`) keeps it up to date."""
    from ledger.consortium.binding import ConsortiumBinding
    from ledger.index.db import open_existing_index
    from ledger.index.destined import destined_certificates

    cli = state(ctx)
    client = cli.client(as_)
    consortium = ConsortiumBinding(client)
    member = consortium.customs_member(client.address) or consortium.member_of(client.address)
    if member is None:
        raise InvalidInput(
            f"{client.address} is neither a customs key nor a member's admin: only a destination's customs "
            "lists what is destined to it",
            path="--as",
        )
    engine = open_existing_index(cli.settings)
    try:
        with engine.connect() as connection:
            page = destined_certificates(connection, member=member, cursor=cursor, limit=limit)
    finally:
        engine.dispose()
    if as_json:
        print_json(page)
        return
    if not page.items:
        typer.echo(f"nothing destined to {member} is indexed yet")
    for batch in page.items:
        expires = f", expires {batch.expires_at:%Y-%m-%dT%H:%M:%SZ}" if batch.expires_at else ""
        issuer = shown_account(batch.issuer.address, batch.issuer.label)
        typer.echo(
            f"{batch.root}  {batch.count} {batch.type} for {member} from {batch.issuing_member or '?'}, issued "
            f"{batch.issued_at:%Y-%m-%dT%H:%M:%SZ}{expires} by {issuer}"
        )
        for delivered in batch.delivered:
            typer.echo(f"    leaf {delivered.leaf}  delivered {delivered.document}")
    if page.next_cursor:
        typer.echo(f"more: --cursor {page.next_cursor}")


def _wrapped_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.json") if not p.name.startswith(".")))
        elif path.is_file():
            files.append(path)
        else:
            raise InvalidInput(f"{path} does not exist", path=str(path))
    if not files:
        raise InvalidInput("no wrapped certificates found", path=", ".join(map(str, paths)))
    return files
