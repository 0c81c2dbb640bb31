"""What is destined to a member, from the index alone: the certificate batches other members
issued for import into it (the chain records each batch's destination), newest first, with the
certificates delivered to it through the document store."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import Connection, and_, select, tuple_

from ledger.consortium.names import AccountName
from ledger.errors import InvalidInput
from ledger.ids import CERTIFICATE_TYPE_NAMES, member_id_bytes, member_id_text
from ledger.index.audit import ISSUED
from ledger.index.cursor import MAX_LIMIT, decode_cursor, encode_cursor, fingerprint
from ledger.index.names import account_names
from ledger.index.presentation import checksummed
from ledger.index.state import EVENTS
from ledger.store.cid import shown_cid
from ledger.timestamps import from_unix

DELIVERED = "CertificateDelivered"


class DeliveredCertificate(BaseModel):
    """One certificate of a batch put into the document store for the destination."""

    leaf: str
    document: str = Field(description="CID of the stored certificate (`sanzhi docs get CID`)")
    delivered_at: datetime
    tx_hash: str


class DestinedBatch(BaseModel):
    """A batch of certificates issued for import into the member that asks."""

    root: str
    type: str = Field(description="Certificate type, e.g. certificate-of-origin")
    destination: str
    issuing_member: str | None
    issuer: AccountName
    count: int
    issued_at: datetime
    expires_at: datetime | None
    registry: str
    tx_hash: str
    delivered: list[DeliveredCertificate] = Field(
        default_factory=list, description="Certificates of the batch delivered through the document store"
    )


class DestinedPage(BaseModel):
    items: list[DestinedBatch]
    next_cursor: str | None


def _hex(value: bytes) -> str:
    return "0x" + bytes(value).hex()


def destined_certificates(
    connection: Connection, *, member: str, cursor: str | None = None, limit: int = 50
) -> DestinedPage:
    """The batches destined to `member`, newest first (`cursor`: the previous page's
    `next_cursor`), each with its issuer named and its delivered certificates."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}", path="limit")
    destination = member_id_text(member_id_bytes(member))
    query = fingerprint("destined", destination)
    statement = select(EVENTS).where(and_(EVENTS.c.partner == destination, EVENTS.c.event == ISSUED))
    if cursor is not None:
        statement = statement.where(
            tuple_(EVENTS.c.block_number, EVENTS.c.log_index) < tuple_(*decode_cursor(cursor, query))
        )
    rows = (
        connection.execute(statement.order_by(EVENTS.c.block_number.desc(), EVENTS.c.log_index.desc()).limit(limit + 1))
        .mappings()
        .all()
    )
    chosen = rows[:limit]
    last = rows[limit - 1] if len(rows) > limit else None
    names = account_names(connection, [str(row["args"]["issuer"]) for row in chosen])
    delivered = _deliveries(connection, destination, [bytes(row["cert_root"]) for row in chosen])
    items = []
    for row in chosen:
        args = row["args"]
        cert_type = bytes.fromhex(str(args["certType"])[2:])
        expires = int(args["expiresAt"])
        items.append(
            DestinedBatch(
                root=_hex(row["cert_root"]),
                type=CERTIFICATE_TYPE_NAMES.get(cert_type, _hex(cert_type)),
                destination=destination,
                issuing_member=row["organisation"],
                issuer=names[str(args["issuer"])],
                count=int(args["count"]),
                issued_at=row["block_time"],  # unix seconds: the model reads them as a UTC time
                expires_at=from_unix(expires),
                registry=checksummed(_hex(row["contract_address"])),
                tx_hash=_hex(row["tx_hash"]),
                delivered=delivered.get((bytes(row["cert_root"]), bytes(row["contract_address"])), []),
            )
        )
    next_cursor = encode_cursor(last["block_number"], last["log_index"], query) if last is not None else None
    return DestinedPage(items=items, next_cursor=next_cursor)


def _deliveries(
    connection: Connection, destination: str, roots: list[bytes]
) -> dict[tuple[bytes, bytes], list[DeliveredCertificate]]:
    """The deliveries to `destination` of certificates of `roots`, by (root, registry), a
    certificate delivered twice listed once (its latest delivery)."""
    if not roots:
        return {}
    rows = connection.execute(
        select(EVENTS.c.cert_root, EVENTS.c.contract_address, EVENTS.c.cert_leaf, EVENTS.c.args,
               EVENTS.c.block_time, EVENTS.c.tx_hash)
        .where(and_(EVENTS.c.cert_root.in_(roots), EVENTS.c.event == DELIVERED, EVENTS.c.partner == destination))
        .order_by(EVENTS.c.block_number, EVENTS.c.log_index)
    )  # fmt: skip
    found: dict[tuple[bytes, bytes], dict[bytes, DeliveredCertificate]] = {}
    for root, registry, leaf, args, block_time, tx_hash in rows:
        document = shown_cid(bytes.fromhex(str(args["document"])[2:]))
        if document is None:
            continue
        found.setdefault((bytes(root), bytes(registry)), {})[bytes(leaf)] = DeliveredCertificate(
            leaf=_hex(leaf), document=document, delivered_at=block_time, tx_hash=_hex(tx_hash)
        )
    return {key: list(by_leaf.values()) for key, by_leaf in found.items()}
