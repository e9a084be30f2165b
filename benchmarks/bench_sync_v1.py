"""Sync benchmark for Medusa v1 (not a test): Tilldesk's client against bare HTTP calls, one run.

Starts a throw-away Medusa 1.20.11 with tests/medusa_v1_harness, seeds products, then:

* pull: ``CatalogPuller`` over the v1 catalog (paging, minor units to decimals, SQLite upserts,
  the id pass that mirrors deletions) versus plain ``httpx`` GETs of the same product pages;
* push: paid orders through ``PushEngine`` (persisted steps, a variant check, a pending marker
  commit per server call, the recovery search is not needed on the happy path) versus the three
  bare calls per order (create draft, pay, read the order back).

Both sides use the same admin API token (``x-medusa-access-token``); halves are interleaved.

    .venv/bin/python benchmarks/bench_sync_v1.py [--products 300] [--orders 40]
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

from app.bootstrap import start  # noqa: E402
from app.services import drafts, orders  # noqa: E402
from app.sync.config import BackendConfig  # noqa: E402
from app.sync.engine import PushEngine  # noqa: E402
from app.sync.medusa_v1.bodies import draft_body  # noqa: E402
from app.sync.pull import CatalogPuller  # noqa: E402
from app.sync.registry import open_backend  # noqa: E402
from app.sync.store import SyncStore  # noqa: E402
from tests.medusa_v1_harness.seed import seed_v1  # noqa: E402
from tests.medusa_v1_harness.server import MedusaV1Server  # noqa: E402

ADDRESS = {"first_name": "José", "last_name": "Núñez", "address_1": "350 Fifth Avenue", "city": "New York",
           "province": "NY", "postal_code": "10118", "country_code": "us"}


def bare_pull(http: httpx.Client, page_size: int) -> int:
    offset = n = 0
    while True:
        data = http.get("/admin/products", params={"limit": page_size, "offset": offset, "order": "id",
                                                   "expand": "variants,variants.prices"}).json()
        items = data["products"]
        n += sum(len(p["variants"]) for p in items)
        offset += len(items)
        if not items or offset >= data["count"]:
            return n


def bare_push(http: httpx.Client, body: dict[str, Any]) -> None:
    draft = http.post("/admin/draft-orders", json=body).json()["draft_order"]
    order = http.post(f"/admin/draft-orders/{draft['id']}/pay").json()["order"]
    http.get(f"/admin/orders/{order['id']}").raise_for_status()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--products", type=int, default=300)
    ap.add_argument("--variants", type=int, default=3)
    ap.add_argument("--orders", type=int, default=40)
    ap.add_argument("--page-size", type=int, default=100)
    args = ap.parse_args()
    with MedusaV1Server() as server, tempfile.TemporaryDirectory() as tmp:
        t = time.monotonic()
        seed = seed_v1(server.base_url, server.api_token, n_products=args.products,
                       variants_per_product=args.variants)
        print(f"seeded {len(seed.variants):,} variants in {time.monotonic() - t:.1f} s", flush=True)
        app = start(Path(tmp) / "bench.sqlite", demo=False)
        store = SyncStore(app.uow)
        store.set_setting("backend_kind", "medusa-v1")
        backend = open_backend(BackendConfig(url=server.base_url, kind="medusa-v1", timeout_seconds=120,
                                             page_size=args.page_size), server.api_token)
        http = httpx.Client(base_url=server.base_url, headers={"x-medusa-access-token": server.api_token},
                            timeout=120)
        t = time.monotonic()
        n_bare = bare_pull(http, args.page_size)
        bare1 = time.monotonic() - t
        puller = CatalogPuller(store, backend.catalog(), page_size=args.page_size)
        puller.pull(["regions", "tax_rates", "sales_channels", "shipping_options", "customers", "promotions"])
        t = time.monotonic()
        rep = puller.pull(["products"], full=True)
        client_pull = time.monotonic() - t
        t = time.monotonic()
        bare_pull(http, args.page_size)
        bare_pull_s = (bare1 + time.monotonic() - t) / 2
        n_local = len(store.local_ids("variants"))
        print(f"pull {n_local:,} variants ({rep.kinds['products'].fetched:,} products): Tilldesk {client_pull:.2f} s, "
              f"bare HTTP {bare_pull_s:.2f} s ({n_bare:,} variants) -> overhead x{client_pull / bare_pull_s:.2f}",
              flush=True)
        assert n_local == n_bare

        made = []
        for i in range(args.orders * 2):
            v = seed.variants[(i * 37) % len(seed.variants)]
            d = drafts.create_draft({
                "region_id": seed.regions["usd"], "email": f"bench{i}@example.com",
                "items": [{"variant_id": v.id, "quantity": i % 3 + 1},
                          {"title": "Service", "unit_price": "3.35", "quantity": 1}],
                "shipping_address": ADDRESS,
                "shipping_methods": [{"shipping_option_id": seed.shipping_options["usd"]["standard"]}]},
                app.uow()).value
            made.append(orders.mark_paid({"draft_id": d.id}, app.uow()).value)
        engine = PushEngine(store, backend)
        bare_orders, client_orders = made[1::2], made[0::2]
        bodies = {o.id: draft_body(engine.snapshot(orders.get_order(o.id, app.uow()), {})) for o in bare_orders}
        for o in bare_orders:
            entry = store.for_order(o.id)
            assert entry is not None
            store.discard(entry.id)
        client_push = bare_push_s = 0.0
        half = args.orders // 2
        for part in range(2):
            t = time.monotonic()
            for o in bare_orders[part * half:(part + 1) * half]:
                bare_push(http, bodies[o.id])
            bare_push_s += time.monotonic() - t
            t = time.monotonic()
            for o in client_orders[part * half:(part + 1) * half]:
                entry = store.for_order(o.id)
                assert entry is not None
                res = engine.push_one(entry.id)
                assert res.state == "synced", res
            client_push += time.monotonic() - t
        n = half * 2
        print(f"push {n} orders: Tilldesk {client_push:.2f} s ({client_push / n * 1000:.0f} ms/order), "
              f"bare HTTP {bare_push_s:.2f} s ({bare_push_s / n * 1000:.0f} ms/order) "
              f"-> overhead x{client_push / bare_push_s:.2f}", flush=True)
        http.close()
        backend.close()
        app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
