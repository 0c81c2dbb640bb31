"""API keys expire and rotate; portal sign-ins are sessions of their own.

Keys that exist when this runs get the default lifetime (365 days) from today, the day of the
deploy, and are marked so that the service says so once at its next start.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None

# the default key lifetime when this migration was written (api/key_lifetimes.py): a migration
# keeps the value it shipped with, whatever the default becomes later
DEFAULT_LIFETIME = timedelta(days=365)


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("previous_sha256", sa.String(64), nullable=True))
        batch.add_column(sa.Column("previous_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("expiry_defaulted", sa.Boolean(), nullable=False, server_default=sa.false()))
    keys = sa.table(
        "api_keys",
        sa.column("expires_at", sa.DateTime(timezone=True)),
        sa.column("expiry_defaulted", sa.Boolean()),
    )
    expires = (datetime.now(UTC) + DEFAULT_LIFETIME).replace(microsecond=0)
    op.execute(keys.update().where(keys.c.expires_at.is_(None)).values(expires_at=expires, expiry_defaulted=True))
    with op.batch_alter_table("api_keys") as batch:
        batch.alter_column("expires_at", existing_type=sa.DateTime(timezone=True), nullable=False)
    op.create_table(
        "portal_sessions",
        sa.Column("session_sha256", sa.String(64), primary_key=True),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(op.f("ix_portal_sessions_key_id"), "portal_sessions", ["key_id"])
    op.create_index(op.f("ix_portal_sessions_expires_at"), "portal_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_portal_sessions_expires_at", table_name="portal_sessions")
    op.drop_index("ix_portal_sessions_key_id", table_name="portal_sessions")
    op.drop_table("portal_sessions")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("expiry_defaulted")
        batch.drop_column("previous_until")
        batch.drop_column("previous_sha256")
        batch.drop_column("expires_at")
