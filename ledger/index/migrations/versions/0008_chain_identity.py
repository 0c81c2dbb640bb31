"""Issuer records name the chain they belong to (its genesis and deployment block hashes), and
the index state records the deployment block's hash and whether it still matches the node (what
the follower last saw), so a service answers nothing from the index of a chain that was reset.
Records written before have no chain (null): they count where the index holds their batch.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

HASH = sa.LargeBinary(32)


def upgrade() -> None:
    op.add_column("issued_certificates", sa.Column("genesis_hash", HASH, nullable=True))
    op.add_column("issued_certificates", sa.Column("deployment_block", sa.BigInteger(), nullable=True))
    op.add_column("issued_certificates", sa.Column("deployment_hash", HASH, nullable=True))
    op.add_column("index_state", sa.Column("deployment_hash", HASH, nullable=True))
    op.add_column("index_state", sa.Column("node_head", sa.BigInteger(), nullable=True))
    op.add_column("index_state", sa.Column("node_seen_at", sa.BigInteger(), nullable=True))
    op.add_column("index_state", sa.Column("mismatch", sa.String(1000), nullable=True))
    op.add_column("index_state", sa.Column("mismatch_at", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("index_state") as batch:
        for column in ("mismatch_at", "mismatch", "node_seen_at", "node_head", "deployment_hash"):
            batch.drop_column(column)
    with op.batch_alter_table("issued_certificates") as batch:
        for column in ("deployment_hash", "deployment_block", "genesis_hash"):
            batch.drop_column(column)
