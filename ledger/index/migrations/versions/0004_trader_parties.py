"""A trader key names its party's operator id; the issuer's records keep each certificate's
exporter id, issued quantity and unit, so a member's service can answer "this exporter's
certificates" (both columns null on rows written before).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("api_keys", sa.Column("operator", sa.String(128), nullable=True))
    op.add_column("issued_certificates", sa.Column("exporter_id", sa.String(256), nullable=True))
    op.add_column("issued_certificates", sa.Column("quantity", sa.String(80), nullable=True))
    op.add_column("issued_certificates", sa.Column("unit_code", sa.String(3), nullable=True))
    op.create_index("ix_issued_certificates_exporter", "issued_certificates", ["member", "exporter_id", "recorded_at"])


def downgrade() -> None:
    op.drop_index("ix_issued_certificates_exporter", table_name="issued_certificates")
    with op.batch_alter_table("issued_certificates") as batch:
        batch.drop_column("unit_code")
        batch.drop_column("quantity")
        batch.drop_column("exporter_id")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("operator")
