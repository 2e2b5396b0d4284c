"""zalo_oa_tokens and enrichments: rotating Zalo OAuth pairs and profile fetch jobs.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 03:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "zalo_oa_tokens",
        sa.Column("oa_id", sa.String(length=32), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("seed_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("oa_id", name=op.f("pk_zalo_oa_tokens")),
    )
    op.create_table(
        "enrichments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=128), nullable=False),
        sa.Column("subject", sa.String(length=128), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("token_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrichments")),
        sa.UniqueConstraint("kind", "scope", "subject", name=op.f("uq_enrichments_kind_scope_subject")),
    )
    op.create_index(op.f("ix_enrichments_status_due_at"), "enrichments", ["status", "due_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_enrichments_status_due_at"), table_name="enrichments")
    op.drop_table("enrichments")
    op.drop_table("zalo_oa_tokens")
