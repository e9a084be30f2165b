"""Seed a Medusa 1.20.11 server through its admin API, the way a shop would be set up.

A USD region (US, 8.875 % tax, tax-exclusive) and a EUR region (DE, 19 %, tax-inclusive EUR
prices), a flat shipping option in each, products with variants priced in both currencies (integer
minor units), a 10 % discount code and a fixed 5.00 USD one, and customers with an address.
Everything is named with a run tag so two seeds on one server do not collide.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import httpx

__all__ = ["SeedV1", "V1Variant", "seed_v1"]


@dataclass(frozen=True)
class V1Variant:
    id: str
    product_id: str
    title: str
    product_title: str
    sku: str
    prices: dict[str, int]  # currency -> minor units


@dataclass(frozen=True)
class V1Customer:
    id: str
    email: str
    first_name: str
    last_name: str
    address: dict[str, Any]


@dataclass
class SeedV1:
    tag: str
    regions: dict[str, str] = field(default_factory=dict)  # currency -> region id
    shipping_options: dict[str, dict[str, str]] = field(default_factory=dict)  # cur -> name -> id
    shipping_prices: dict[str, int] = field(default_factory=dict)  # option id -> amount
    variants: list[V1Variant] = field(default_factory=list)
    customers: list[V1Customer] = field(default_factory=list)
    discount_codes: dict[str, str] = field(default_factory=dict)  # role -> code
    product_ids: list[str] = field(default_factory=list)


class SeedError(RuntimeError):
    pass


def _ok(resp: httpx.Response, what: str) -> dict[str, Any]:
    if resp.status_code >= 400:
        raise SeedError(f"{what}: HTTP {resp.status_code} {resp.text[:1500]}")
    data: dict[str, Any] = resp.json()
    return data


def _store_currencies(http: httpx.Client) -> None:
    store = _ok(http.get("/admin/store"), "read the store")["store"]
    codes = sorted({c["code"] for c in store.get("currencies", [])} | {"usd", "eur"})
    _ok(http.post("/admin/store", json={"currencies": codes}), "store currencies")
    # Catalog EUR prices are gross (tax included); this needs the tax-inclusive feature flag.
    _ok(http.post("/admin/currencies/eur", json={"includes_tax": True}), "EUR includes tax")


def _region(http: httpx.Client, name: str, currency: str, country: str, rate: float,
            includes_tax: bool) -> str:
    existing = _ok(http.get("/admin/regions", params={"limit": 100}), "list regions")["regions"]
    for reg in existing:
        if reg["currency_code"] == currency and any(c["iso_2"] == country for c in reg["countries"]):
            return str(reg["id"])
    body = {"name": name, "currency_code": currency, "tax_rate": rate, "countries": [country],
            "payment_providers": ["manual"], "fulfillment_providers": ["manual"],
            "includes_tax": includes_tax}
    return str(_ok(http.post("/admin/regions", json=body), f"region {name}")["region"]["id"])


def seed_v1(base_url: str, token: str, *, n_products: int = 6, variants_per_product: int = 3,
            tag: str | None = None) -> SeedV1:
    tag = tag or secrets.token_hex(3)
    out = SeedV1(tag=tag)
    headers = {"x-medusa-access-token": token}
    with httpx.Client(base_url=base_url, headers=headers, timeout=120) as http:
        _store_currencies(http)
        out.regions["usd"] = _region(http, "United States", "usd", "us", 8.875, False)
        out.regions["eur"] = _region(http, "Deutschland", "eur", "de", 19, True)
        for cur, (std, exp) in {"usd": (599, 1500), "eur": (499, 1290)}.items():
            out.shipping_options[cur] = {}
            for name, amount in (("Standard", std), ("Express", exp)):
                body = {"name": f"{name} {tag}", "region_id": out.regions[cur], "provider_id": "manual",
                        "data": {}, "price_type": "flat_rate", "amount": amount, "is_return": False,
                        "includes_tax": cur == "eur"}
                opt = _ok(http.post("/admin/shipping-options", json=body), "shipping option")["shipping_option"]
                out.shipping_options[cur][name.lower()] = opt["id"]
                out.shipping_prices[opt["id"]] = amount
        sizes = ["S", "M", "L", "XL", "XXL"]
        for p in range(n_products):
            title = ("Kaffeebohnen Größe" if p % 3 == 0 else "Tea Pot" if p % 3 == 1 else "Łódź mug") + f" {p} {tag}"
            variants = []
            for v in range(variants_per_product):
                usd = 1800 + 111 * p + 37 * v
                eur = 1499 + 97 * p + 13 * v
                variants.append({"title": sizes[v % len(sizes)] + (str(v) if v >= len(sizes) else ""),
                                 "sku": f"V1-{tag}-{p}-{v}", "manage_inventory": False,
                                 "inventory_quantity": 0,
                                 "prices": [{"currency_code": "usd", "amount": usd},
                                            {"currency_code": "eur", "amount": eur}],
                                 "options": [{"value": sizes[v % len(sizes)] + str(v)}]})
            body = {"title": title, "status": "published", "options": [{"title": "Size"}],
                    "variants": variants, "is_giftcard": False, "discountable": True}
            prod = _ok(http.post("/admin/products", json=body), f"product {p}")["product"]
            out.product_ids.append(prod["id"])
            for var in prod["variants"]:
                prices = {pr["currency_code"]: int(pr["amount"]) for pr in var["prices"] if not pr.get("region_id")}
                out.variants.append(V1Variant(var["id"], prod["id"], var["title"], prod["title"], var["sku"], prices))
        pct = f"TEN{tag}".upper()
        _ok(http.post("/admin/discounts", json={
            "code": pct, "regions": list(out.regions.values()),
            "rule": {"type": "percentage", "value": 10, "allocation": "total", "description": "10 % off"},
        }), "percentage discount")
        out.discount_codes["percent"] = pct
        fixed = f"FIVE{tag}".upper()
        _ok(http.post("/admin/discounts", json={
            "code": fixed, "regions": [out.regions["usd"]],
            "rule": {"type": "fixed", "value": 500, "allocation": "total", "description": "5 off"},
        }), "fixed discount")
        out.discount_codes["fixed"] = fixed
        people = [("Zoë", "Łukasiewicz", "us", "NY", "New York"), ("Jörg", "Müller", "de", None, "Köln")]
        for i, (first, last, country, province, city) in enumerate(people):
            email = f"v1-{tag}-{i}@example.com"
            cust = _ok(http.post("/admin/customers", json={
                "email": email, "first_name": first, "last_name": last,
                "password": "Till" + secrets.token_hex(12)}), "customer")["customer"]
            address = {"first_name": first, "last_name": last, "address_1": f"{i + 1} Main Street",
                       "city": city, "country_code": country, "postal_code": "10001" if country == "us" else "50667",
                       "province": province}
            out.customers.append(V1Customer(cust["id"], email, first, last, address))
    return out
