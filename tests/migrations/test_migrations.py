"""Migrations at start-up: a database of the first schema upgrades and keeps every order and
outbox row, a backup is taken first, and a database from a newer Tilldesk is refused untouched."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.bootstrap import start
from app.persistence.db import DatabaseError, head_revision, open_database
from app.services import drafts, orders, queries
from tests.conftest import REPO, create_draft, file_hash, mark_paid, table_counts
from tests.migrations.make_schema_0001 import FIXTURE, build, empty_at_revision

KEPT = ("orders", "payments", "outbox", "draft_orders", "line_items", "invoice_sequences", "counters", "addresses")


def q(path: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def revision(path: Path) -> str:
    return q(path, "SELECT version_num FROM alembic_version")[0][0]


def snapshot(path: Path, like: dict[str, list[tuple]] | None = None) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """Every row of the kept tables. With `like` (an older snapshot), only as many columns as it
    has: migrations append new columns (payments.shift_id in 0005), older values stay as they were."""
    out = {}
    for t in KEPT:
        rows = q(path, f'SELECT * FROM "{t}"')
        width = len(like[t][0]) if like and like[t] else None
        out[t] = sorted(r[:width] for r in rows)
    return out


def kept(after: dict[str, list[tuple]], before: dict[str, list[tuple]]) -> bool:  # type: ignore[type-arg]
    """Every row as it was; columns a later revision appended (who did it, 0004; the outbox's subject,
    0006, "" for a sale) are empty."""
    for table, rows in before.items():
        width = len(rows[0]) if rows else 0
        if [r[:width] for r in after[table]] != rows or any(v not in (None, "") for r in after[table] for v in r[width:]):
            return False
    return True


def columns(path: Path) -> dict[str, list[str]]:
    return {t: [r[1] for r in q(path, f'PRAGMA table_info("{t}")')] for t in KEPT}


def test_a_first_schema_database_made_here_upgrades_and_keeps_everything(tmp_path: Path) -> None:
    db = tmp_path / "till.sqlite"
    empty_at_revision(db, "0001")
    assert revision(db) == "0001"
    assert "prints" not in table_counts(db)
    db.unlink()
    build(db, paid=2)
    before = snapshot(db)
    assert len(before["orders"]) == 2 and len(before["outbox"]) == 2

    app = start(db)
    try:
        assert revision(db) == head_revision() != "0001"
        assert kept(snapshot(db), before)
        backup = app.db.backup_path
        assert backup is not None and backup.exists() and backup.parent == db.parent
        assert "0001" in backup.name
        assert q(backup, "PRAGMA integrity_check") == [("ok",)]
        assert revision(backup) == "0001" and snapshot(backup) == before
        # the upgraded till carries on: orders read back, the invoice sequence continues
        listed = queries.list_orders({}, app.uow())
        assert listed.count == 2 and {e.sync_state for e in listed.entries} == {"queued"}
        for e in listed.entries:
            o = orders.get_order(e.id, app.uow())
            assert o.print_counts == {"a4": 0, "receipt": 0}  # the table 0002 added
        year = datetime.now(UTC).year
        new = mark_paid(app, create_draft(app).id)
        assert new.invoice_number == f"TD-{year}-000003" and new.display_id == 3
    finally:
        app.close()


def test_the_committed_first_schema_fixture_upgrades(tmp_path: Path) -> None:
    db = tmp_path / "till.sqlite"
    shutil.copy(FIXTURE, db)
    assert revision(db) == "0001"
    before = snapshot(db)
    assert len(before["orders"]) >= 3 and all(row[3] == "queued" for row in q(db, "SELECT * FROM outbox"))
    original = file_hash(FIXTURE)
    app = start(db)
    try:
        assert revision(db) == head_revision()
        assert kept(snapshot(db), before)
        assert app.db.backup_path is not None and file_hash(app.db.backup_path) != ""
        assert revision(app.db.backup_path) == "0001"
        totals = [orders.get_order(e.id, app.uow()).totals.total for e in queries.list_orders({}, app.uow()).entries]
        assert len(totals) == len(before["orders"]) and all(t > 0 for t in totals)
        open_drafts = queries.list_drafts({"status": ["open"]}, app.uow())
        assert open_drafts.count == 1
        assert drafts.get_draft(open_drafts.entries[0].id, app.uow()).status == "open"
    finally:
        app.close()
    assert file_hash(FIXTURE) == original


def test_an_up_to_date_database_is_not_backed_up_again(tmp_path: Path) -> None:
    db = tmp_path / "till.sqlite"
    start(db, demo=True).close()
    app = start(db)
    try:
        assert app.db.backup_path is None
    finally:
        app.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["till.sqlite"]


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_database_from_a_newer_tilldesk_is_refused_and_left_unchanged(tmp_path: Path, journal: str) -> None:
    db = tmp_path / "till.sqlite"
    app = start(db, demo=True)
    mark_paid(app, create_draft(app).id)
    app.close()
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = '0999_from_the_future'")
    con.commit()
    con.execute(f"PRAGMA journal_mode={journal}")
    con.close()
    before = file_hash(db)
    names = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(DatabaseError) as exc:
        open_database(db)
    assert "not a Tilldesk database or from a newer Tilldesk" in str(exc.value) and "0999_from_the_future" in str(exc.value)
    assert file_hash(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == names  # no backup, no journal left behind
    res = subprocess.run([sys.executable, "-m", "ui", "--db", str(db), "order", "list"], capture_output=True,
                         text=True, cwd=REPO, timeout=120)
    assert res.returncode == 1 and res.stdout == ""
    assert len(res.stderr.strip().splitlines()) == 1 and "from a newer Tilldesk" in res.stderr
    assert file_hash(db) == before


def test_another_programs_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    import hashlib
    import sqlite3

    from app.persistence.db import DatabaseError, open_database

    other = tmp_path / "notes.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    con.execute("INSERT INTO notes (body) VALUES ('buy milk')")
    con.commit()
    con.close()
    before = hashlib.sha256(other.read_bytes()).hexdigest()
    with pytest.raises(DatabaseError, match="another program"):
        open_database(other)
    assert hashlib.sha256(other.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]


def test_schema_head_constant_is_alembics_head() -> None:
    """Start-up skips alembic for a database already at SCHEMA_HEAD: the constant must follow
    every new migration."""
    from app.persistence.db import SCHEMA_HEAD

    assert SCHEMA_HEAD == head_revision()


QUEUE_AGAIN = ("INSERT INTO outbox (id, order_id, kind, state, step, data, attempts, created_at, updated_at) "
               "SELECT {new_id}, order_id, {kind}, 'queued', 0, '{{}}', 0, created_at, updated_at "
               "FROM outbox WHERE id = ?")


def test_0003_keys_the_outbox_by_order_and_kind_and_keeps_every_row(tmp_path: Path) -> None:
    db = tmp_path / "till.sqlite"
    build(db, paid=2)
    empty_at_revision(db, "0002")  # the till as the second release left it
    assert revision(db) == "0002"
    pushed, unsynced = sorted(r[0] for r in q(db, "SELECT order_id FROM outbox"))
    con = sqlite3.connect(db)
    con.execute("UPDATE outbox SET state = 'synced', step = 6 WHERE order_id = ?", (pushed,))
    con.commit()
    con.close()
    before = sorted(q(db, "SELECT * FROM outbox"))
    width = len(before[0])

    start(db).close()
    assert revision(db) == head_revision()
    # the unsynced sale survives as it was (later revisions only add columns at the end)
    assert sorted(r[:width] for r in q(db, "SELECT * FROM outbox")) == before
    assert q(db, f"SELECT state FROM outbox WHERE order_id = '{unsynced}'") == [("queued",)]

    con = sqlite3.connect(db)
    try:
        row = q(db, f"SELECT * FROM outbox WHERE order_id = '{pushed}'")[0]
        # A second kind for the order already pushed can be queued next to its sale...
        con.execute(QUEUE_AGAIN.format(new_id="'sync_refund_1'", kind="'refund'"), (row[0],))
        con.commit()
        # ...but the same kind twice for one order is still refused.
        with pytest.raises(sqlite3.IntegrityError):
            con.execute(QUEUE_AGAIN.format(new_id="'sync_sale_2'", kind="kind"), (row[0],))
    finally:
        con.close()
    assert sorted(r[0] for r in q(db, f"SELECT kind FROM outbox WHERE order_id = '{pushed}'")) == ["push_order", "refund"]


def test_0005_adds_shifts_and_keeps_every_payment_and_unsynced_sale(tmp_path: Path) -> None:
    from app.services import shifts

    db = tmp_path / "till.sqlite"
    build(db, paid=2)
    empty_at_revision(db, "0003")  # the till as main left it before shifts
    assert revision(db) == "0003"
    before = snapshot(db)
    payments = sorted(q(db, "SELECT * FROM payments"))
    assert len(payments) >= 2

    app = start(db)
    try:
        assert revision(db) == head_revision()  # 0005 and every later revision
        assert snapshot(db, before) == before
        # every payment kept, column for column, with no shift and no staff member
        assert sorted(r[:len(payments[0])] for r in q(db, "SELECT * FROM payments")) == payments
        assert q(db, "SELECT DISTINCT shift_id, staff_id FROM payments") == [(None, None)]
        assert q(db, "SELECT count(*) FROM shifts") == [(0,)]
        assert q(db, "SELECT state FROM outbox") == [("queued",), ("queued",)]
        # and the upgraded till takes a shift, a sale in it and a Z report
        sh = shifts.open_shift({"floats": {"cash": "100.00"}, "currency_code": "usd"}, app.uow()).value.shift
        order = mark_paid(app, create_draft(app).id, {"kind": "cash", "amount": "100"})
        z = shifts.close_shift({"counted": {"cash": str(100 + order.payments[0].amount)}}, app.uow()).value
        assert z.z_number == 1 and z.sales_count == 1 and z.difference_total == 0
        assert q(db, f"SELECT shift_id FROM payments WHERE order_id = '{order.id}'") == [(sh.id,)]
    finally:
        app.close()
    assert q(db, "PRAGMA foreign_key_check") == [] and q(db, "PRAGMA integrity_check") == [("ok",)]


def test_0006_adds_refunds_and_keys_the_outbox_by_subject_keeping_every_row(tmp_path: Path) -> None:
    from app.services import refunds

    db = tmp_path / "till.sqlite"
    build(db, paid=2)
    empty_at_revision(db, "0003")  # the till as main left it before refunds
    assert revision(db) == "0003"
    pushed, unsynced = sorted(r[0] for r in q(db, "SELECT order_id FROM outbox"))
    con = sqlite3.connect(db)
    con.execute("UPDATE outbox SET state = 'in_progress', step = 3, data = '{\"draft_id\": \"order_srv_1\"}' "
                "WHERE order_id = ?", (unsynced,))
    con.execute("UPDATE outbox SET state = 'synced', step = 6, server_order_id = 'order_srv_0' WHERE order_id = ?",
                (pushed,))
    con.commit()
    con.close()
    before = sorted(q(db, "SELECT * FROM outbox"))
    orders_before = sorted(q(db, "SELECT * FROM orders"))

    app = start(db)
    try:
        assert revision(db) == head_revision()  # 0006 and every later revision
        width = len(before[0])
        assert sorted(r[:width] for r in q(db, "SELECT * FROM outbox")) == before
        assert [r[0] for r in q(db, "SELECT subject_id FROM outbox")] == ["", ""]
        order_width = len(orders_before[0])  # 0004 appended who did it (empty for old rows)
        assert sorted(r[:order_width] for r in q(db, "SELECT * FROM orders")) == orders_before
        assert q(db, "SELECT count(*) FROM refunds") == [(0,)] and q(db, "SELECT count(*) FROM returns") == [(0,)]
        # the upgraded till refunds twice on one order: two entries of one kind, told apart by subject
        o = orders.get_order(pushed, app.uow())
        for _ in range(2):
            refunds.refund_order({"order_id": o.id, "amount": "1.00",
                                  "tenders": [{"kind": "cash", "amount": "1.00"}]}, app.uow())
        kinds = sorted(r[0] for r in q(db, f"SELECT kind FROM outbox WHERE order_id = '{pushed}'"))
        assert kinds == ["push_order", "push_refund", "push_refund"]
        numbers = sorted(r[0] for r in q(db, "SELECT credit_note_number FROM refunds"))
        assert [n[-6:] for n in numbers] == ["000001", "000002"]
    finally:
        app.close()
    con = sqlite3.connect(db)
    try:
        with pytest.raises(sqlite3.IntegrityError):  # the same (order, kind, subject) twice is refused
            con.execute("INSERT INTO outbox (id, order_id, kind, subject_id, state, step, data, attempts, "
                        "created_at, updated_at) SELECT 'sync_again', order_id, kind, subject_id, 'queued', 0, "
                        "'{}', 0, created_at, updated_at FROM outbox WHERE kind = 'push_refund' LIMIT 1")
    finally:
        con.close()
