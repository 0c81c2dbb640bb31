"""The index's tables (SQLAlchemy 2 typed ORM); migrations/ creates them.

One database indexes one chain: `index_state` names it (chain id, genesis, the deployment)
and the follower refuses any other. Hashes and addresses are stored as bytes (32 and 20),
member ids as text (`CN`), times as unix seconds: every audit filter is an equality on one
column followed by the chain order (block_number, log_index), and each has a composite index
in that order, partial (non-null rows only) where most events leave the column empty.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

Hash = LargeBinary(32)
Address = LargeBinary(20)
# SQLite gives an autoincrementing key only to a column declared exactly INTEGER PRIMARY KEY
RowId = BigInteger().with_variant(Integer(), "sqlite")
Json = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")

# event columns an audit filters on, each indexed as (column, block_number, log_index)
FILTER_COLUMNS = (
    "organisation",
    "partner",
    "cert_root",
    "cert_leaf",
    "number_key",
    "successor_leaf",
    "operator",
    "account",
    "consignment",
)


class Base(DeclarativeBase):
    pass


def _filter_index(column: str) -> Index:
    where = text(f"{column} IS NOT NULL")
    return Index(
        f"ix_chain_events_{column}",
        column,
        "block_number",
        "log_index",
        sqlite_where=where,
        postgresql_where=where,
    )


class ChainEvent(Base):
    """One contract event (log) of the indexed deployment, decoded."""

    __tablename__ = "chain_events"
    __table_args__ = (
        UniqueConstraint("chain_id", "tx_hash", "log_index", name="uq_chain_events_tx_log"),
        Index("ix_chain_events_position", "block_number", "log_index", unique=True),
        Index("ix_chain_events_actor", "actor", "block_number", "log_index"),
        Index("ix_chain_events_event", "event", "block_number", "log_index"),
        *(_filter_index(column) for column in FILTER_COLUMNS),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    chain_id: Mapped[int] = mapped_column(BigInteger)
    block_number: Mapped[int] = mapped_column(BigInteger)
    block_hash: Mapped[bytes] = mapped_column(Hash)
    block_time: Mapped[int] = mapped_column(BigInteger)  # unix seconds
    tx_hash: Mapped[bytes] = mapped_column(Hash)
    log_index: Mapped[int] = mapped_column(Integer)  # the log's index in its block
    contract: Mapped[str] = mapped_column(String(64))
    contract_address: Mapped[bytes] = mapped_column(Address)
    event: Mapped[str] = mapped_column(String(64))
    args: Mapped[dict[str, Any]] = mapped_column(Json)  # hex for bytes, numbers as numbers
    actor: Mapped[bytes] = mapped_column(Address)  # the transaction's sender
    # the oracles whose quorum signatures the transaction carried (recovered), if it did
    signers: Mapped[list[str] | None] = mapped_column(Json, nullable=True)
    organisation: Mapped[str | None] = mapped_column(String(32), nullable=True)  # the acting member
    # the other member of an MRA, or the member a certificate batch is destined to
    partner: Mapped[str | None] = mapped_column(String(32), nullable=True)
    cert_root: Mapped[bytes | None] = mapped_column(Hash, nullable=True)
    cert_leaf: Mapped[bytes | None] = mapped_column(Hash, nullable=True)
    number_key: Mapped[bytes | None] = mapped_column(Hash, nullable=True)
    successor_leaf: Mapped[bytes | None] = mapped_column(Hash, nullable=True)
    operator: Mapped[bytes | None] = mapped_column(Hash, nullable=True)
    account: Mapped[bytes | None] = mapped_column(Address, nullable=True)  # accredited account, admin
    role: Mapped[bytes | None] = mapped_column(Hash, nullable=True)
    scope: Mapped[bytes | None] = mapped_column(Hash, nullable=True)
    consignment: Mapped[bytes | None] = mapped_column(Hash, nullable=True)


class IndexedBlock(Base):
    """A block the index holds events of, or ended a range at: its hash finds reorganisations,
    its time maps a time range to a block range (block times never decrease)."""

    __tablename__ = "indexed_blocks"
    __table_args__ = (Index("ix_indexed_blocks_time", "time", "number"),)

    number: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(Hash)
    parent_hash: Mapped[bytes] = mapped_column(Hash)
    time: Mapped[int] = mapped_column(BigInteger)


class IndexState(Base):
    """Which chain and deployment this index follows, and how far (one row)."""

    __tablename__ = "index_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    chain_id: Mapped[int] = mapped_column(BigInteger)
    genesis_hash: Mapped[bytes] = mapped_column(Hash)
    # the block before the deployment: indexing starts after it, and it must never change
    base_block: Mapped[int] = mapped_column(BigInteger)
    base_hash: Mapped[bytes] = mapped_column(Hash)
    contracts: Mapped[dict[str, str]] = mapped_column(Json)  # name -> address, as indexed
    checkpoint_block: Mapped[int] = mapped_column(BigInteger)  # last block fully indexed
    checkpoint_hash: Mapped[bytes] = mapped_column(Hash)
    updated_at: Mapped[int] = mapped_column(BigInteger)
    # migration 0008: the hash of the block after base_block, where the deployment starts (null
    # until a follower of this sanzhi has run), and what the follower last saw of the node: its
    # head, when, and why the index no longer matches it (null: it matches)
    deployment_hash: Mapped[bytes | None] = mapped_column(Hash, nullable=True)
    node_head: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    node_seen_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # unix seconds
    mismatch: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    mismatch_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # unix seconds


class IssuedCertificate(Base):
    """The issuing member's own record of a certificate it issued: what the chain never holds
    (the number in clear, the document's type and countries) next to what it does (root, leaf)."""

    __tablename__ = "issued_certificates"
    __table_args__ = (
        UniqueConstraint(
            "chain_id",
            "registry_address",
            "member",
            "cert_type",
            "number",
            "root",
            name="uq_issued_certificates_number",
        ),
        Index("ix_issued_certificates_number", "number"),
        Index("ix_issued_certificates_leaf", "leaf"),
        Index("ix_issued_certificates_exporter", "member", "exporter_id", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    chain_id: Mapped[int] = mapped_column(BigInteger)
    registry_address: Mapped[bytes] = mapped_column(Address)
    member: Mapped[str] = mapped_column(String(32))  # the issuing member (its country)
    cert_type: Mapped[str] = mapped_column(String(64))
    number: Mapped[str] = mapped_column(String(128))  # canonical form (ledger.certificates.wrapped)
    number_hash: Mapped[bytes] = mapped_column(Hash)
    root: Mapped[bytes] = mapped_column(Hash)
    leaf: Mapped[bytes | None] = mapped_column(Hash, nullable=True)  # known from the wrapped file
    importing_member: Mapped[str | None] = mapped_column(String(32), nullable=True)
    document_hash: Mapped[bytes | None] = mapped_column(Hash, nullable=True)
    issue_date: Mapped[str | None] = mapped_column(String(10), nullable=True)  # the document's, ISO date
    source: Mapped[str | None] = mapped_column(String(1024), nullable=True)  # file it was read from
    # the document's exporter.identifier, canonical as an operator id where it is one (migration 0004)
    exporter_id: Mapped[str | None] = mapped_column(String(256), nullable=True)
    # the leaf's quantity in thousandths of `unit_code` (text: it may exceed 64 bits)
    quantity: Mapped[str | None] = mapped_column(String(80), nullable=True)
    unit_code: Mapped[str | None] = mapped_column(String(3), nullable=True)
    recorded_at: Mapped[int] = mapped_column(BigInteger)
    # the chain it was issued on (migration 0008): a reset chain reproduces the chain id and the
    # registry's address, never these hashes; null on records written before
    genesis_hash: Mapped[bytes | None] = mapped_column(Hash, nullable=True)
    deployment_block: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    deployment_hash: Mapped[bytes | None] = mapped_column(Hash, nullable=True)


# The service's API keys live in the same database (migrations 0002, 0003, 0004); api/keystore.py reads and
# writes them. Defined here so that the migrations and this schema stay one description.
api_keys = Table(
    "api_keys",
    Base.metadata,
    Column("key_id", String(16), primary_key=True),
    Column("organisation", String(32), nullable=False, index=True),
    Column("role", String(16), nullable=False),
    Column("label", String(200), nullable=False),
    Column("secret_sha256", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    # the party account a trader key acts for (migration 0003); null for every other role
    Column("account", String(42), nullable=True),
    # the operator id (USCI:9133...) of a trader key's party (migration 0004); null: not given
    Column("operator", String(128), nullable=True),
    # migration 0007: when the key stops working; after a rotation, the previous secret's digest
    # and when it stops working; whether the migration gave the key its expiry and the service
    # has yet to say so (it says so once, at a start)
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("previous_sha256", String(64), nullable=True),
    Column("previous_until", DateTime(timezone=True), nullable=True),
    Column("expiry_defaulted", Boolean, nullable=False, default=False),
)


# A portal sign-in (migration 0007): the browser holds a random session id, the database its
# SHA-256, the key it signs in as and the digest of the secret it was shown (so a rotation's end
# of grace ends the sessions of the old secret too).
portal_sessions = Table(
    "portal_sessions",
    Base.metadata,
    Column("session_sha256", String(64), primary_key=True),
    Column("key_id", String(16), nullable=False, index=True),
    Column("secret_sha256", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)


# ---------------------------------------------------------------- webhooks (migration 0005)
# Subscriptions, their outbox and the deliverer's lease live in the index database beside the
# events they are about: enqueuing a delivery and advancing the cursor is one transaction.


class WebhookSubscription(Base):
    """An organisation's subscription: where to post which topics, as whom (its audience)."""

    __tablename__ = "webhook_subscriptions"
    __table_args__ = (Index("ix_webhook_subscriptions_member", "member", "created_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # sub_...
    member: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16))  # the creating key's role: what it may see
    operator: Mapped[str | None] = mapped_column(String(128), nullable=True)  # a trader's operator id
    account: Mapped[str | None] = mapped_column(String(42), nullable=True)  # a trader key's party account
    key_id: Mapped[str | None] = mapped_column(String(16), nullable=True)  # the creating API key; null: CLI
    url: Mapped[str] = mapped_column(String(2048))
    topics: Mapped[list[str]] = mapped_column(Json)
    secret: Mapped[bytes] = mapped_column(LargeBinary)  # AES-256-GCM: nonce and ciphertext
    previous_secret: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    previous_until: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # unix seconds
    created_at: Mapped[int] = mapped_column(BigInteger)
    removed_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    cursor: Mapped[int] = mapped_column(BigInteger)  # the last chain_events id enqueued from


class WebhookDelivery(Base):
    """One event for one subscription: the outbox row the deliverer posts until it is taken."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_key", name="uq_webhook_deliveries_event"),
        Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),
        Index("ix_webhook_deliveries_subscription", "subscription_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    subscription_id: Mapped[str] = mapped_column(String(40))
    event_key: Mapped[str] = mapped_column(String(160))
    event_id: Mapped[int] = mapped_column(BigInteger)  # chain_events.id when enqueued
    block_number: Mapped[int] = mapped_column(BigInteger)
    topic: Mapped[str] = mapped_column(String(32))
    webhook_id: Mapped[str] = mapped_column(String(64))  # msg_...: the same on every attempt
    body: Mapped[str] = mapped_column(Text)  # the exact bytes signed and posted, every attempt
    state: Mapped[str] = mapped_column(String(16))  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[int] = mapped_column(BigInteger)  # unix seconds
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    last_attempt_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    delivered_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[int] = mapped_column(BigInteger)


class Lease(Base):
    """A named lease: who holds it until when (one webhook deliverer per database)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(80))
    expires_at: Mapped[float] = mapped_column(Float)  # unix seconds
