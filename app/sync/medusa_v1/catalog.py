"""The catalog from a Medusa v1 (1.20) server, turned into the neutral shape of ``resources/demo_shop.json``.

* Amounts arrive as integers in minor units and leave as exact decimal strings in major units.
* v1 has no tax regions: a region carries one ``tax_rate`` for all its countries, so each
  (region, country) becomes one neutral tax rate (``{region_id}:{country}``).
* Tax-inclusive prices: a plain currency price includes tax when the *currency* says so
  (``includes_tax`` on the store's currency); a region's flag covers region prices only.
* v1's discounts play the role of v2's promotions: a percentage or fixed amount over the order
  (``allocation: total``) or per item; free shipping is left out (the till has no such promotion).
* Incremental where v1's list validators accept ``updated_at`` (regions, products); other kinds
  are small and fetched whole (an unknown query parameter is a 400 in v1). Deletions are mirrored
  by the puller from the full id sets.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.domain.money import decimal_str
from app.domain.totals_v1 import from_minor
from app.sync.errors import NotMedusa
from app.sync.medusa_v1.client import MedusaV1Client
from app.sync.ports import CatalogPage, Record

__all__ = ["MedusaV1Catalog", "map_region", "map_product", "map_customer", "map_discount", "map_shipping_option"]

#: kind -> (path, list key, extra params, accepts updated_at[gt])
_SOURCES: dict[str, tuple[str, str, dict[str, Any], bool]] = {
    "regions": ("/admin/regions", "regions", {}, True),
    "tax_rates": ("/admin/regions", "regions", {}, False),
    "sales_channels": ("/admin/sales-channels", "sales_channels", {}, False),
    "shipping_options": ("/admin/shipping-options", "shipping_options", {"is_return": "false"}, False),
    "products": ("/admin/products", "products", {"expand": "variants,variants.prices", "order": "id"}, True),
    "customers": ("/admin/customers", "customers", {"expand": "shipping_addresses,billing_address"}, False),
    "promotions": ("/admin/discounts", "discounts", {"expand": "rule,regions"}, False),
}
_UNPAGED = ("shipping_options",)  # v1 lists every shipping option at once


def _money(amount: Any, currency: str) -> str:
    return decimal_str(from_minor(int(amount), currency))


def map_region(d: dict[str, Any], currency_incl: Mapping[str, bool]) -> Record:
    cur = str(d["currency_code"]).lower()
    return {"id": d["id"], "name": d.get("name") or d["id"], "currency_code": cur,
            "countries": [c["iso_2"] for c in d.get("countries") or []],
            "is_tax_inclusive": bool(currency_incl.get(cur, False)),
            "automatic_taxes": d.get("automatic_taxes", True), "updated_at": d.get("updated_at")}


def map_tax_rates(d: dict[str, Any]) -> list[Record]:
    return [{"id": f"{d['id']}:{c['iso_2']}", "name": d.get("tax_code") or f"Tax {d.get('name') or ''}".strip(),
             "code": d.get("tax_code") or "default", "rate": decimal_str(_dec(d.get("tax_rate"))),
             "country_code": c["iso_2"], "province_code": None, "updated_at": d.get("updated_at")}
            for c in d.get("countries") or []]


def _dec(value: Any) -> Decimal:
    return Decimal(str(value if value is not None else 0))


def map_shipping_option(d: dict[str, Any]) -> Record | None:
    if d.get("is_return") or d.get("deleted_at"):
        return None
    region = d.get("region") or {}
    cur = str(region.get("currency_code") or "usd")
    return {"id": d["id"], "name": d.get("name") or d["id"], "region_id": d["region_id"],
            "amount": _money(d.get("amount") or 0, cur),
            "price_type": "flat" if d.get("price_type") == "flat_rate" else str(d.get("price_type")),
            "updated_at": d.get("updated_at")}


def map_product(d: dict[str, Any]) -> Record:
    variants = []
    for v in d.get("variants") or []:
        prices: dict[str, str] = {}
        for p in v.get("prices") or []:
            if p.get("region_id") or p.get("price_list_id") or p.get("min_quantity") is not None:
                continue  # region, price-list and quantity prices: the currency price is the shelf price
            cur = str(p["currency_code"]).lower()
            prices.setdefault(cur, _money(p["amount"], cur))
        variants.append({"id": v["id"], "title": v.get("title") or "Default", "sku": v.get("sku"),
                         "barcode": v.get("barcode"), "updated_at": v.get("updated_at"),
                         "prices": [{"currency_code": c, "amount": a} for c, a in prices.items()]})
    return {"id": d["id"], "title": d.get("title") or d["id"], "subtitle": d.get("subtitle"),
            "handle": d.get("handle"), "description": d.get("description"), "status": d.get("status"),
            "updated_at": d.get("updated_at"), "variants": variants}


_ADDRESS = ("first_name", "last_name", "company", "address_1", "address_2", "city", "province", "postal_code",
            "country_code", "phone")


def map_customer(d: dict[str, Any], local_ids: Mapping[str, str]) -> Record:
    billing = d.get("billing_address") or None
    addresses: list[dict[str, Any]] = []
    for a in [*(d.get("shipping_addresses") or []), *([billing] if billing else [])]:
        if any(x["id"] == a["id"] for x in addresses):
            continue
        addresses.append({"id": a["id"], **{k: a.get(k) for k in _ADDRESS},
                          "is_default_shipping": not addresses and a is not billing,
                          "is_default_billing": billing is not None and a["id"] == billing["id"]})
    return {"id": local_ids.get(d["id"], d["id"]), "email": d.get("email") or "", "first_name": d.get("first_name"),
            "last_name": d.get("last_name"), "phone": d.get("phone"), "company_name": None,
            "has_account": bool(d.get("has_account")), "updated_at": d.get("updated_at"), "addresses": addresses}


def map_discount(d: dict[str, Any]) -> Record | None:
    rule = d.get("rule") or {}
    kind = rule.get("type")
    if not d.get("code") or kind not in ("percentage", "fixed"):
        return None  # free shipping has no counterpart at the till
    regions = d.get("regions") or []
    cur = str(regions[0].get("currency_code")) if kind == "fixed" and regions else None
    ends = d.get("ends_at")
    expired = bool(ends) and str(ends) < datetime.now().astimezone().isoformat()
    value = _money(rule.get("value") or 0, cur) if kind == "fixed" and cur else decimal_str(_dec(rule.get("value")))
    per_item = rule.get("allocation") == "item"
    return {"id": d["id"], "code": d["code"], "status": "inactive" if d.get("is_disabled") or expired else "active",
            "is_automatic": False, "updated_at": d.get("updated_at"),
            "application_method": {"type": kind, "target_type": "items" if per_item else "order",
                                   "allocation": "each" if per_item else "across", "value": value,
                                   "currency_code": cur, "max_quantity": None}}


class MedusaV1Catalog:
    """:class:`app.sync.ports.CatalogSource` over the v1 Admin API. One per pull."""

    def __init__(self, client: MedusaV1Client) -> None:
        self.client = client
        self._currency_incl: dict[str, bool] | None = None

    def _currencies(self) -> dict[str, bool]:
        if self._currency_incl is None:
            store = self.client.request("GET", "/admin/store").get("store") or {}
            self._currency_incl = {str(c["code"]).lower(): bool(c.get("includes_tax"))
                                   for c in store.get("currencies") or []}
        return self._currency_incl

    def _fetch(self, kind: str, since: str | None, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        path, key, extra, incremental = _SOURCES[kind]
        params: dict[str, Any] = dict(extra)
        if kind not in _UNPAGED:
            params.update(limit=limit, offset=offset)
        if since and incremental:
            params["updated_at[gt]"] = since
        data = self.client.request("GET", path, params=params)
        items = data.get(key)
        if not isinstance(items, list):
            raise NotMedusa(f"The shop server answered {path} in an unexpected form.", detail=f"no '{key}' list")
        count = data.get("count")
        return items, int(count) if isinstance(count, int) else offset + len(items)

    def page(self, kind: str, since: str | None, offset: int, limit: int, context: Mapping[str, Any]) -> CatalogPage:
        items, count = self._fetch(kind, since, offset, limit)
        newest: str | None = None
        if _SOURCES[kind][3]:
            for d in items:
                ts = str(d.get("updated_at") or "") or None
                if ts and (newest is None or ts > newest):
                    newest = ts
        records: list[Record | None]
        if kind == "regions":
            records = [map_region(d, self._currencies()) for d in items]
        elif kind == "tax_rates":
            records = [r for d in items for r in map_tax_rates(d)]
        elif kind == "sales_channels":
            records = [{"id": d["id"], "name": d.get("name") or d["id"], "description": d.get("description"),
                        "updated_at": d.get("updated_at")} for d in items]
        elif kind == "shipping_options":
            records = [map_shipping_option(d) for d in items]
        elif kind == "products":
            records = [map_product(d) for d in items]
        elif kind == "customers":
            records = [map_customer(d, context.get("customer_ids") or {}) for d in items]
        else:
            records = [map_discount(d) for d in items]
        # The puller pages by what the server listed (regions, for tax rates).
        server_ids = [str(d["id"]) for d in items]
        units = sum(len(d.get("variants") or []) for d in items) if kind == "products" else len(items)
        if kind in _UNPAGED:
            count = len(items)
        return CatalogPage(records=[r for r in records if r is not None], server_ids=server_ids, count=count,
                           newest=newest, units=units)

    def ids(self, kind: str) -> set[str]:
        out: set[str] = set()
        offset = 0
        while True:
            items, count = self._fetch(kind, None, offset, 200)
            if kind == "tax_rates":
                out |= {r["id"] for d in items for r in map_tax_rates(d)}
            else:
                out |= {str(d["id"]) for d in items}
            offset += len(items)
            if kind in _UNPAGED or not items or offset >= count:
                return out

    def variant_count(self) -> int:
        data = self.client.request("GET", "/admin/variants", params={"limit": 1})
        return int(data.get("count") or 0)
