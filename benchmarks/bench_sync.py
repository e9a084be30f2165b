"""Sync benchmark (not a test): Tilldesk's client against the bare HTTP calls of a minimal script.

Starts a throw-away Medusa 2.21.2 with the test harness, seeds about 5,000 variants, then:

* pull: ``CatalogPuller`` (paging, mapping, SQLite upserts, the id-set pass for deletions)
  versus a loop of plain ``httpx`` GETs of the same product pages;
* push: 100 paid orders through ``PushEngine`` (six persisted steps, a variant check and a
  pending marker commit per server call) versus the five bare calls per order
  (create draft, convert, read the pending amount, payment collection, mark as paid).

Both sides use the same secret API key (HTTP Basic). Halves are interleaved so server warm-up
does not favour either side. Prints the times and the client's overhead ratio.

    .venv/bin/python benchmarks/bench_sync.py [--products 1700] [--orders 100]
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
from app.sync.medusa_v2.bodies import draft_body  # noqa: E402
from app.sync.medusa_v2.catalog import _SOURCES  # noqa: E402
from app.sync.medusa_v2.wire import dumps_json  # noqa: E402
from app.sync.pull import CatalogPuller  # noqa: E402
from app.sync.registry import open_backend  # noqa: E402
from app.sync.store import OutboxEntry, SyncStore  # noqa: E402
from tests.medusa_harness.seed import seed_catalog  # noqa: E402
from tests.medusa_harness.server import MedusaServer  # noqa: E402

ADDRESS = {"first_name": "José", "last_name": "Núñez", "address_1": "350 Fifth Avenue", "city": "New York",
           "province": "NY", "postal_code": "10118", "country_code": "us"}


def bare_pull(http: httpx.Client, page_size: int) -> int:
    path, key, fields = _SOURCES["products"]
    offset = n = 0
    while True:
        data = http.get(path, params={"limit": page_size, "offset": offset, "order": "id", "fields": fields}).json()
        items = data[key]
        n += sum(len(p["variants"]) for p in items)
        offset += len(items)
        if not items or offset >= data["count"]:
            return n


def _entry(store: SyncStore, order_id: str) -> OutboxEntry:
    entry = store.for_order(order_id)
    assert entry is not None, f"order {order_id} has no outbox entry"
    return entry


def bare_push(http: httpx.Client, body: dict[str, Any]) -> None:
    headers = {"Content-Type": "application/json"}
    draft = http.post("/admin/draft-orders", content=dumps_json(body), headers=headers).json()["draft_order"]
    http.post(f"/admin/draft-orders/{draft['id']}/convert-to-order").raise_for_status()
    order = http.get(f"/admin/orders/{draft['id']}", params={"fields": "id,summary"}).json()["order"]
    amount = order["summary"]["raw_pending_difference"]["value"]
    pc = http.post("/admin/payment-collections", content=f'{{"order_id":"{draft["id"]}","amount":{amount}}}',
                   headers=headers).json()["payment_collection"]
    http.post(f"/admin/payment-collections/{pc['id']}/mark-as-paid", content=f'{{"order_id":"{draft["id"]}"}}',
              headers=headers).raise_for_status()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--products", type=int, default=1700)
    ap.add_argument("--variants", type=int, default=3)
    ap.add_argument("--orders", type=int, default=100)
    ap.add_argument("--page-size", type=int, default=100)
    args = ap.parse_args()
    with MedusaServer() as server, tempfile.TemporaryDirectory() as tmp:
        t = time.monotonic()
        seed = seed_catalog(server.base_url, server.api_key, n_products=args.products,
                            variants_per_product=args.variants)
        print(f"seeded {len(seed.variants):,} variants in {time.monotonic() - t:.1f} s", flush=True)
        app = start(Path(tmp) / "bench.sqlite", demo=False)
        store = SyncStore(app.uow)
        backend = open_backend(BackendConfig(url=server.base_url, timeout_seconds=120, page_size=args.page_size),
                               server.api_key)
        http = httpx.Client(base_url=server.base_url, auth=(server.api_key, ""), timeout=120)

        # -- pull: bare products pages vs the full product pull (interleaved: bare, client, bare)
        t = time.monotonic()
        n_bare = bare_pull(http, args.page_size)
        bare1 = time.monotonic() - t
        puller = CatalogPuller(store, backend.catalog(), page_size=args.page_size)
        puller.pull([k for k in ("regions", "tax_rates", "sales_channels", "shipping_options")])
        t = time.monotonic()
        rep = puller.pull(["products"], full=True)
        client_pull = time.monotonic() - t
        t = time.monotonic()
        bare_pull(http, args.page_size)
        bare2 = time.monotonic() - t
        bare_pull_s = (bare1 + bare2) / 2
        n_local = len(store.local_ids("variants"))
        print(f"pull {n_local:,} variants ({rep.kinds['products'].fetched:,} products): Tilldesk {client_pull:.2f} s, "
              f"bare HTTP {bare_pull_s:.2f} s ({n_bare:,} variants) -> overhead x{client_pull / bare_pull_s:.2f}",
              flush=True)
        assert n_local == n_bare

        # -- push: 2 x n paid orders, half pushed by Tilldesk, half by the bare script
        variants = seed.variants
        made = []
        for i in range(args.orders * 2):
            v = variants[(i * 37) % len(variants)]
            d = drafts.create_draft({
                "region_id": seed.regions["usd"], "sales_channel_id": seed.sales_channel_id,
                "email": f"bench{i}@example.com",
                "items": [{"variant_id": v.id, "quantity": i % 3 + 1},
                          {"title": "Service", "unit_price": "3.35", "quantity": 1}],
                "shipping_address": ADDRESS,
                "shipping_methods": [{"shipping_option_id": seed.shipping_options["usd"]["local"].id}]},
                app.uow()).value
            made.append(orders.mark_paid({"draft_id": d.id}, app.uow()).value)
        engine = PushEngine(store, backend)
        bare_ids = {o.id for o in made[1::2]}
        bodies = {o.id: draft_body(engine.snapshot(orders.get_order(o.id, app.uow()), {})) for o in made[1::2]}
        # The bare side's orders are not pushed by the engine: mark them discarded locally.
        for o in made[1::2]:
            store.discard(_entry(store, o.id).id)
        client_push = bare_push_s = 0.0
        half = args.orders // 2
        client_orders = [o for o in made if o.id not in bare_ids]
        bare_orders = [o for o in made if o.id in bare_ids]
        for part in range(2):
            t = time.monotonic()
            for o in bare_orders[part * half:(part + 1) * half]:
                bare_push(http, bodies[o.id])
            bare_push_s += time.monotonic() - t
            t = time.monotonic()
            for o in client_orders[part * half:(part + 1) * half]:
                res = engine.push_one(_entry(store, o.id).id)
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
