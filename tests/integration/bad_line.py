"""Draining a backlog of paid orders through a bad line (issue 16), shared by the medusa test
``test_sync_bad_line.py`` and ``benchmarks/bench_sync_bad_line.py``.

A round is a full one, push then pull, as ``tilldesk sync --once`` runs it: either in this
process (``drain_in_process``, deterministic enough for a test) or as a ``tilldesk sync --once``
subprocess that may be killed with SIGKILL at a random moment (``drain_by_process``). Between
rounds the driver waits until the first backing-off order is due, as the window's worker does.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.bootstrap import start
from app.domain.money import round_money
from app.services import drafts, orders
from app.sync.config import BackendConfig
from app.sync.medusa_v2.client import MedusaClient
from app.sync.registry import open_backend
from app.sync.store import SyncStore, utcnow
from app.sync.worker import SyncRunner

REPO = Path(__file__).resolve().parents[2]

US_ADDRESS = {"first_name": "José", "last_name": "Núñez", "address_1": "350 Fifth Avenue", "city": "New York",
              "province": "NY", "postal_code": "10118", "country_code": "us"}


@dataclass
class DrainResult:
    rounds: int = 0
    kills: int = 0
    seconds: float = 0.0
    pushed_per_round: list[int] = field(default_factory=list)


def paid_backlog(app: Any, seed: Any, n: int, label: str) -> list[Any]:
    """n paid USD orders: a catalog item, a custom item, local delivery, a guest e-mail."""
    made = []
    variants = seed.variants
    for i in range(n):
        v = variants[(i * 7 + 1) % len(variants)]
        d = drafts.create_draft({
            "region_id": seed.regions["usd"], "sales_channel_id": seed.sales_channel_id,
            "email": f"{label}{i}.{seed.tag}@example.com",
            "items": [{"variant_id": v.id, "quantity": i % 3 + 1},
                      {"title": f"Service {i}", "unit_price": "3.35", "quantity": 1}],
            "shipping_address": US_ADDRESS,
            "shipping_methods": [{"shipping_option_id": seed.shipping_options["usd"]["local"].id}]},
            app.uow()).value
        made.append(orders.mark_paid({"draft_id": d.id}, app.uow()).value)
    return made


def pending(store: SyncStore) -> int:
    counts = store.counts()
    return counts["queued"] + counts["in_progress"]


def _wait_until_due(store: SyncStore, cap: float = 30.0) -> None:
    if store.due(utcnow()):
        return
    due_at = store.next_due_at()
    if due_at is not None:
        time.sleep(min(cap, max(0.0, (due_at - utcnow()).total_seconds())))


def drain_in_process(store: SyncStore, url: str, api_key: str, *, max_rounds: int) -> DrainResult:
    """Full rounds (push, then the pull) with a fresh runner and connection each, as
    ``tilldesk sync --once`` does, until nothing is queued. Fails after ``max_rounds``."""
    result = DrainResult()
    started = time.monotonic()
    while pending(store):
        if result.rounds >= max_rounds:
            stuck = [(e.order_id, e.step, e.attempts, e.data.get("pending"), e.last_error)
                     for e in store.entries(["queued", "in_progress"])]
            raise AssertionError(f"not drained in {max_rounds} full rounds: {store.counts()}, "
                                 f"synced per round {result.pushed_per_round}, left: {stuck}")
        _wait_until_due(store)
        runner = SyncRunner(store, lambda: open_backend(BackendConfig(url=url, timeout_seconds=20), api_key))
        try:
            report = runner.run_once(pull=True, push=True, force=True)
        finally:
            runner.close()
        result.rounds += 1
        result.pushed_per_round.append(report.synced)
    result.seconds = time.monotonic() - started
    return result


def _sync_once(db: Path, api_key: str, log: Any) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TILLDESK_MEDUSA_API_KEY": api_key, "PYTHONPATH": str(REPO)}
    code = "import sys; from app.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen([sys.executable, "-c", code, "sync", "--once", "--db", str(db)],
                            cwd=REPO, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)


def drain_by_process(db: Path, api_key: str, *, rng: random.Random, kill_share: float = 0.0,
                     kill_after: tuple[float, float] = (1.0, 4.0), max_rounds: int = 200,
                     log: Any = subprocess.DEVNULL) -> DrainResult:
    """``tilldesk sync --once`` subprocesses until nothing is queued; ``kill_share`` of them get a
    SIGKILL after a random delay (start-up takes about a second, so most die mid-round)."""
    result = DrainResult()
    started = time.monotonic()
    while True:
        probe = start(db)
        try:
            store = SyncStore(probe.uow)
            if not pending(store):
                break
            _wait_until_due(store)
        finally:
            probe.close()
        if result.rounds >= max_rounds:
            raise AssertionError(f"not drained in {max_rounds} rounds")
        proc = _sync_once(db, api_key, log)
        result.rounds += 1
        if rng.random() < kill_share:
            try:
                proc.wait(rng.uniform(*kill_after))
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                result.kills += 1
            proc.wait(60)
        else:
            proc.wait(600)
    result.seconds = time.monotonic() - started
    return result


def check_each_once(base_url: str, api_key: str, store: SyncStore, made: list[Any]) -> list[str]:
    """Problems found: an order missing or doubled on the server, not captured, or a total that
    differs from the till's. Empty when every order is there exactly once with equal totals."""
    problems = []
    with MedusaClient(base_url, api_key, timeout=60) as client:
        for order in made:
            found = (client.find_by_local_id("order", order.id, created_since=None)
                     + client.find_by_local_id("draft_order", order.id, created_since=None))
            if len(found) != 1:
                problems.append(f"{order.id}: {len(found)} on the server")
                continue
            srv = client.get_order(found[0]["id"], fields="id,total,payment_status,currency_code")
            entry = store.for_order(order.id)
            if entry is None or entry.server_order_id != srv["id"]:
                problems.append(f"{order.id}: local record does not name server order {srv['id']}")
            if srv["payment_status"] != "captured":
                problems.append(f"{order.id}: payment {srv['payment_status']}")
            cur = order.currency_code
            theirs = round_money(Decimal(str(srv["total"])), cur)
            if theirs != round_money(order.totals.total, cur):
                problems.append(f"{order.id}: server total {theirs}, till {order.totals.total}")
    return problems
