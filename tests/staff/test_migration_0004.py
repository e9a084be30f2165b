"""0004 on a till the 0003 release left, with unsynced paid orders, payments, a print and an open
draft: every row is kept, the new who-columns are empty, staff stays off until the first owner,
and the audit log starts empty and append-only."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from app.bootstrap import start
from app.persistence.db import SCHEMA_HEAD
from app.services import audit, staff
from tests.conftest import create_draft, mark_paid
from tests.migrations.make_schema_0001 import build, empty_at_revision

KEPT = ("orders", "payments", "prints", "draft_orders", "outbox", "line_items")


def q(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_0004_upgrades_a_0003_till_and_keeps_every_row(tmp_path: Path) -> None:
    db = tmp_path / "till.sqlite"
    build(db, paid=2)
    empty_at_revision(db, "0003")
    (order_id,) = q(db, "SELECT id FROM orders ORDER BY display_id LIMIT 1")[0]
    con = sqlite3.connect(db)
    con.execute("INSERT INTO prints (id, order_id, kind, copy_number, archive_path, destination, printed_at) "
                "VALUES ('prn_1', ?, 'a4', 0, NULL, NULL, '2026-11-30T10:00:00.000000+00:00')", (order_id,))
    con.commit()
    con.close()
    assert q(db, "SELECT version_num FROM alembic_version") == [("0003",)]
    before = {t: q(db, f'SELECT * FROM "{t}" ORDER BY rowid') for t in KEPT}
    assert len(before["orders"]) == 2 and len(before["prints"]) == 1
    assert {s for (s,) in q(db, "SELECT state FROM outbox")} == {"queued"}

    app = start(db)
    try:
        assert q(db, "SELECT version_num FROM alembic_version") == [(SCHEMA_HEAD,)]  # 0004 and every later revision
        for t, rows in before.items():
            after = q(db, f'SELECT * FROM "{t}" ORDER BY rowid')
            width = len(rows[0])
            assert [r[:width] for r in after] == rows, t
            assert all(v in (None, "") for r in after for v in r[width:]), t  # who: not known for old rows; a sale has no subject (0006)
        assert q(db, "SELECT count(*) FROM staff") == [(0,)] and q(db, "SELECT count(*) FROM audit_log") == [(0,)]
        assert not staff.is_enabled(app.uow())
        new = mark_paid(app, create_draft(app).id)  # staff off: the till works as before
        assert new.display_id == 3
        staff.add_staff("Olga", "owner", "86420135", app.uow())
        assert staff.is_enabled(app.uow()) and audit.verify(app.uow()).ok
    finally:
        app.close()
    con = sqlite3.connect(db)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("DELETE FROM audit_log")
    finally:
        con.close()
