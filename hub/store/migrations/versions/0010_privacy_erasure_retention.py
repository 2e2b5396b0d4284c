"""Privacy: erasure records, erased contact ids, raw_events.purged_at (retention and erasure).

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-23 03:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erasures",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("requested_by", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=False),
        sa.Column("contact_ids", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
    )
    op.create_table(
        "erased_contacts",
        sa.Column("contact_id", sa.String(length=36), nullable=False),
        sa.Column("erasure_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["erasure_id"], ["erasures.id"], name=op.f("fk_erased_contacts_erasure_id_erasures")),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_erased_contacts")),
    )
    with op.batch_alter_table("erased_contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_erased_contacts_erasure_id"), ["erasure_id"], unique=False)
    with op.batch_alter_table("raw_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("raw_events", schema=None) as batch_op:
        batch_op.drop_column("purged_at")
    with op.batch_alter_table("erased_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_erased_contacts_erasure_id"))
    op.drop_table("erased_contacts")
    op.drop_table("erasures")
