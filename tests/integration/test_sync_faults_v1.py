"""Fault tests against a real Medusa 1.20.11, which has no idempotency at all: connections cut at
random moments by the TCP proxy, and the sync process (``tilldesk sync``, kind medusa-v1) killed
with SIGKILL at random points. Afterwards every order is on the server exactly once, paid, with the
till's total. Each test prints (and records as a junit property) how many faults it injected."""

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
from sync_helpers import push_until_settled
from v1_helpers import make_v1_orders, v1_drafts_for, v1_orders_for, v1_till

from app.domain.totals_v1 import to_minor
from app.sync.config import BackendConfig
from app.sync.medusa_v1.client import MedusaV1Client
from app.sync.pull import CatalogPuller
from app.sync.registry import open_backend
from app.sync.store import SyncStore
from tests.medusa_v1_harness.seed import seed_v1

pytestmark = [pytest.mark.medusa, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seed(medusa_v1_server):  # noqa: F811
    return seed_v1(medusa_v1_server.base_url, medusa_v1_server.api_token, n_products=4)


def assert_each_once_and_paid(server, store, made):
    problems = [(e.order_id, e.last_error) for e in store.entries(["needs_attention"])]
    assert store.counts()["synced"] == len(made), (store.counts(), problems)
    with MedusaV1Client(server.base_url, server.api_token, timeout=60) as client:
        for order in made:
            found = v1_orders_for(client, order.id)
            assert len(found) == 1, (order.id, [f["id"] for f in found])
            assert len(v1_drafts_for(client, order.id)) == 1, order.id
            got = client.get_order(found[0]["id"])
            assert got["payment_status"] == "captured", got["payment_status"]
            assert got["total"] == to_minor(order.totals.total, order.currency_code)
            assert store.for_order(order.id).server_display_id == got["display_id"]


def test_cut_connections_never_lose_or_double_a_v1_order(medusa_v1_server, seed, tmp_path, record_property):  # noqa: F811
    srv = medusa_v1_server
    app, store, direct = v1_till(tmp_path, srv.base_url, srv.api_token)
    CatalogPuller(store, direct.catalog()).pull()
    direct.close()
    made = make_v1_orders(app, seed, 12)
    port = int(srv.base_url.rsplit(":", 1)[1])
    with FaultProxy(port, p_before=0.12, p_after=0.12, seed=random.randrange(1 << 30)) as proxy:
        backend = open_backend(BackendConfig(url=proxy.url, kind="medusa-v1", timeout_seconds=20), srv.api_token)
        try:
            try:
                push_until_settled(store, backend, timeout=90, unknown_floor=1.0, base_delay=0.2, max_delay=2.0)
            except AssertionError:
                pass
            faults = dict(proxy.faults)
            proxy.set_faults(0.0, 0.0)
            push_until_settled(store, backend, timeout=120, unknown_floor=1.0, base_delay=0.2, max_delay=2.0)
        finally:
            backend.close()
    print(f"\nfault proxy (v1): faults injected: {faults}")
    record_property("v1_faults_injected", faults)
    assert faults.get("dropped_before_request", 0) > 0 and faults.get("dropped_after_request", 0) > 0
    assert_each_once_and_paid(srv, store, made)
    app.close()


def _sync_process(db: Path, token: str, log) -> subprocess.Popen:
    env = {**os.environ, "TILLDESK_MEDUSA_API_KEY": token, "PYTHONPATH": str(REPO)}
    code = "import sys; from app.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen([sys.executable, "-c", code, "sync", "--push-only", "--interval", "0.2", "--db", str(db)],
                            cwd=REPO, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)


def _counts(db: Path) -> dict[str, int]:
    from app.bootstrap import start

    probe = start(db)
    try:
        return SyncStore(probe.uow).counts()
    finally:
        probe.close()


def test_sigkill_at_random_points_never_loses_or_doubles_a_v1_order(medusa_v1_server, seed, tmp_path,  # noqa: F811
                                                                     record_property):
    from app.bootstrap import start

    srv = medusa_v1_server
    app, store, backend = v1_till(tmp_path, srv.base_url, srv.api_token)
    CatalogPuller(store, backend.catalog()).pull()
    backend.close()
    made = make_v1_orders(app, seed, 10)
    db = app.db.path
    app.close()
    rng = random.Random()
    kills = mid_request = 0
    with open(tmp_path / "sync.log", "ab") as log:
        for _ in range(12):
            counts = _counts(db)
            if counts["queued"] + counts["in_progress"] == 0:
                break
            proc = _sync_process(db, srv.api_token, log)
            try:
                time.sleep(rng.uniform(1.5, 6.0))  # start-up takes a second or more on a busy machine
            finally:
                proc.send_signal(signal.SIGKILL)
                proc.wait(30)
            kills += 1
            probe = start(db)
            mid_request += sum(1 for e in SyncStore(probe.uow).entries() if e.data.get("pending"))
            probe.close()
        proc = _sync_process(db, srv.api_token, log)
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                counts = _counts(db)
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
    print(f"\nSIGKILL (v1): {kills} kills, {mid_request} of them with a server call in flight")
    record_property("v1_sigkills", kills)
    record_property("v1_sigkills_mid_request", mid_request)
    assert kills > 0
    final = start(db)
    assert_each_once_and_paid(srv, SyncStore(final.uow), made)
    final.close()
