"""Contacts keep whether their name was typed with the family name last.

"Liên Thanh Nguyễn" is Nguyễn Thanh Liên on a first / middle / last form and Nguyễn Liên Thanh
when the first-name field held "Liên Thanh": dedupe reads such a name both ways
(hub.dedupe.names, PersonName.family_last). A contact stores its name family first, so until
now a name read back from the store had lost how it was typed and was read one way only.

Existing contacts get False, as they were read until now: the order is not recovered from
their leads. A contact's name is written again (with the flag) whenever survivorship picks
a name from a new lead, a merge or an enrichment.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 11:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_family_last", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("name_family_last")
