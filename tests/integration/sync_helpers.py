"""Shared set-up for the sync integration tests: a till database pulled from a seeded server,
and varied paid orders made through the services."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import httpx

from app.bootstrap import start
from app.domain.catalog import Customer
from app.services import drafts, orders
from app.sync.config import BackendConfig
from app.sync.engine import PushEngine
from app.sync.medusa_v2.client import MedusaClient
from app.sync.pull import CatalogPuller
from app.sync.registry import open_backend
from app.sync.store import SyncStore, utcnow

US_ADDRESS = {"first_name": "José", "last_name": "Núñez", "address_1": "350 Fifth Avenue", "city": "New York",
              "province": "NY", "postal_code": "10118", "country_code": "us", "phone": "+1 212 555 0100"}
US_BILLING = {"first_name": "Zoë", "last_name": "Lefèvre-Ångström", "company": "Ångström & Søn",
              "address_1": "1 Market Street", "address_2": "Suite 5", "city": "San Francisco", "province": "CA",
              "postal_code": "94105", "country_code": "us"}
DE_ADDRESS = {"first_name": "Łukasz", "last_name": "Żółć", "address_1": "Friedrichstraße 123", "city": "Berlin",
              "postal_code": "10117", "country_code": "de", "phone": "+49 30 1234567"}
FR_BILLING = {"first_name": "Zoë", "last_name": "Lefèvre", "address_1": "12 Rue de l'Église", "city": "Lyon",
              "postal_code": "69002", "country_code": "fr"}


def till(tmp_path, base_url: str, api_key: str, name: str = "till.sqlite"):
    app = start(tmp_path / name, demo=False)
    store = SyncStore(app.uow)
    store.set_setting("backend_url", base_url)
    backend = open_backend(BackendConfig(url=base_url, timeout_seconds=30), api_key)
    return app, store, backend


def pull(store, backend, **kw):
    return CatalogPuller(store, backend.catalog(), **kw).pull()


def make_orders(app, seed, n: int = 20) -> list[Any]:
    """n varied paid orders. EUR orders keep to catalog items and free pickup: Medusa 2.21.2 makes
    custom items and shipping tax-exclusive even in a tax-inclusive region (see the report)."""
    with app.uow() as uow:
        uow.customers.add(Customer(id="cus_tilldesk_local_1", email=f"new.{seed.tag}@example.com",
                                          first_name="Ærøskøbing", last_name="Ñandú"), created_locally=True)
        uow.commit()
    made = []
    # The pull test deletes and renames the first two products of the shared seed.
    variants = [v for v in seed.variants if v.product_id not in seed.product_ids[:2]]
    for i in range(n):
        eur = i % 3 == 2
        cur = "eur" if eur else "usd"
        v1, v2 = variants[i % len(variants)], variants[(i * 7 + 3) % len(variants)]
        items: list[dict[str, Any]] = [{"variant_id": v1.id, "quantity": i % 4 + 1},
                                       {"variant_id": v2.id, "quantity": (i * 3) % 5 + 1}]
        if not eur and i % 2 == 0:
            items.append({"title": f"Gift wrap ✓ {i}", "unit_price": "2.35", "quantity": i % 3 + 1})
        opt = seed.shipping_options[cur]["pickup" if eur else ("local", "courier", "pickup")[i % 3]]
        body: dict[str, Any] = {
            "region_id": seed.regions[cur], "sales_channel_id": seed.sales_channel_id, "items": items,
            "shipping_methods": [{"shipping_option_id": opt.id}],
            "shipping_address": DE_ADDRESS if eur else US_ADDRESS,
            "billing_address": FR_BILLING if eur else US_BILLING,
        }
        if i % 5 == 0 and not eur:
            body["promo_codes"] = [seed.promo_codes["percent10"]]
        if i == 4:
            body["customer_id"] = "cus_tilldesk_local_1"
        elif i % 4 == 1:
            customer = seed.customers[i % len(seed.customers)]
            body["customer_id"] = customer.id
        else:
            body["email"] = f"guest{i}.{seed.tag}@example.com"
        draft = drafts.create_draft(body, app.uow()).value
        tenders = [{"kind": "card", "amount": str(draft.amount_due), "reference": f"auth-{i}"}] if i % 2 else \
            [{"kind": "cash", "amount": str(draft.amount_due + Decimal(5))}]
        made.append(orders.mark_paid({"draft_id": draft.id, "tenders": tenders}, app.uow()).value)
    return made


def push_until_settled(store, backend, *, timeout: float = 240.0, **engine_kw) -> int:
    """Push rounds until nothing is queued or in progress; returns the number of rounds."""
    engine = PushEngine(store, backend, **engine_kw)
    deadline = time.monotonic() + timeout
    rounds = 0
    while time.monotonic() < deadline:
        counts = store.counts()
        if counts["queued"] + counts["in_progress"] == 0:
            return rounds
        rounds += 1
        for oid in store.due(utcnow()):
            engine.push_one(oid)
        due_at = store.next_due_at()
        if due_at is not None:
            time.sleep(min(2.0, max(0.0, (due_at - utcnow()).total_seconds())))
    raise AssertionError(f"the outbox did not settle: {store.counts()}")


ORDER_FIELDS = ("id,display_id,status,payment_status,currency_code,email,metadata,total,subtotal,tax_total,"
                "*items,*shipping_address,*billing_address,*shipping_methods,summary,customer_id")


def server_orders_for(client: MedusaClient, local_id: str) -> list[dict[str, Any]]:
    """Every order and draft on the server carrying this local id in its metadata."""
    return (client.find_by_local_id("order", local_id, created_since=None)
            + client.find_by_local_id("draft_order", local_id, created_since=None))


def admin(base_url: str, api_key: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, auth=(api_key, ""), timeout=60)
