"""Print log: every print and reprint of an invoice or receipt, so a reprint knows its copy number

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import app.persistence.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('prints',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('order_id', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('copy_number', sa.Integer(), nullable=False),
    sa.Column('archive_path', sa.String(), nullable=True),
    sa.Column('destination', sa.String(), nullable=True),
    sa.Column('printed_at', app.persistence.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_prints_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prints')),
    sa.UniqueConstraint('order_id', 'kind', 'copy_number', name='uq_prints_order_kind_copy')
    )
    with op.batch_alter_table('prints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prints_order_id'), ['order_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('prints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prints_order_id'))

    op.drop_table('prints')
