"""Outbox keyed by (order, kind): a refund or a cancellation can be queued for an order that was
already pushed. The table is rebuilt (SQLite cannot drop a constraint in place); every row is kept
as it is, unsynced sales included.

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None, recreate="always") as batch_op:
        batch_op.drop_constraint("uq_outbox_order_id", type_="unique")
        batch_op.create_unique_constraint("uq_outbox_order_kind", ["order_id", "kind"])
        batch_op.create_index(batch_op.f("ix_outbox_order_id"), ["order_id"], unique=False)


def downgrade() -> None:
    # Only possible while no order has a second entry: the old key allowed one per order.
    with op.batch_alter_table("outbox", schema=None, recreate="always") as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_order_id"))
        batch_op.drop_constraint("uq_outbox_order_kind", type_="unique")
        batch_op.create_unique_constraint("uq_outbox_order_id", ["order_id"])
