"""The tenant change log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from registry.database import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenant_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug_key", sa.String(50), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenant_changes")),
    )


def downgrade() -> None:
    op.drop_table("tenant_changes")
