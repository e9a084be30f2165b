"""The built-in demo shop: loaded on a first start so a newcomer can take an order at once."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from .context import UnitOfWork

CATALOG_KINDS = ("regions", "tax_rates", "sales_channels", "products", "shipping_options", "customers", "promotions")


def demo_shop_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("resources").joinpath("demo_shop.json").read_text(encoding="utf-8"))
    return data


def load_demo_shop(uow: UnitOfWork, *, only_if_empty: bool = True) -> bool:
    """Loads the demo catalog and shop settings in one transaction; returns whether it did."""
    data = demo_shop_data()
    with uow:
        if only_if_empty and not uow.catalog.is_empty():
            return False
        for kind in CATALOG_KINDS:
            uow.catalog.upsert(kind, data.get(kind, []))
        store = data["store"]
        uow.settings.set("shop", {k: store.get(k) for k in (
            "name", "address_1", "address_2", "city", "postal_code", "province", "country_code", "phone",
            "email", "tax_id", "footer")})
        for key in ("default_region_id", "default_sales_channel_id", "locale", "invoice_prefix", "till_name"):
            if store.get(key):
                uow.settings.set(key, store[key])
        uow.settings.set("demo_shop", True)
        uow.commit()
        return True
