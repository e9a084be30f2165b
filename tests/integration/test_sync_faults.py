"""Fault tests against a real Medusa 2.21.2: connections dropped at random moments by a TCP proxy,
and the sync process killed with SIGKILL at random points. After recovery every order must be
on the server exactly once, captured, and nothing may be lost. Each test prints (and records as
a junit property) how many faults it injected."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from faultproxy import FaultProxy
from sync_helpers import make_orders, pull, push_until_settled, server_orders_for, till

from app.sync.config import BackendConfig
from app.sync.medusa_v2.client import MedusaClient
from app.sync.registry import open_backend
from app.sync.store import SyncStore
from tests.medusa_harness.seed import seed_catalog

pytestmark = [pytest.mark.medusa, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seed(medusa_server):
    return seed_catalog(medusa_server.base_url, medusa_server.api_key, n_products=5)


def assert_each_once_and_captured(medusa_server, store, made):
    counts = store.counts()
    problems = [(e.order_id, e.last_error) for e in store.entries(["needs_attention"])]
    assert counts["synced"] == len(made), (counts, problems)
    with MedusaClient(medusa_server.base_url, medusa_server.api_key, timeout=60) as client:
        for order in made:
            found = server_orders_for(client, order.id)
            assert len(found) == 1, (order.id, found)
            srv = client.get_order(found[0]["id"], fields="id,status,payment_status,display_id")
            entry = store.for_order(order.id)
            assert (srv["id"], srv["display_id"]) == (entry.server_order_id, entry.server_display_id)
            assert srv["payment_status"] == "captured" and srv["status"] == "pending", srv


def test_dropped_connections_never_lose_or_double_an_order(medusa_server, seed, tmp_path, record_property):
    app, store, direct = till(tmp_path, medusa_server.base_url, medusa_server.api_key)
    pull(store, direct)
    direct.close()
    made = make_orders(app, seed, 12)
    port = int(medusa_server.base_url.rsplit(":", 1)[1])
    with FaultProxy(port, p_before=0.12, p_after=0.12, seed=random.randrange(1 << 30)) as proxy:
        backend = open_backend(BackendConfig(url=proxy.url, timeout_seconds=20), medusa_server.api_key)
        try:
            # Rounds under faults, then the network heals and the rest goes through.
            try:
                push_until_settled(store, backend, timeout=90, unknown_floor=1.0, base_delay=0.2, max_delay=2.0)
            except AssertionError:
                pass
            faults = dict(proxy.faults)
            proxy.set_faults(0.0, 0.0)
            push_until_settled(store, backend, timeout=120, unknown_floor=1.0, base_delay=0.2, max_delay=2.0)
        finally:
            backend.close()
        requests = proxy.requests
    print(f"\nfault proxy: {requests} requests, faults injected: {faults}")
    record_property("faults_injected", faults)
    assert faults.get("dropped_before_request", 0) > 0 and faults.get("dropped_after_request", 0) > 0
    assert_each_once_and_captured(medusa_server, store, made)
    app.close()


def _sync_process(db: Path, api_key: str, log) -> subprocess.Popen:
    env = {**os.environ, "TILLDESK_MEDUSA_API_KEY": api_key, "PYTHONPATH": str(REPO)}
    code = "import sys; from app.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen([sys.executable, "-c", code, "sync", "--push-only", "--interval", "0.2", "--db", str(db)],
                            cwd=REPO, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)


def test_sigkill_at_random_points_never_loses_or_doubles_an_order(medusa_server, seed, tmp_path, record_property):
    app, store, backend = till(tmp_path, medusa_server.base_url, medusa_server.api_key)
    pull(store, backend)
    backend.close()
    made = make_orders(app, seed, 10)
    db = app.db.path
    app.close()
    rng = random.Random()
    kills = mid_request = 0
    log_path = tmp_path / "sync.log"
    with open(log_path, "ab") as log:
        for _ in range(12):
            counts = open_counts(db)
            if counts["queued"] + counts["in_progress"] == 0:
                break
            proc = _sync_process(db, medusa_server.api_key, log)
            try:
                time.sleep(rng.uniform(0.8, 2.5))  # start-up takes about a second
            finally:
                proc.send_signal(signal.SIGKILL)
                proc.wait(30)
            kills += 1
            probe = start_db(db)
            mid_request += sum(1 for e in SyncStore(probe.uow).entries() if e.data.get("pending"))
            probe.close()
        # Recovery: one more run that is allowed to finish.
        proc = _sync_process(db, medusa_server.api_key, log)
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
    print(f"\nSIGKILL: {kills} kills, {mid_request} of them with a server call in flight")
    record_property("sigkills", kills)
    record_property("sigkills_mid_request", mid_request)
    assert kills > 0
    final = start_db(db)
    assert_each_once_and_captured(medusa_server, SyncStore(final.uow), made)
    final.close()


def start_db(db: Path):
    from app.bootstrap import start
    return start(db)


def open_counts(db: Path) -> dict[str, int]:
    probe = start_db(db)
    try:
        return SyncStore(probe.uow).counts()
    finally:
        probe.close()
