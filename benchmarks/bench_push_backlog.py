"""Push benchmark (not a test): a day offline's backlog of paid orders drained by one round.

Starts a throw-away Medusa 2.21.2 with the test harness, seeds a small catalog, then pushes
three backlogs of ``--orders`` paid orders each (made locally through the services, so each has
its outbox entry):

* **bare**: the same HTTP calls one after the other in a minimal script (create the draft,
  convert, read the pending amount, payment collection, mark as paid; as bench_sync.py does):
  the floor. Run in two halves, before and after the other two, so warm-up favours no side;
* **sequential**: one ``SyncRunner`` push round with ``push_workers=1``;
* **concurrent**: one push round with ``push_workers=--workers`` (``sync_push_concurrency``);
  ``--workers 4,6`` runs one such round (and backlog) per count.

Each Tilldesk round must sync every order of its backlog. Prints the times and the ratios; the
target of issue 13 is concurrent / sequential 0.4 or less.

    .venv/bin/python benchmarks/bench_push_backlog.py [--orders 300] [--workers 4[,6]] [--products 20]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_sync import ADDRESS, bare_push  # noqa: E402  (this script's folder is on the path)

from app.bootstrap import start  # noqa: E402
from app.services import drafts, orders  # noqa: E402
from app.sync.config import BackendConfig  # noqa: E402
from app.sync.engine import PushEngine  # noqa: E402
from app.sync.line import RetryPolicy  # noqa: E402
from app.sync.medusa_v2.bodies import draft_body  # noqa: E402
from app.sync.parallel import DEFAULT_PUSH_CONCURRENCY  # noqa: E402
from app.sync.pull import CatalogPuller  # noqa: E402
from app.sync.registry import open_backend  # noqa: E402
from app.sync.store import SyncStore  # noqa: E402
from app.sync.worker import SyncRunner  # noqa: E402
from tests.medusa_harness.seed import seed_catalog  # noqa: E402
from tests.medusa_harness.server import MedusaServer  # noqa: E402


def paid_orders(app: Any, seed: Any, n: int, label: str) -> list[Any]:
    made = []
    variants = seed.variants
    for i in range(n):
        v = variants[(i * 37) % len(variants)]
        d = drafts.create_draft({
            "region_id": seed.regions["usd"], "sales_channel_id": seed.sales_channel_id,
            "email": f"{label}{i}.{seed.tag}@example.com",
            "items": [{"variant_id": v.id, "quantity": i % 3 + 1},
                      {"title": "Service", "unit_price": "3.35", "quantity": 1}],
            "shipping_address": ADDRESS,
            "shipping_methods": [{"shipping_option_id": seed.shipping_options["usd"]["local"].id}]},
            app.uow()).value
        made.append(orders.mark_paid({"draft_id": d.id}, app.uow()).value)
    return made


def push_round(store: SyncStore, url: str, api_key: str, workers: int, n: int) -> float:
    runner = SyncRunner(store, lambda: open_backend(BackendConfig(url=url, timeout_seconds=120), api_key),
                        auto_pull=False, push_workers=workers, retry_policy=RetryPolicy())
    try:
        t = time.monotonic()
        report = runner.run_once(pull=False, push=True, force=True)
        seconds = time.monotonic() - t
    finally:
        runner.close()
    if report.synced != n or report.error:
        raise SystemExit(f"the round with {workers} worker(s) synced {report.synced} of {n}: {report.error}")
    return seconds


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=300)
    ap.add_argument("--workers", default=str(DEFAULT_PUSH_CONCURRENCY), help="worker counts, comma-separated")
    ap.add_argument("--products", type=int, default=20)
    args = ap.parse_args()
    n = args.orders
    counts = [int(w) for w in str(args.workers).split(",")]
    with MedusaServer() as server, tempfile.TemporaryDirectory() as tmp:
        seed = seed_catalog(server.base_url, server.api_key, n_products=args.products)
        app = start(Path(tmp) / "bench.sqlite", demo=False)
        store = SyncStore(app.uow)
        backend = open_backend(BackendConfig(url=server.base_url, timeout_seconds=120), server.api_key)
        CatalogPuller(store, backend.catalog()).pull()
        print(f"seeded and pulled {len(seed.variants)} variants", flush=True)

        # The floor's orders: their bodies as Tilldesk builds them, then discarded locally.
        t = time.monotonic()
        bare_made = paid_orders(app, seed, n, "bare")
        engine = PushEngine(store, backend)
        bodies = [draft_body(engine.snapshot(orders.get_order(o.id, app.uow()), {})) for o in bare_made]
        for o in bare_made:
            entry = store.for_order(o.id)
            assert entry is not None
            store.discard(entry.id)
        print(f"made {n} paid orders locally in {time.monotonic() - t:.1f} s", flush=True)
        http = httpx.Client(base_url=server.base_url, auth=(server.api_key, ""), timeout=120)
        half = n // 2
        t = time.monotonic()
        for body in bodies[:half]:
            bare_push(http, body)
        bare_s = time.monotonic() - t

        paid_orders(app, seed, n, "seq")
        seq_s = push_round(store, server.base_url, server.api_key, 1, n)
        print(f"sequential: {n} orders in {seq_s:.2f} s", flush=True)
        conc: dict[int, float] = {}
        for w in counts:
            paid_orders(app, seed, n, f"conc{w}-")
            conc[w] = push_round(store, server.base_url, server.api_key, w, n)
            print(f"concurrent ({w} workers): {n} orders in {conc[w]:.2f} s", flush=True)

        t = time.monotonic()
        for body in bodies[half:]:
            bare_push(http, body)
        bare_s += time.monotonic() - t
        http.close()
        backend.close()
        app.close()
    print(f"push backlog of {n} paid orders: bare HTTP one after another {bare_s:.2f} s "
          f"({bare_s / n * 1000:.0f} ms/order); Tilldesk sequential {seq_s:.2f} s ({seq_s / n * 1000:.0f} ms/order)")
    for w, conc_s in conc.items():
        print(f"Tilldesk {w} workers {conc_s:.2f} s ({conc_s / n * 1000:.0f} ms/order): "
              f"concurrent/sequential x{conc_s / seq_s:.2f} (target <= 0.40), concurrent/bare x{conc_s / bare_s:.2f}")
    print(f"sequential/bare x{seq_s / bare_s:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
