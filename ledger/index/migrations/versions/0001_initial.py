"""The index: chain events, indexed blocks, the index state, issuer records.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

HASH = sa.LargeBinary(32)
ADDRESS = sa.LargeBinary(20)
ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(JSONB(), "postgresql")
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


def upgrade() -> None:
    op.create_table(
        "chain_events",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", HASH, nullable=False),
        sa.Column("block_time", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", HASH, nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("contract", sa.String(64), nullable=False),
        sa.Column("contract_address", ADDRESS, nullable=False),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("args", JSON, nullable=False),
        sa.Column("actor", ADDRESS, nullable=False),
        sa.Column("signers", JSON, nullable=True),
        sa.Column("organisation", sa.String(32), nullable=True),
        sa.Column("partner", sa.String(32), nullable=True),
        sa.Column("cert_root", HASH, nullable=True),
        sa.Column("cert_leaf", HASH, nullable=True),
        sa.Column("number_key", HASH, nullable=True),
        sa.Column("successor_leaf", HASH, nullable=True),
        sa.Column("operator", HASH, nullable=True),
        sa.Column("account", ADDRESS, nullable=True),
        sa.Column("role", HASH, nullable=True),
        sa.Column("scope", HASH, nullable=True),
        sa.Column("consignment", HASH, nullable=True),
        sa.UniqueConstraint("chain_id", "tx_hash", "log_index", name="uq_chain_events_tx_log"),
    )
    op.create_index("ix_chain_events_position", "chain_events", ["block_number", "log_index"], unique=True)
    op.create_index("ix_chain_events_actor", "chain_events", ["actor", "block_number", "log_index"])
    op.create_index("ix_chain_events_event", "chain_events", ["event", "block_number", "log_index"])
    for column in FILTER_COLUMNS:
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(
            f"ix_chain_events_{column}",
            "chain_events",
            [column, "block_number", "log_index"],
            sqlite_where=where,
            postgresql_where=where,
        )

    op.create_table(
        "indexed_blocks",
        sa.Column("number", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("hash", HASH, nullable=False),
        sa.Column("parent_hash", HASH, nullable=False),
        sa.Column("time", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_indexed_blocks_time", "indexed_blocks", ["time", "number"])

    op.create_table(
        "index_state",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("genesis_hash", HASH, nullable=False),
        sa.Column("base_block", sa.BigInteger(), nullable=False),
        sa.Column("base_hash", HASH, nullable=False),
        sa.Column("contracts", JSON, nullable=False),
        sa.Column("checkpoint_block", sa.BigInteger(), nullable=False),
        sa.Column("checkpoint_hash", HASH, nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
    )

    op.create_table(
        "issued_certificates",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("registry_address", ADDRESS, nullable=False),
        sa.Column("member", sa.String(32), nullable=False),
        sa.Column("cert_type", sa.String(64), nullable=False),
        sa.Column("number", sa.String(128), nullable=False),
        sa.Column("number_hash", HASH, nullable=False),
        sa.Column("root", HASH, nullable=False),
        sa.Column("leaf", HASH, nullable=True),
        sa.Column("importing_member", sa.String(32), nullable=True),
        sa.Column("document_hash", HASH, nullable=True),
        sa.Column("issue_date", sa.String(10), nullable=True),
        sa.Column("source", sa.String(1024), nullable=True),
        sa.Column("recorded_at", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint(
            "chain_id",
            "registry_address",
            "member",
            "cert_type",
            "number",
            "root",
            name="uq_issued_certificates_number",
        ),
    )
    op.create_index("ix_issued_certificates_number", "issued_certificates", ["number"])
    op.create_index("ix_issued_certificates_leaf", "issued_certificates", ["leaf"])


def downgrade() -> None:
    op.drop_table("issued_certificates")
    op.drop_table("index_state")
    op.drop_table("indexed_blocks")
    op.drop_table("chain_events")
