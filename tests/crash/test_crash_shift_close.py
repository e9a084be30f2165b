"""Crash safety of closing a shift: a subprocess closing it is killed with SIGKILL at random
moments; each time the database holds either the shift closed with its Z number, counted amounts
and its whole report, or the shift still open with no Z number taken, never a half."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import REPO, create_draft, mark_paid
from tests.crash.test_crash_mark_paid import read_markers

RUNS = 30


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app.bootstrap import start
    from app.services import shifts

    db = tmp_path_factory.mktemp("crash-shift") / "template.sqlite"
    app = start(db, demo=True)
    try:
        shifts.open_shift({"floats": {"cash": "150.00"}}, app.uow())
        mark_paid(app, create_draft(app).id, {"kind": "cash", "amount": "100"})
        mark_paid(app, create_draft(app).id, {"kind": "card", "amount": "58.25"})
        shifts.cash_in({"amount": "20.00", "reason": "change"}, app.uow())
    finally:
        app.close()
    assert not Path(f"{db}-wal").exists()
    return db


def state(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        [(closed_at, z, counted, report)] = con.execute("SELECT closed_at, z_number, counted, report FROM shifts")
        counters = dict(con.execute("SELECT name, value FROM counters").fetchall())
    finally:
        con.close()
    z_counters = {k: v for k, v in counters.items() if k.startswith("z:")}
    if closed_at is None:
        assert z is None and counted is None and report is None, (z, counted, report)
        assert z_counters == {}, z_counters  # no Z number was used up
        return "open"
    assert z == 1 and list(z_counters.values()) == [1]
    assert json.loads(counted) == {"cash": "300", "card": "58.25"}
    r = json.loads(report)
    # the whole report: 150 + 58.25 + 20 expected in cash, 300 counted
    assert r["z_number"] == 1 and r["tenders"]["cash"]["expected"] == "228.25"
    assert r["tenders"]["cash"]["difference"] == "71.75" and r["sales_count"] == 2 and r["gross"] == "116.5"
    return "closed"


def test_sigkill_during_shift_close_leaves_it_closed_with_its_report_or_open(template: Path, tmp_path: Path) -> None:
    rnd = random.Random(os.environ.get("TILLDESK_CRASH_SEED", "10"))
    outcomes: Counter[str] = Counter()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for run in range(RUNS):
        db = tmp_path / f"run{run}.sqlite"
        shutil.copy(template, db)
        proc = subprocess.Popen([sys.executable, "-m", "tests.crash.shift_close_helper", str(db)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env)
        try:
            aim = "READY" if run % 2 == 0 else "IN-TXN"
            seen = read_markers(proc, aim, time.monotonic() + 60)
            assert aim in seen, (seen, proc.stderr.read() if proc.poll() is not None else "")  # type: ignore[union-attr]
            time.sleep(rnd.uniform(0, 0.12) if aim == "READY" else rnd.uniform(0, 0.03))
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            seen += read_markers(proc, None, time.monotonic() + 5)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()  # type: ignore[union-attr]
            proc.stderr.close()  # type: ignore[union-attr]
        outcome = state(db)
        last = seen[-1]
        if last in ("READY", "IN-TXN"):
            assert outcome == "open", seen
        if last in ("COMMITTED", "DONE"):
            assert outcome == "closed", seen
        outcomes[outcome] += 1
        if outcome == "open" and run % 10 == 1:  # what survived opens and closes as Z1
            from app.bootstrap import start
            from app.services import shifts

            app = start(db)
            try:
                assert shifts.close_shift({"counted": {"cash": "1"}}, app.uow()).value.z_number == 1
            finally:
                app.close()
        for f in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            f.unlink(missing_ok=True)
    print(f"\nshift close crash test: {RUNS} SIGKILLs; database found {dict(outcomes)}")
    assert sum(outcomes.values()) == RUNS
