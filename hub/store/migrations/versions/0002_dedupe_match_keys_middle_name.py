"""Dedupe: blocking keys table; middle name and is-personal flag on contacts; who undid a merge.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 01:15:02.258857
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('match_keys',
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.Column('contact_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_match_keys_contact_id_contacts')),
    sa.PrimaryKeyConstraint('key', 'contact_id', name=op.f('pk_match_keys'))
    )
    with op.batch_alter_table('match_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_keys_contact_id'), ['contact_id'], unique=False)

    with op.batch_alter_table('merge_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('undone_by', sa.String(length=128), nullable=True))

    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('middle_name', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('name_is_personal', sa.Boolean(), nullable=False, server_default=sa.true()))



def downgrade() -> None:
    with op.batch_alter_table('merge_log', schema=None) as batch_op:
        batch_op.drop_column('undone_by')

    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_column('name_is_personal')
        batch_op.drop_column('middle_name')

    with op.batch_alter_table('match_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_keys_contact_id'))

    op.drop_table('match_keys')
