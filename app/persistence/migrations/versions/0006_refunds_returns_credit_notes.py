"""Refunds (with their credit note numbers), returns, and an outbox keyed by (order, kind,
subject) so each refund, return and cancellation is an entry of its own. Every existing outbox
row is kept as it is; a sale's subject is the empty string.

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import app.persistence.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('refunds',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('order_id', sa.String(), nullable=False),
    sa.Column('credit_note_number', sa.String(), nullable=False),
    sa.Column('amount', app.persistence.types.DecimalText(), nullable=False),
    sa.Column('shipping_amount', app.persistence.types.DecimalText(), nullable=False),
    sa.Column('extra_amount', app.persistence.types.DecimalText(), nullable=False),
    sa.Column('adjustment', app.persistence.types.DecimalText(), nullable=False),
    sa.Column('reason', sa.String(), nullable=True),
    sa.Column('lines', app.persistence.types.JSONText(), nullable=False),
    sa.Column('tenders', app.persistence.types.JSONText(), nullable=False),
    sa.Column('is_cancellation', sa.Boolean(), nullable=False),
    sa.Column('staff_id', sa.String(), nullable=True),
    sa.Column('created_at', app.persistence.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_refunds_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds')),
    sa.UniqueConstraint('credit_note_number', name=op.f('uq_refunds_credit_note_number'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_order_id'), ['order_id'], unique=False)

    op.create_table('returns',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('order_id', sa.String(), nullable=False),
    sa.Column('refund_id', sa.String(), nullable=True),
    sa.Column('lines', app.persistence.types.JSONText(), nullable=False),
    sa.Column('restock', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.persistence.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_returns_order_id_orders')),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_returns_refund_id_refunds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_returns'))
    )
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_returns_order_id'), ['order_id'], unique=False)

    with op.batch_alter_table('outbox', schema=None, recreate="always") as batch_op:
        batch_op.add_column(sa.Column('subject_id', sa.String(), nullable=False, server_default=''))
        batch_op.drop_constraint("uq_outbox_order_kind", type_="unique")
        batch_op.create_unique_constraint("uq_outbox_order_kind_subject", ["order_id", "kind", "subject_id"])


def downgrade() -> None:
    # Only possible while no order has two entries of one kind (two refunds).
    with op.batch_alter_table('outbox', schema=None, recreate="always") as batch_op:
        batch_op.drop_constraint("uq_outbox_order_kind_subject", type_="unique")
        batch_op.create_unique_constraint("uq_outbox_order_kind", ["order_id", "kind"])
        batch_op.drop_column('subject_id')
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_returns_order_id'))
    op.drop_table('returns')
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_order_id'))
    op.drop_table('refunds')
