"""Shifts, cash movements and drawer openings; each payment remembers its shift (who took it is
0004's payments.staff_id).

Existing payments keep every value and get NULL for the new column (taken before shifts
existed). The partial unique index keeps one open shift per till in the database itself.

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.persistence.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    dt = app.persistence.types.UTCDateTime
    op.create_table(
        "shifts",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("till_id", sa.String(), nullable=False),
        sa.Column("currency_code", sa.String(), nullable=False),
        sa.Column("opening_float", app.persistence.types.JSONText(), nullable=False),
        sa.Column("opened_at", dt(), nullable=False),
        sa.Column("opened_by", sa.String(), nullable=True),
        sa.Column("closed_at", dt(), nullable=True),
        sa.Column("closed_by", sa.String(), nullable=True),
        sa.Column("counted", app.persistence.types.JSONText(), nullable=True),
        sa.Column("z_number", sa.Integer(), nullable=True),
        sa.Column("report", app.persistence.types.JSONText(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shifts")),
        sa.UniqueConstraint("till_id", "z_number", name="uq_shifts_till_z"),
    )
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shifts_opened_at"), ["opened_at"], unique=False)
    op.create_index("uq_shifts_open_till", "shifts", ["till_id"], unique=True,
                    sqlite_where=sa.text("closed_at IS NULL"))
    op.create_table(
        "cash_movements",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("shift_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("amount", app.persistence.types.DecimalText(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("staff_id", sa.String(), nullable=True),
        sa.Column("created_at", dt(), nullable=False),
        sa.ForeignKeyConstraint(["shift_id"], ["shifts.id"], name=op.f("fk_cash_movements_shift_id_shifts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_movements")),
    )
    with op.batch_alter_table("cash_movements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cash_movements_shift_id"), ["shift_id"], unique=False)
    op.create_table(
        "drawer_openings",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("shift_id", sa.String(), nullable=True),
        sa.Column("staff_id", sa.String(), nullable=True),
        sa.Column("destination", sa.String(), nullable=True),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("created_at", dt(), nullable=False),
        sa.ForeignKeyConstraint(["shift_id"], ["shifts.id"], name=op.f("fk_drawer_openings_shift_id_shifts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drawer_openings")),
    )
    with op.batch_alter_table("drawer_openings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drawer_openings_shift_id"), ["shift_id"], unique=False)
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shift_id", sa.String(), nullable=True))
        batch_op.create_index(batch_op.f("ix_payments_shift_id"), ["shift_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_payments_shift_id_shifts"), "shifts", ["shift_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_payments_shift_id_shifts"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_payments_shift_id"))
        batch_op.drop_column("shift_id")
    op.drop_table("drawer_openings")
    op.drop_table("cash_movements")
    op.drop_index("uq_shifts_open_till", table_name="shifts")
    op.drop_table("shifts")
