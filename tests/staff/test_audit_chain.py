"""The audit chain against plain SQL: a changed, deleted, inserted or reordered row is found and
named by `tilldesk audit verify` (exit 1); an intact log exits 0. A log rewritten whole, hashes
and all, still fails against the head hash a pushed order carried."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.cli.main import main
from app.domain.audit import entry_hash
from app.services import audit, staff
from tests.staff.conftest import add_team, as_

Tamper = Callable[[sqlite3.Connection], None]


def sql(db: Path, *statements: str) -> None:
    con = sqlite3.connect(db)
    try:
        # The triggers stop an accident; someone set on rewriting history drops them first.
        con.execute("DROP TRIGGER audit_log_no_update")
        con.execute("DROP TRIGGER audit_log_no_delete")
        for s in statements:
            con.execute(s)
        con.commit()
    finally:
        con.close()


def verify(db: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict[str, Any], str]:
    capsys.readouterr()
    rc = main(["--db", str(db), "audit", "verify", *extra])
    out = capsys.readouterr()
    return rc, json.loads(out.out), out.err


@pytest.fixture
def logged(app: Any) -> Path:
    """Seven entries: Olga added, her sign-in, Mia and Cam added, Cam's sign-in, a wrong PIN, a sign-out."""
    team = app
    add_team(team, open_shift=False)  # no shift: its opening would be an eighth entry
    actor = as_(team, "Cam")
    with pytest.raises(staff.WrongPin):
        staff.sign_in("Mia", "0000", team.uow())
    staff.sign_out(actor, team.uow())
    assert [e.seq for e in audit.list_entries(team.uow())] == [1, 2, 3, 4, 5, 6, 7]
    team.close()
    return team.db.path  # type: ignore[no-any-return]


def test_an_intact_log_verifies(logged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, report, err = verify(logged, capsys)
    assert (rc, report["ok"], report["entries"], report["intact"], report["first_bad"], err) == (
        0, True, 7, 7, None, "")


def test_the_table_refuses_update_and_delete(logged: Path) -> None:
    con = sqlite3.connect(logged)
    try:
        for stmt in ("UPDATE audit_log SET action = 'x' WHERE seq = 2", "DELETE FROM audit_log WHERE seq = 7"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                con.execute(stmt)
    finally:
        con.close()


def _row(db: Path, seq: int) -> tuple[Any, ...]:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT * FROM audit_log WHERE seq = ?", (seq,)).fetchone()  # type: ignore[no-any-return]
    finally:
        con.close()


@pytest.mark.parametrize(("how", "first_bad", "reason"), [
    ("changed", 4, "contents were changed"),
    ("deleted", 4, "entry 3 is missing"),
    ("inserted", 5, "does not follow"),
    ("appended", 8, "contents were changed"),
    ("reordered", 3, "does not follow"),
])
def test_tampering_is_found_and_the_first_bad_entry_named(logged: Path, capsys: pytest.CaptureFixture[str],
                                                          how: str, first_bad: int, reason: str) -> None:
    if how == "changed":  # Olga's new cashier becomes a manager
        sql(logged, "UPDATE audit_log SET details = replace(details, 'cashier', 'manager') WHERE seq = 4")
    elif how == "deleted":
        sql(logged, "DELETE FROM audit_log WHERE seq = 3")
    elif how == "inserted":  # a correctly hashed entry 4 slipped in after entry 3, the old 4 on move up:
        # the forged entry itself checks out, the one after it can no longer follow it
        seq3 = _row(logged, 3)
        body = {"seq": 4, "at": seq3[1], "till": seq3[2], "staff": None, "action": "sign_in", "subject": None,
                "details": {}}
        forged = entry_hash(seq3[8], body)
        sql(logged, "UPDATE audit_log SET seq = seq + 100 WHERE seq > 3",
            "UPDATE audit_log SET seq = seq - 99 WHERE seq > 100",
            f"INSERT INTO audit_log VALUES (4, '{seq3[1]}', '{seq3[2]}', NULL, 'sign_in', NULL, '{{}}', "
            f"'{seq3[8]}', '{forged}')")
    elif how == "appended":
        sql(logged, "INSERT INTO audit_log SELECT 8, at, till, staff_id, action, subject, details, hash, "
                    "'0000' FROM audit_log WHERE seq = 7")
    else:  # entries 3 and 4 swap places
        sql(logged, "UPDATE audit_log SET seq = 100 WHERE seq = 3", "UPDATE audit_log SET seq = 3 WHERE seq = 4",
            "UPDATE audit_log SET seq = 4 WHERE seq = 100")
    rc, report, err = verify(logged, capsys)
    assert rc == 1 and not report["ok"]
    assert report["first_bad"]["seq"] == first_bad and reason in report["first_bad"]["reason"]
    assert report["intact"] == (2 if how == "deleted" else first_bad - 1)  # entries that check out
    assert err.startswith(f"tilldesk: audit entry {first_bad}: ") and len(err.strip().splitlines()) == 1


def test_a_log_rewritten_whole_no_longer_holds_the_head_the_server_saw(
        logged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, report, _ = verify(logged, capsys)
    pushed_head = report["head"]
    assert verify(logged, capsys, "--head", pushed_head)[0] == 0
    # Rewrite entry 3 and recompute every hash after it, as someone who read this code would.
    con = sqlite3.connect(logged)
    rows = con.execute("SELECT * FROM audit_log ORDER BY seq").fetchall()
    con.close()
    prev, statements = rows[1][8], ["UPDATE audit_log SET seq = seq + 100 WHERE seq >= 3",
                                    "DELETE FROM audit_log WHERE seq > 100"]
    for r in rows[2:]:
        details = json.loads(r[6].replace("cashier", "manager"))
        body = {"seq": r[0], "at": r[1], "till": r[2], "staff": r[3], "action": r[4], "subject": r[5],
                "details": details}
        h = entry_hash(prev, body)
        text = json.dumps(details, sort_keys=True, separators=(",", ":"))
        staff_sql = f"'{r[3]}'" if r[3] else "NULL"
        statements.append(f"INSERT INTO audit_log VALUES ({r[0]}, '{r[1]}', '{r[2]}', {staff_sql}, '{r[4]}', "
                          f"'{r[5]}', '{text}', '{prev}', '{h}')")
        prev = h
    sql(logged, *statements)
    assert verify(logged, capsys)[0] == 0  # locally consistent...
    rc, report, err = verify(logged, capsys, "--head", pushed_head)
    assert rc == 1 and "not in this log" in report["first_bad"]["reason"]  # ...but not what the server saw
