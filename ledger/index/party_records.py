"""What the issuing member's index knows about one trade party: the certificates it issued
naming that party as exporter (its own records, by exporter id), and who drew on each."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import Engine, and_, func, select

from ledger.index.issuer_records import RECORDS, exporter_key, on_indexed_chain
from ledger.index.state import EVENTS


class Utilization(BaseModel):
    """One draw on a certificate: by which member's customs, for which declaration, how much."""

    at: datetime
    member: str | None
    declaration: str  # the declaration reference, 0x and 64 hex digits
    amount: int  # thousandths of the certificate's unit
    tx_hash: str


class ExporterCertificate(BaseModel):
    number: str
    cert_type: str
    issuing_member: str
    importing_member: str | None
    root: str
    leaf: str | None
    issue_date: str | None
    quantity: int | None  # thousandths of unit_code
    unit_code: str | None
    utilizations: list[Utilization]


class ExporterPage(BaseModel):
    total: int
    items: list[ExporterCertificate]


def _hex(value: bytes | None) -> str | None:
    return None if value is None else "0x" + bytes(value).hex()


def certificates_of_exporter(*, engine: Engine, member: str, exporter_id: str, offset: int, limit: int) -> ExporterPage:
    """The certificates `member` issued to `exporter_id` (its own records), newest first, with
    the draws the index holds on each."""
    with engine.connect() as connection:
        where = and_(RECORDS.c.member == member, RECORDS.c.exporter_id == exporter_key(exporter_id),
                     on_indexed_chain(connection))  # fmt: skip
        total = int(connection.execute(select(func.count()).select_from(RECORDS).where(where)).scalar_one())
        rows = (
            connection.execute(
                select(RECORDS).where(where).order_by(RECORDS.c.recorded_at.desc(), RECORDS.c.id.desc())
                .offset(offset).limit(limit)
            ).mappings().all()
        )  # fmt: skip
        leaves = [bytes(row["leaf"]) for row in rows if row["leaf"] is not None]
        drawn: dict[bytes, list[Utilization]] = {}
        if leaves:
            events = connection.execute(
                select(EVENTS)
                .where(EVENTS.c.event == "CertificateUtilized", EVENTS.c.cert_leaf.in_(leaves))
                .order_by(EVENTS.c.block_number, EVENTS.c.log_index)
            ).mappings()
            for event in events:
                args = event["args"]
                drawn.setdefault(bytes(event["cert_leaf"]), []).append(
                    Utilization(
                        at=datetime.fromtimestamp(event["block_time"], tz=UTC),
                        member=event["organisation"],
                        declaration=str(args.get("declarationRef", "")),
                        amount=int(args.get("amount", 0)),
                        tx_hash=_hex(event["tx_hash"]) or "",
                    )
                )
    items = [
        ExporterCertificate(
            number=row["number"],
            cert_type=row["cert_type"],
            issuing_member=row["member"],
            importing_member=row["importing_member"],
            root=_hex(row["root"]) or "",
            leaf=_hex(row["leaf"]),
            issue_date=row["issue_date"],
            quantity=int(row["quantity"]) if row["quantity"] else None,
            unit_code=row["unit_code"],
            utilizations=drawn.get(bytes(row["leaf"]), []) if row["leaf"] is not None else [],
        )
        for row in rows
    ]
    return ExporterPage(total=total, items=items)
