"""SIGKILL of a v1 push at each point around its server calls (before and after: the draft
created, ``/pay`` sent, the order read back), against the real Medusa 1.20.11. v1 has no
idempotency, so after each kill a fresh push must find what the killed one made: the order ends
on the server exactly once (one draft, one order), captured, with the till's total."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time

import pytest

from app.domain.totals_v1 import to_minor
from app.sync.medusa_v1.client import MedusaV1Client
from app.sync.pull import CatalogPuller
from tests.conftest import REPO
from tests.integration.sync_helpers import push_until_settled
from tests.integration.v1_helpers import make_v1_orders, v1_drafts_for, v1_orders_for, v1_till
from tests.medusa_v1_harness.seed import seed_v1

pytestmark = [pytest.mark.medusa, pytest.mark.slow]

POINTS = [f"{w}:{c}" for c in ("create_draft_order", "pay_draft_order", "get_order") for w in ("before", "after")]


@pytest.fixture(scope="module")
def seed(medusa_v1_server):
    return seed_v1(medusa_v1_server.base_url, medusa_v1_server.api_token, n_products=3)


def kill_at(db, url: str, token: str, order_id: str, point: str, log) -> str:
    env = {**os.environ, "TILLDESK_MEDUSA_API_KEY": token, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "tests.crash.v1_push_helper", str(db), url, order_id, point],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=log,
                            stdin=subprocess.DEVNULL, text=True)
    try:
        deadline = time.monotonic() + 120
        line = ""
        while time.monotonic() < deadline and proc.poll() is None:
            ready, _, _ = select.select([proc.stdout], [], [], 1.0)
            if ready:
                line = proc.stdout.readline().strip()
                if line:
                    break
        return line
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        proc.stdout.close()


def test_sigkill_at_each_v1_push_point_leaves_each_order_once_and_paid(medusa_v1_server, seed, tmp_path):
    srv = medusa_v1_server
    app, store, backend = v1_till(tmp_path, srv.base_url, srv.api_token)
    CatalogPuller(store, backend.catalog()).pull()
    made = make_v1_orders(app, seed, len(POINTS))
    db = app.db.path
    reached = {}
    with open(tmp_path / "helper.log", "w") as log:
        for order, point in zip(made, POINTS, strict=True):
            reached[point] = kill_at(db, srv.base_url, srv.api_token, order.id, point, log)
    assert reached == {p: f"AT {p}" for p in POINTS}, (reached, (tmp_path / "helper.log").read_text()[-2000:])
    push_until_settled(store, backend, timeout=180, unknown_floor=1.0, base_delay=0.2, max_delay=1.0)
    backend.close()
    problems = [(e.order_id, e.last_error) for e in store.entries(["needs_attention"])]
    assert not problems, problems
    with MedusaV1Client(srv.base_url, srv.api_token, timeout=60) as client:
        for order, point in zip(made, POINTS, strict=True):
            found = v1_orders_for(client, order.id)
            assert len(found) == 1, (point, [f["id"] for f in found])
            assert len(v1_drafts_for(client, order.id)) == 1, point
            got = client.get_order(found[0]["id"])
            assert got["payment_status"] == "captured", (point, got["payment_status"])
            assert got["total"] == to_minor(order.totals.total, order.currency_code), point
            assert store.for_order(order.id).server_display_id == got["display_id"], point
    app.close()
