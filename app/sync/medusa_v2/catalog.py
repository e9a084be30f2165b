"""The catalog from a Medusa v2 server, turned into the neutral shape of ``resources/demo_shop.json``.

* Pages are ordered by ``id``: records updated during a pull only ever join the filtered list, so
  offsets never skip one (Medusa stamps a whole batch with the same ``updated_at``, which rules out
  ordering by time).
* Incremental lists ask for what changed strictly after the newest ``updated_at`` already held.
* Prices: Medusa 2.21.2 prices a plain currency price by the currency's preference; a region
  preference wins where one exists (see the harness's notes on price preferences).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from app.sync.errors import NotMedusa
from app.sync.medusa_v2.client import MedusaClient
from app.sync.ports import CatalogPage, Record

__all__ = ["V2CatalogApi", "MedusaCatalogApi", "MedusaV2Catalog", "map_region", "map_tax_rate",
           "map_sales_channel", "map_shipping_option", "map_product", "map_customer", "map_promotion"]

_SOURCES: dict[str, tuple[str, str, str | None]] = {
    "regions": ("/admin/regions", "regions", "id,name,currency_code,automatic_taxes,updated_at,*countries"),
    "tax_rates": ("/admin/tax-rates", "tax_rates", "id,name,code,rate,is_default,updated_at,*tax_region,*rules"),
    "sales_channels": ("/admin/sales-channels", "sales_channels", "id,name,description,is_disabled,updated_at"),
    "shipping_options": ("/admin/shipping-options", "shipping_options",
                         "id,name,price_type,updated_at,*prices,*rules,service_zone.geo_zones.*"),
    "products": ("/admin/products", "products",
                 "id,title,subtitle,handle,description,status,updated_at,*variants,*variants.prices,"
                 "+variants.sku,+variants.barcode"),
    "customers": ("/admin/customers", "customers",
                  "id,email,first_name,last_name,phone,company_name,has_account,updated_at,*addresses"),
    "promotions": ("/admin/promotions", "promotions",
                   "id,code,status,is_automatic,updated_at,*application_method"),
}

class V2CatalogApi(Protocol):
    """Raw Medusa v2 catalog pages (the tests script these)."""

    def page(self, kind: str, since: str | None, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]: ...
    def ids(self, kind: str) -> set[str]: ...
    def tax_inclusive(self) -> dict[tuple[str, str], bool]: ...
    def variant_count(self) -> int: ...


class MedusaCatalogApi:
    """:class:`V2CatalogApi` over the Medusa v2 Admin API."""

    def __init__(self, client: MedusaClient, *, id_page_size: int = 500) -> None:
        self.client = client
        self.id_page_size = id_page_size

    def page(self, kind: str, since: str | None, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        path, key, fields = _SOURCES[kind]
        params: dict[str, Any] = {"limit": limit, "offset": offset, "order": "id"}
        if fields:
            params["fields"] = fields
        if since:
            # Strictly after the newest record already held: a batch shares one timestamp, and
            # "$gte" would fetch the whole batch again on every pull.
            params["updated_at[$gt]"] = since
        data = self.client.request("GET", path, params=params)
        items = data.get(key)
        if not isinstance(items, list):
            raise NotMedusa(f"The shop server answered {path} in an unexpected form.", detail=f"no '{key}' list")
        count = data.get("count")
        return items, int(count) if isinstance(count, int) else offset + len(items)

    def ids(self, kind: str) -> set[str]:
        path, key, _ = _SOURCES[kind]
        return {str(x["id"]) for x in self.client.list_paged(path, key, {"fields": "id", "order": "id"},
                                                              page_size=self.id_page_size)}

    def tax_inclusive(self) -> dict[tuple[str, str], bool]:
        prefs = self.client.list_paged("/admin/price-preferences", "price_preferences", {})
        return {(p["attribute"], str(p["value"]).lower() if p["attribute"] == "currency_code" else p["value"]):
                bool(p.get("is_tax_inclusive")) for p in prefs}

    def variant_count(self) -> int:
        data = self.client.request("GET", "/admin/product-variants", params={"limit": 1, "fields": "id"})
        return int(data.get("count") or 0)


# -- Medusa -> neutral shape -------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, dict) and "value" in value:
        return str(value["value"])
    if isinstance(value, Decimal):
        return str(value)
    return value


def _amount(obj: dict[str, Any], name: str = "amount") -> str:
    raw = obj.get(f"raw_{name}")
    return str(_plain(raw) if raw is not None else _plain(obj.get(name)))


def map_region(d: dict[str, Any], incl: dict[tuple[str, str], bool]) -> dict[str, Any]:
    currency = str(d["currency_code"]).lower()
    # Medusa 2.21.2 prices plain currency prices by the currency's preference; a region
    # preference wins where one exists (see the harness's notes on price preferences).
    inclusive = incl.get(("region_id", d["id"]), incl.get(("currency_code", currency), False))
    return {"id": d["id"], "name": d.get("name") or d["id"], "currency_code": currency,
            "countries": [c["iso_2"] if isinstance(c, dict) else c for c in d.get("countries") or []],
            "is_tax_inclusive": inclusive, "automatic_taxes": d.get("automatic_taxes", True),
            "updated_at": d.get("updated_at")}


def map_tax_rate(d: dict[str, Any]) -> dict[str, Any] | None:
    region = d.get("tax_region") or {}
    if d.get("rules") or not region.get("country_code"):
        return None  # product- or type-specific rates are not modelled locally
    return {"id": d["id"], "name": d.get("name"), "code": d.get("code"), "rate": _amount(d, "rate"),
            "country_code": region["country_code"], "province_code": region.get("province_code"),
            "updated_at": d.get("updated_at")}


def map_sales_channel(d: dict[str, Any]) -> dict[str, Any]:
    return {"id": d["id"], "name": d.get("name") or d["id"], "description": d.get("description"),
            "updated_at": d.get("updated_at")}


def map_shipping_option(d: dict[str, Any], regions: list[dict[str, Any]]) -> dict[str, Any] | None:
    rules = {(r.get("attribute"), str(r.get("value"))) for r in d.get("rules") or []}
    if ("is_return", "true") in rules:
        return None
    zone = d.get("service_zone") or {}
    countries = {str(g.get("country_code") or "").lower() for g in zone.get("geo_zones") or []}
    prices = d.get("prices") or []
    for region in regions:
        if countries and not countries & set(region["countries"]):
            continue
        for p in prices:
            if str(p.get("currency_code", "")).lower() != region["currency_code"]:
                continue
            price_rules = p.get("price_rules") or []
            if any(pr.get("attribute") == "region_id" and pr.get("value") != region["id"] for pr in price_rules):
                continue
            # One local row per option: the first region it serves (a till sells in one or two).
            return {"id": d["id"], "name": d.get("name") or d["id"], "region_id": region["id"],
                    "amount": _amount(p), "price_type": d.get("price_type") or "flat",
                    "updated_at": d.get("updated_at")}
    return None


def map_product(d: dict[str, Any]) -> dict[str, Any]:
    variants = []
    for v in d.get("variants") or []:
        prices: dict[str, str] = {}
        for p in v.get("prices") or []:
            if p.get("price_rules") or p.get("rules_count") or p.get("min_quantity") is not None:
                continue  # region- or quantity-specific prices: the plain currency price is the shelf price
            prices.setdefault(str(p["currency_code"]).lower(), _amount(p))
        variants.append({"id": v["id"], "title": v.get("title") or "Default", "sku": v.get("sku"),
                         "barcode": v.get("barcode"), "updated_at": v.get("updated_at"),
                         "prices": [{"currency_code": c, "amount": a} for c, a in prices.items()]})
    return {"id": d["id"], "title": d.get("title") or d["id"], "subtitle": d.get("subtitle"),
            "handle": d.get("handle"), "description": d.get("description"), "status": d.get("status"),
            "updated_at": d.get("updated_at"), "variants": variants}


_ADDRESS = ("first_name", "last_name", "company", "address_1", "address_2", "city", "province", "postal_code",
            "country_code", "phone", "is_default_shipping", "is_default_billing")


def map_customer(d: dict[str, Any], local_ids: dict[str, str]) -> dict[str, Any]:
    return {"id": local_ids.get(d["id"], d["id"]), "email": d.get("email") or "",
            "first_name": d.get("first_name"), "last_name": d.get("last_name"), "phone": d.get("phone"),
            "company_name": d.get("company_name"), "has_account": bool(d.get("has_account")),
            "updated_at": d.get("updated_at"),
            "addresses": [{"id": a["id"], **{k: a.get(k) for k in _ADDRESS}} for a in d.get("addresses") or []]}


def map_promotion(d: dict[str, Any]) -> dict[str, Any] | None:
    am = d.get("application_method")
    if not d.get("code") or not isinstance(am, dict):
        return None
    return {"id": d["id"], "code": d["code"], "status": d.get("status") or "active",
            "is_automatic": bool(d.get("is_automatic")), "updated_at": d.get("updated_at"),
            "application_method": {"type": am.get("type"), "target_type": am.get("target_type"),
                                   "allocation": am.get("allocation"), "value": _amount(am, "value"),
                                   "currency_code": am.get("currency_code"), "max_quantity": am.get("max_quantity")}}


def _ts(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


class MedusaV2Catalog:
    """:class:`app.sync.ports.CatalogSource` over raw v2 pages. One per pull: it keeps the price
    preferences it read for the regions of this pull."""

    def __init__(self, api: V2CatalogApi) -> None:
        self.api = api
        self._incl: dict[tuple[str, str], bool] | None = None

    def _tax_inclusive(self) -> dict[tuple[str, str], bool]:
        if self._incl is None:
            self._incl = self.api.tax_inclusive()
        return self._incl

    def page(self, kind: str, since: str | None, offset: int, limit: int,
             context: Mapping[str, Any]) -> CatalogPage:
        items, count = self.api.page(kind, since, offset, limit)
        newest: str | None = None
        for d in items:
            ts = _ts(d.get("updated_at"))
            if ts and (newest is None or ts > newest):
                newest = ts
        units = sum(len(d.get("variants") or []) for d in items) if kind == "products" else len(items)
        return CatalogPage(records=self._map(kind, items, context), server_ids=[str(d["id"]) for d in items],
                           count=count, newest=newest, units=units)

    def ids(self, kind: str) -> set[str]:
        return self.api.ids(kind)

    def variant_count(self) -> int:
        return self.api.variant_count()

    def _map(self, kind: str, items: list[dict[str, Any]], ctx: Mapping[str, Any]) -> list[Record]:
        out: list[Record | None]
        if kind == "regions":
            incl = self._tax_inclusive() if items else {}
            out = [map_region(d, incl) for d in items]
        elif kind == "tax_rates":
            out = [map_tax_rate(d) for d in items]
        elif kind == "sales_channels":
            out = [map_sales_channel(d) for d in items]
        elif kind == "shipping_options":
            out = [map_shipping_option(d, ctx["regions"]) for d in items]
        elif kind == "products":
            out = [map_product(d) for d in items]
        elif kind == "customers":
            out = [map_customer(d, ctx["customer_ids"]) for d in items]
        else:
            out = [map_promotion(d) for d in items]
        return [x for x in out if x is not None]
