"""Crash safety of a refund: a subprocess refunding one unit is killed with SIGKILL at random
moments; each time the database holds either the whole refund (refund, its credit note number,
its return, its outbox entry, the order's refunded total and payment status) or nothing of it."""

from __future__ import annotations

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

RUNS = 24


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    from app.bootstrap import start

    db = tmp_path_factory.mktemp("crash_refund") / "template.sqlite"
    app = start(db, demo=True)
    try:
        order = mark_paid(app, create_draft(app).id, {"kind": "card", "amount": "58.25", "reference": "A-1"})
    finally:
        app.close()
    return db, order.id, order.items[0].id


def state(db: Path, order_id: str) -> tuple[str, dict]:  # type: ignore[type-arg]
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        order = con.execute("SELECT payment_status, refunded_total FROM orders WHERE id=?", (order_id,)).fetchone()
        refunds = con.execute("SELECT id, credit_note_number, amount FROM refunds").fetchall()
        returns = con.execute("SELECT refund_id, restock FROM returns").fetchall()
        return_ids = [r for (r,) in con.execute("SELECT id FROM returns")]
        outbox = sorted(con.execute("SELECT kind, subject_id, state FROM outbox").fetchall())
        seq = con.execute("SELECT prefix, last_value FROM invoice_sequences WHERE prefix LIKE '%-CN'").fetchall()
    finally:
        con.close()
    facts = dict(order=order, refunds=refunds, returns=returns, outbox=outbox, seq=seq)
    if not refunds:
        assert order == ("captured", "0"), facts
        assert returns == [] and outbox == [("push_order", "", "queued")] and seq in ([], [("TD-CN", 0)]), facts
        return "untouched", facts
    [(refund_id, number, amount)] = refunds
    assert number.startswith("TD-CN-") and number.endswith("-000001") and amount == "16.33", facts
    assert order == ("partially_refunded", "16.33"), facts
    assert returns == [(refund_id, 1)], facts
    # The sale, its refund and the return of the goods, each its own entry (app/sync/returns.py).
    assert outbox == [("push_order", "", "queued"), ("push_refund", refund_id, "queued"),
                      ("push_return", return_ids[0], "queued")], facts
    assert seq == [("TD-CN", 1)], facts
    return "refunded", facts


def test_sigkill_during_a_refund_leaves_the_whole_refund_or_none(template: tuple[Path, str, str],
                                                                  tmp_path: Path) -> None:
    src, order_id, line_id = template
    rnd = random.Random(os.environ.get("TILLDESK_CRASH_SEED", "11"))
    outcomes: Counter[str] = Counter()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for run in range(RUNS):
        db = tmp_path / f"run{run}.sqlite"
        shutil.copy(src, db)
        proc = subprocess.Popen([sys.executable, "-m", "tests.crash.refund_helper", str(db), order_id, line_id],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env)
        try:
            aim = "READY" if run % 2 == 0 else "IN-TXN"
            seen = read_markers(proc, aim, time.monotonic() + 60)
            assert aim in seen, (seen, proc.stderr.read() if proc.poll() is not None else "")
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
        outcome, facts = state(db, order_id)
        if seen[-1] in ("READY", "IN-TXN"):
            assert outcome == "untouched", (seen, facts)
        if seen[-1] in ("COMMITTED", "DONE"):
            assert outcome == "refunded", (seen, facts)
        outcomes[outcome] += 1
        db.unlink()
        for extra in (Path(f"{db}-wal"), Path(f"{db}-shm")):
            extra.unlink(missing_ok=True)
    print(f"\nrefund crash test: {RUNS} SIGKILLs; database found {dict(outcomes)}")
    assert sum(outcomes.values()) == RUNS
