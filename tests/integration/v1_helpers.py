"""Shared set-up for the Medusa v1 sync tests: a till on a v1 shop (backend kind medusa-v1, so it
prices with v1's rules), a catalog pulled from the seeded server, and 20 varied paid orders."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from app.bootstrap import start
from app.domain.catalog import Customer
from app.services import drafts, orders
from app.sync.config import BackendConfig
from app.sync.medusa_v1.client import MedusaV1Client
from app.sync.registry import open_backend
from app.sync.store import SyncStore

US = {"first_name": "José", "last_name": "Núñez", "address_1": "350 Fifth Avenue", "city": "New York",
      "province": "NY", "postal_code": "10118", "country_code": "us", "phone": "+1 212 555 0100"}
DE = {"first_name": "Łukasz", "last_name": "Żółć", "address_1": "Friedrichstraße 123", "city": "Berlin",
      "postal_code": "10117", "country_code": "de"}


def v1_till(tmp_path, base_url: str, token: str, name: str = "till.sqlite", **config: Any):
    app = start(tmp_path / name, demo=False)
    store = SyncStore(app.uow)
    store.set_setting("backend_url", base_url)
    store.set_setting("backend_kind", "medusa-v1")
    backend = open_backend(BackendConfig(url=base_url, kind="medusa-v1", timeout_seconds=30, **config), token)
    return app, store, backend


def make_v1_orders(app, seed, n: int = 20) -> list[Any]:
    """n varied paid orders: catalog variants, price overrides, custom items, both discount kinds,
    custom shipping prices, the tax-inclusive EUR region, a customer made at the till, non-ASCII."""
    with app.uow() as uow:
        uow.customers.add(Customer(id="cus_v1_local_1", email=f"neu.{seed.tag}@example.com",
                                   first_name="Ærøskøbing", last_name="Ñandú"), created_locally=True)
        uow.commit()
    made = []
    for i in range(n):
        cur = "eur" if i % 3 == 2 else "usd"
        pool = [v for v in seed.variants if v.prices.get(cur)]
        a, b = pool[i % len(pool)], pool[(i * 7 + 3) % len(pool)]
        items: list[dict[str, Any]] = [{"variant_id": a.id, "quantity": i % 4 + 1}]
        if b.id != a.id:
            items.append({"variant_id": b.id, "quantity": (i * 3) % 5 + 1,
                          **({"unit_price": "12.34"} if i % 4 == 1 else {})})
        if i % 2 == 0:
            items.append({"title": f"Geschenkverpackung ✓ {i}", "unit_price": "2.35", "quantity": i % 3 + 1})
        option = seed.shipping_options[cur]["express" if i % 2 else "standard"]
        method: dict[str, Any] = {"shipping_option_id": option}
        if i % 5 == 3:
            method["amount"] = "3.33"
        body: dict[str, Any] = {"region_id": seed.regions[cur], "items": items, "shipping_methods": [method],
                                "shipping_address": DE if cur == "eur" else US,
                                "billing_address": DE if cur == "eur" else US}
        if i % 5 == 0:
            body["promo_codes"] = [seed.discount_codes["percent"]]
        elif i % 7 == 1 and cur == "usd":
            body["promo_codes"] = [seed.discount_codes["fixed"]]
        if i == 4:
            body["customer_id"] = "cus_v1_local_1"
        elif i % 4 == 1:
            customer = seed.customers[0 if cur == "usd" else 1]
            body["customer_id"] = customer.id
            body["email"] = customer.email
        else:
            body["email"] = f"gäst{i}.{seed.tag}@example.com".replace("ä", "a")
        draft = drafts.create_draft(body, app.uow()).value
        tenders = [{"kind": "card", "amount": str(draft.amount_due), "reference": f"auth-{i}"}] if i % 2 else \
            [{"kind": "cash", "amount": str(draft.amount_due + Decimal(5))}]
        made.append(orders.mark_paid({"draft_id": draft.id, "tenders": tenders}, app.uow()).value)
    return made


def v1_orders_for(client: MedusaV1Client, local_id: str) -> list[dict[str, Any]]:
    """Every order on the server carrying this local id (orders keep a copy of the cart metadata)."""
    return client.find_by_local_id("order", local_id)


def v1_drafts_for(client: MedusaV1Client, local_id: str) -> list[dict[str, Any]]:
    return client.find_by_local_id("draft_order", local_id)


def v1_admin(base_url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, headers={"x-medusa-access-token": token}, timeout=60)
