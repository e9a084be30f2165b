"""Several orders pushed at once (issue 13) against a real Medusa 2.21.2: through a fault proxy
that cuts requests before and after the server acted, and in a sync process killed with SIGKILL
at random moments. Every order must end on the server exactly once, captured, with the till's
totals. No timing assertions; each test prints the faults it injected."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from bad_line import check_each_once, paid_backlog, pending
from faultproxy import FaultProxy
from sync_helpers import pull, till
from test_sync_faults import _sync_process, open_counts, start_db

from app.sync.config import BackendConfig
from app.sync.line import RetryPolicy
from app.sync.parallel import PUSH_CONCURRENCY_KEY
from app.sync.registry import open_backend
from app.sync.store import SyncStore, utcnow
from app.sync.worker import SyncRunner
from tests.medusa_harness.seed import seed_catalog

pytestmark = [pytest.mark.medusa, pytest.mark.slow]

WORKERS = 4


def _steps_done(db: Path) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=15)
    try:
        return int(con.execute("SELECT coalesce(sum(step), 0) FROM outbox").fetchone()[0])
    finally:
        con.close()


def _under_way(db: Path, proc: subprocess.Popen, before: int, timeout: float = 60.0) -> None:
    """Wait until the sync process has committed a step of its own, so the kill lands mid-round
    however slow the start-up is on a busy machine."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None and _steps_done(db) <= before:
        time.sleep(0.1)


@pytest.fixture(scope="module")
def seed(medusa_server):
    return seed_catalog(medusa_server.base_url, medusa_server.api_key, n_products=4)


def test_a_concurrent_push_through_a_faulty_line_sends_each_order_once(medusa_server, seed, tmp_path,
                                                                        record_property):
    app, store, direct = till(tmp_path, medusa_server.base_url, medusa_server.api_key)
    pull(store, direct)
    direct.close()
    made = paid_backlog(app, seed, 30, "conc")
    port = int(medusa_server.base_url.rsplit(":", 1)[1])
    rounds = []
    with FaultProxy(port, p_before=0.08, p_after=0.08, seed=13) as proxy:
        def backend():
            return open_backend(BackendConfig(url=proxy.url, timeout_seconds=20), medusa_server.api_key)
        while pending(store) and len(rounds) < 10:
            due_at = store.next_due_at()
            if not store.due(utcnow()) and due_at is not None:
                time.sleep(min(10.0, max(0.0, (due_at - utcnow()).total_seconds())))
            runner = SyncRunner(store, backend, auto_pull=False, push_workers=WORKERS,
                                retry_policy=RetryPolicy(unknown_floor_seconds=0.5),
                                engine_options={"unknown_floor": 0.5, "base_delay": 0.2, "max_delay": 2.0})
            try:
                rounds.append(runner.run_once(pull=False, force=True).synced)
            finally:
                runner.close()
        faults, requests = dict(proxy.faults), proxy.requests
    print(f"\nconcurrent push ({WORKERS} workers): synced per round {rounds}; {requests} requests, faults {faults}")
    record_property("faults_injected", faults)
    assert faults.get("dropped_before_request", 0) > 0 and faults.get("dropped_after_request", 0) > 0
    assert store.counts()["synced"] == len(made), [(e.order_id, e.last_error) for e in store.entries()]
    assert check_each_once(medusa_server.base_url, medusa_server.api_key, store, made) == []
    app.close()


def test_sigkill_of_a_concurrent_push_never_loses_or_doubles_an_order(medusa_server, seed, tmp_path,
                                                                       record_property):
    app, store, backend = till(tmp_path, medusa_server.base_url, medusa_server.api_key)
    pull(store, backend)
    backend.close()
    made = paid_backlog(app, seed, 16, "kill")
    store.set_setting(PUSH_CONCURRENCY_KEY, WORKERS)
    db = app.db.path
    app.close()
    rng = random.Random()
    kills, in_flight_at_kill = 0, []
    with open(tmp_path / "sync.log", "ab") as log:
        for _ in range(8):
            counts = open_counts(db)
            if counts["queued"] + counts["in_progress"] == 0:
                break
            before = _steps_done(db)
            proc = _sync_process(db, medusa_server.api_key, log)
            try:
                _under_way(db, proc, before)
                time.sleep(rng.uniform(0.0, 1.5))
            finally:
                proc.send_signal(signal.SIGKILL)
                proc.wait(30)
            kills += 1
            probe = start_db(db)
            in_flight_at_kill.append(sum(1 for e in SyncStore(probe.uow).entries() if e.data.get("pending")))
            probe.close()
        proc = _sync_process(db, medusa_server.api_key, log)  # recovery: allowed to finish
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                counts = open_counts(db)
                if counts["queued"] + counts["in_progress"] == 0:
                    break
                time.sleep(0.5)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
    print(f"\nSIGKILL of a {WORKERS}-worker push: {kills} kills, server calls in flight at each: {in_flight_at_kill}")
    record_property("sigkills", kills)
    record_property("calls_in_flight_at_kills", in_flight_at_kill)
    assert kills > 0
    final = start_db(db)
    store = SyncStore(final.uow)
    assert store.counts()["synced"] == len(made), [(e.order_id, e.last_error) for e in store.entries()]
    assert check_each_once(medusa_server.base_url, medusa_server.api_key, store, made) == []
    final.close()
