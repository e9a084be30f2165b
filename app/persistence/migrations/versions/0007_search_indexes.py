"""Search that stays fast on a year of orders: trigram full-text indexes over the search text of
variants, customers and orders, kept in step by triggers (app/persistence/search_index.py), and
an index for the customer list's name order.

Filling the indexes reads every row once; on a million orders it reports its progress through
app.persistence.migration_progress, which the start-up code may hook.

Revision ID: 0007
Revises: 0006
"""
from __future__ import annotations

from alembic import op

from app.persistence import migration_progress, search_index

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_customers_name ON customers (last_name, first_name)")
    search_index.create(conn, progress=migration_progress.report)


def downgrade() -> None:
    conn = op.get_bind()
    search_index.drop(conn)
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_customers_name")
