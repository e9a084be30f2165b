"""Seed a running Medusa v2 (2.21.2) through its Admin API with everything a draft order needs.

Each call tags what it creates with a short random ``tag`` (in SKUs, barcodes, e-mails, promo codes),
so seeding the same server twice never collides on Medusa's unique columns. Things a server holds
once per country (tax regions) or once per store (currencies) are reused when already there.

Amounts are ``Decimal`` here; JSON numbers only at the wire, because Medusa's validators demand
numbers (``z.number()``) and two-decimal prices survive the float round trip exactly as text.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from .server import MedusaHarnessError

# Flat rates per country (percent). The US rate stands for a New York City combined rate; a
# California province rate shows how sub-region rates are set up.
TAX_RATES: dict[str, Decimal] = {
    "us": Decimal("8.875"),
    "de": Decimal("19"),
    "fr": Decimal("20"),
}
PROVINCE_TAX_RATES: dict[tuple[str, str], Decimal] = {("us", "us-ca"): Decimal("7.25")}

# code -> (name, USD amount, EUR amount)
SHIPPING_OPTIONS: dict[str, tuple[str, Decimal, Decimal]] = {
    "pickup": ("Counter pickup", Decimal("0"), Decimal("0")),
    "local": ("Local delivery", Decimal("4.99"), Decimal("3.90")),
    "courier": ("Courier", Decimal("12.50"), Decimal("9.90")),
}

# Shelf prices in the EUR region include VAT (as European shops show them); US prices do not.
CURRENCY_TAX_INCLUSIVE: dict[str, bool] = {"eur": True, "usd": False}

# 100 products is about 80 KB of JSON, far below the route's 2 MB limit. For 1,700 products x 3
# variants on a 2-core machine: 25 per request took 18 s, 50 and 100 took 14-17 s.
PRODUCT_BATCH_SIZE = 100

_CUSTOMERS: tuple[tuple[str, str, str, dict[str, str]], ...] = (
    ("Łukasz", "Żółć", "lukasz.zolc", {
        "address_1": "Friedrichstraße 123", "city": "Berlin", "postal_code": "10117",
        "country_code": "de", "phone": "+49 30 1234567"}),
    ("Zoë", "Lefèvre-Ångström", "zoe.lefevre", {
        "address_1": "12 Rue de l'Église", "city": "Lyon", "postal_code": "69002",
        "country_code": "fr", "phone": "+33 4 72 00 00 00"}),
    ("José", "Núñez", "jose.nunez", {
        "address_1": "350 Fifth Avenue", "city": "New York", "province": "us-ny",
        "postal_code": "10118", "country_code": "us", "phone": "+1 212 555 0100"}),
    ("Jane", "Doe", "jane.doe", {
        "address_1": "1 Market Street", "city": "San Francisco", "province": "us-ca",
        "postal_code": "94105", "country_code": "us", "phone": "+1 415 555 0100"}),
    ("Søren", "Kierkegård", "soren.k", {
        "address_1": "Kurfürstendamm 21", "city": "Berlin", "postal_code": "10719",
        "country_code": "de"}),
)

_SIZES = ("S", "M", "L", "XL", "XXL")


def ean13_check_digit(first12: str) -> str:
    """The GS1 check digit: weights 1,3,1,3,... over the first twelve digits."""
    if len(first12) != 12 or not first12.isdigit():
        raise ValueError(f"need 12 digits, got {first12!r}")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def make_ean13(first12: str) -> str:
    return first12 + ean13_check_digit(first12)


def is_valid_ean13(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and ean13_check_digit(code[:12]) == code[12]


@dataclass(frozen=True)
class SeededVariant:
    id: str
    product_id: str
    title: str
    sku: str
    barcode: str
    prices: Mapping[str, Decimal]  # currency code -> price in major units


@dataclass(frozen=True)
class SeededCustomer:
    id: str
    email: str
    first_name: str
    last_name: str
    address_id: str
    address: Mapping[str, str]


@dataclass(frozen=True)
class SeededShippingOption:
    id: str
    code: str
    name: str
    currency_code: str
    amount: Decimal
    service_zone_id: str


@dataclass(frozen=True)
class SeededPromotion:
    id: str
    code: str
    type: str  # "percentage" or "fixed"
    value: Decimal
    currency_code: str | None


@dataclass
class SeedResult:
    tag: str
    store_id: str
    regions: dict[str, str]  # currency code -> region id ("usd", "eur")
    tax_region_ids: dict[str, str]  # "us", "de", "fr", "us-ca" -> tax region id
    tax_rates: dict[str, Decimal]
    sales_channel_id: str
    stock_location_id: str
    fulfillment_set_id: str
    service_zone_ids: dict[str, str]  # currency code -> service zone id
    shipping_profile_id: str
    shipping_options: dict[str, dict[str, SeededShippingOption]]  # currency -> code -> option
    product_ids: list[str]
    variants: list[SeededVariant]
    customers: list[SeededCustomer]
    promotions: dict[str, SeededPromotion]  # "percent10", "fixed5" -> promotion
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def region_usd_id(self) -> str:
        return self.regions["usd"]

    @property
    def region_eur_id(self) -> str:
        return self.regions["eur"]

    @property
    def promo_codes(self) -> dict[str, str]:
        return {key: promo.code for key, promo in self.promotions.items()}

    def variant_by_sku(self, sku: str) -> SeededVariant:
        for variant in self.variants:
            if variant.sku == sku:
                return variant
        raise KeyError(sku)


class _Admin:
    """Thin httpx wrapper: JSON in, JSON out, an HTTP error raises with Medusa's message."""

    def __init__(self, base_url: str, token: str, timeout: float) -> None:
        # A secret API key (sk_...) goes as HTTP Basic user name; a JWT as Bearer.
        if token.startswith("sk_"):
            self.http = httpx.Client(base_url=base_url, auth=httpx.BasicAuth(token, ""),
                                     timeout=timeout)
        else:
            self.http = httpx.Client(base_url=base_url, timeout=timeout,
                                     headers={"Authorization": f"Bearer {token}"})

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, body: Any = None,
                params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        resp = self.http.request(method, path, json=body, params=params)
        if resp.status_code >= 400:
            raise MedusaHarnessError(
                f"{method} {path} -> HTTP {resp.status_code}: {resp.text[:2000]}\nbody: {body!r}"
            )
        return resp.json() if resp.content else {}

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: Any, **params: Any) -> dict[str, Any]:
        return self.request("POST", path, body, params=params or None)


def _num(amount: Decimal) -> float | int:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _price_for(index: int, variant: int) -> tuple[Decimal, Decimal]:
    """Deterministic, varied prices with awkward cents (x.99, x.33, x.05) to exercise rounding."""
    cents = (99, 33, 5, 50, 75, 0, 49)[(index + variant) % 7]
    usd = Decimal(index % 97 + 1 + variant * 2) + Decimal(cents) / 100
    eur = (usd * Decimal("0.92")).quantize(Decimal("0.01"))
    return usd, eur


def seed_catalog(base_url: str, token: str, *, n_products: int = 10,
                 variants_per_product: int = 3, n_customers: int | None = None,
                 tag: str | None = None, timeout: float = 120.0) -> SeedResult:
    """Create regions, taxes, channel, stock location, shipping, products, customers, promotions.

    ``token`` is a JWT or a secret API key. ``n_products`` x ``variants_per_product`` variants are
    created through ``POST /admin/products/batch`` in batches of ``PRODUCT_BATCH_SIZE`` products.
    """
    if not 1 <= variants_per_product <= len(_SIZES):
        raise ValueError(f"variants_per_product must be 1..{len(_SIZES)}")
    if n_products * variants_per_product >= 10_000_000:
        raise ValueError("barcodes hold 7 digits of sequence")
    tag = tag or secrets.token_hex(3)
    api = _Admin(base_url, token, timeout)
    seconds: dict[str, float] = {}
    try:
        clock = time.monotonic()
        store_id = _ensure_currencies(api)
        regions = _create_regions(api, tag)
        tax_region_ids = _ensure_tax_regions(api)
        seconds["store_regions_taxes"] = time.monotonic() - clock

        clock = time.monotonic()
        sales_channel_id = api.post("/admin/sales-channels", {
            "name": f"Tilldesk till {tag}",
            "description": "Point of sale and phone orders",
        })["sales_channel"]["id"]
        shipping_profile_id = _default_shipping_profile(api)
        location_id, fset_id, zones = _create_stock_location(api, tag, sales_channel_id)
        shipping_options = _create_shipping_options(api, tag, zones, shipping_profile_id)
        seconds["channel_location_shipping"] = time.monotonic() - clock

        clock = time.monotonic()
        product_ids, variants = _create_products(
            api, tag, n_products, variants_per_product, sales_channel_id, shipping_profile_id
        )
        seconds["products"] = time.monotonic() - clock

        clock = time.monotonic()
        customers = _create_customers(api, tag, n_customers)
        promotions = _create_promotions(api, tag)
        seconds["customers_promotions"] = time.monotonic() - clock
    finally:
        api.close()

    return SeedResult(
        tag=tag, store_id=store_id, regions=regions, tax_region_ids=tax_region_ids,
        tax_rates={**TAX_RATES, **{prov: rate for (_c, prov), rate in PROVINCE_TAX_RATES.items()}},
        sales_channel_id=sales_channel_id, stock_location_id=location_id,
        fulfillment_set_id=fset_id, service_zone_ids=zones,
        shipping_profile_id=shipping_profile_id, shipping_options=shipping_options,
        product_ids=product_ids, variants=variants, customers=customers,
        promotions=promotions, seconds=seconds,
    )


# -- steps ------------------------------------------------------------------------------------


def _ensure_currencies(api: _Admin) -> str:
    """Add USD beside the default EUR and make EUR prices tax-inclusive.

    After migrate the store knows only EUR; a USD region needs USD here first. The region's
    ``is_tax_inclusive`` alone is not enough on 2.21.2: the pricing module uses the *region*
    price preference only for prices that carry a ``region_id`` rule, and the *currency*
    preference (set here through the store) for plain currency prices like ours.
    """
    store = api.get("/admin/stores", fields="id,supported_currencies.*")["stores"][0]
    current = {
        c["currency_code"]: {
            "currency_code": c["currency_code"],
            "is_default": bool(c.get("is_default")),
            "is_tax_inclusive": bool(c.get("is_tax_inclusive")),
        }
        for c in store.get("supported_currencies") or []
    }
    wanted = {code: dict(entry) for code, entry in current.items()}
    for code, inclusive in CURRENCY_TAX_INCLUSIVE.items():
        entry = wanted.setdefault(code, {"currency_code": code, "is_default": False})
        entry["is_tax_inclusive"] = inclusive
    if not any(e["is_default"] for e in wanted.values()):
        wanted["eur"]["is_default"] = True
    if wanted != current:
        api.post(f"/admin/stores/{store['id']}", {"supported_currencies": list(wanted.values())})
    return store["id"]


def _create_regions(api: _Admin, tag: str) -> dict[str, str]:
    # A country belongs to one region only, so a second seed on the same server reuses them.
    existing = api.get("/admin/regions", limit=100, fields="id,currency_code,countries.iso_2")
    by_currency: dict[str, str] = {}
    for region in existing["regions"]:
        isos = {c["iso_2"] for c in region.get("countries") or []}
        if region["currency_code"] == "usd" and "us" in isos:
            by_currency["usd"] = region["id"]
        if region["currency_code"] == "eur" and {"de", "fr"} <= isos:
            by_currency["eur"] = region["id"]
    if "usd" not in by_currency:
        by_currency["usd"] = api.post("/admin/regions", {
            "name": "United States",
            "currency_code": "usd",
            "countries": ["us"],
            "automatic_taxes": True,
            "is_tax_inclusive": False,
            "payment_providers": ["pp_system_default"],
            "metadata": {"seeded_by": f"tilldesk-{tag}"},
        })["region"]["id"]
    if "eur" not in by_currency:
        # is_tax_inclusive on the region makes 2.21.2 create a price preference
        # (attribute "region_id"), so EUR prices in this region include VAT.
        by_currency["eur"] = api.post("/admin/regions", {
            "name": "Europe",
            "currency_code": "eur",
            "countries": ["de", "fr"],
            "automatic_taxes": True,
            "is_tax_inclusive": True,
            "payment_providers": ["pp_system_default"],
            "metadata": {"seeded_by": f"tilldesk-{tag}"},
        })["region"]["id"]
    return by_currency


def _ensure_tax_regions(api: _Admin) -> dict[str, str]:
    found = api.get("/admin/tax-regions", limit=200,
                    fields="id,country_code,province_code,parent_id")["tax_regions"]
    ids: dict[str, str] = {}
    for tax_region in found:
        key = tax_region.get("province_code") or tax_region["country_code"]
        ids[key.lower()] = tax_region["id"]
    for country, rate in TAX_RATES.items():
        if country in ids:
            continue
        ids[country] = api.post("/admin/tax-regions", {
            "country_code": country,
            "provider_id": "tp_system",
            "default_tax_rate": {
                "rate": _num(rate),
                "code": f"{country.upper()}-STD",
                "name": f"{country.upper()} standard rate",
            },
        })["tax_region"]["id"]
    for (country, province), rate in PROVINCE_TAX_RATES.items():
        if province in ids:
            continue
        ids[province] = api.post("/admin/tax-regions", {
            "country_code": country,
            "province_code": province,
            "parent_id": ids[country],
            "default_tax_rate": {
                "rate": _num(rate),
                "code": province.upper(),
                "name": f"{province.upper()} combined rate",
            },
        })["tax_region"]["id"]
    return ids


def _default_shipping_profile(api: _Admin) -> str:
    profiles = api.get("/admin/shipping-profiles", type="default")["shipping_profiles"]
    if profiles:
        return profiles[0]["id"]
    return api.post("/admin/shipping-profiles", {"name": "Default", "type": "default"})[
        "shipping_profile"]["id"]


def _create_stock_location(api: _Admin, tag: str,
                           sales_channel_id: str) -> tuple[str, str, dict[str, str]]:
    location_id = api.post("/admin/stock-locations", {
        "name": f"Tilldesk shop {tag}",
        "address": {"address_1": "1 Main Street", "city": "New York", "country_code": "us",
                    "postal_code": "10001"},
    })["stock_location"]["id"]
    api.post(f"/admin/stock-locations/{location_id}/sales-channels", {"add": [sales_channel_id]})
    api.post(f"/admin/stock-locations/{location_id}/fulfillment-providers",
             {"add": ["manual_manual"]})
    location = api.post(f"/admin/stock-locations/{location_id}/fulfillment-sets",
                        {"name": f"Tilldesk shipping {tag}", "type": "shipping"},
                        fields="id,fulfillment_sets.id,fulfillment_sets.name")["stock_location"]
    fset_id = next(fs["id"] for fs in location["fulfillment_sets"]
                   if fs["name"] == f"Tilldesk shipping {tag}")
    zones: dict[str, str] = {}
    for currency, name, countries in (("usd", "United States", ["us"]),
                                      ("eur", "Germany and France", ["de", "fr"])):
        fset = api.post(f"/admin/fulfillment-sets/{fset_id}/service-zones", {
            "name": f"{name} {tag}",
            "geo_zones": [{"type": "country", "country_code": c} for c in countries],
        }, fields="id,service_zones.id,service_zones.name")["fulfillment_set"]
        zones[currency] = next(z["id"] for z in fset["service_zones"]
                               if z["name"] == f"{name} {tag}")
    return location_id, fset_id, zones


def _create_shipping_options(api: _Admin, tag: str, zones: Mapping[str, str],
                             profile_id: str) -> dict[str, dict[str, SeededShippingOption]]:
    options: dict[str, dict[str, SeededShippingOption]] = {}
    for currency, zone_id in zones.items():
        options[currency] = {}
        for code, (name, usd, eur) in SHIPPING_OPTIONS.items():
            amount = usd if currency == "usd" else eur
            created = api.post("/admin/shipping-options", {
                "name": name,
                "service_zone_id": zone_id,
                "shipping_profile_id": profile_id,
                "provider_id": "manual_manual",
                "price_type": "flat",
                "type": {"label": name, "description": name, "code": f"{code}-{tag}"},
                "prices": [{"currency_code": currency, "amount": _num(amount)}],
                "rules": [
                    {"attribute": "enabled_in_store", "operator": "eq", "value": "true"},
                    {"attribute": "is_return", "operator": "eq", "value": "false"},
                ],
            })["shipping_option"]
            options[currency][code] = SeededShippingOption(
                id=created["id"], code=code, name=name, currency_code=currency, amount=amount,
                service_zone_id=zone_id,
            )
    return options


def _product_payloads(tag: str, n_products: int, per_product: int, sales_channel_id: str,
                      profile_id: str, nonce: int) -> list[dict[str, Any]]:
    payloads = []
    for index in range(n_products):
        sizes = list(_SIZES[:per_product])
        variants = []
        for v, size in enumerate(sizes):
            seq = index * per_product + v
            usd, eur = _price_for(index, v)
            variants.append({
                "title": size,
                "sku": f"TD-{tag}-{index:05d}-{size}",
                "barcode": make_ean13(f"2{nonce:04d}{seq:07d}"),
                "manage_inventory": False,
                "allow_backorder": False,
                "options": {"Size": size},
                "prices": [
                    {"currency_code": "usd", "amount": _num(usd)},
                    {"currency_code": "eur", "amount": _num(eur)},
                ],
            })
        payloads.append({
            "title": f"Tilldesk article {index + 1} ({tag})",
            "handle": f"tilldesk-{tag}-{index:05d}",
            "status": "published",
            "discountable": True,
            "shipping_profile_id": profile_id,
            "sales_channels": [{"id": sales_channel_id}],
            "options": [{"title": "Size", "values": sizes}],
            "variants": variants,
        })
    return payloads


def _create_products(api: _Admin, tag: str, n_products: int, per_product: int,
                     sales_channel_id: str, profile_id: str,
                     ) -> tuple[list[str], list[SeededVariant]]:
    nonce = int(tag, 16) % 10_000 if all(c in "0123456789abcdef" for c in tag) else 0
    payloads = _product_payloads(tag, n_products, per_product, sales_channel_id, profile_id,
                                 nonce)
    sent: dict[str, dict[str, Any]] = {}
    for payload in payloads:
        for variant in payload["variants"]:
            sent[variant["sku"]] = variant
    product_ids: list[str] = []
    variants: list[SeededVariant] = []
    for batch in _chunks(payloads, PRODUCT_BATCH_SIZE):
        # Ask for few fields: the batch route re-reads every created product for its response.
        created = api.post("/admin/products/batch", {"create": list(batch)},
                           fields="id,variants.id,variants.sku,variants.title")["created"]
        for product in created:
            product_ids.append(product["id"])
            for variant in product["variants"]:
                spec = sent[variant["sku"]]
                variants.append(SeededVariant(
                    id=variant["id"], product_id=product["id"], title=variant["title"],
                    sku=variant["sku"], barcode=spec["barcode"],
                    prices={p["currency_code"]: Decimal(str(p["amount"]))
                            for p in spec["prices"]},
                ))
    if len(variants) != n_products * per_product:
        raise MedusaHarnessError(
            f"expected {n_products * per_product} variants, the server returned {len(variants)}"
        )
    variants.sort(key=lambda v: v.sku)
    return product_ids, variants


def _create_customers(api: _Admin, tag: str, n_customers: int | None) -> list[SeededCustomer]:
    people: Iterable[tuple[str, str, str, dict[str, str]]] = _CUSTOMERS
    if n_customers is not None:
        people = [_CUSTOMERS[i % len(_CUSTOMERS)] for i in range(n_customers)]
    customers = []
    for i, (first, last, local, address) in enumerate(people):
        email = f"{local}+{tag}-{i}@example.com"
        customer_id = api.post("/admin/customers", {
            "email": email,
            "first_name": first,
            "last_name": last,
            "phone": address.get("phone"),
            "metadata": {"seeded_by": f"tilldesk-{tag}"},
        })["customer"]["id"]
        body = {
            "first_name": first,
            "last_name": last,
            "is_default_shipping": True,
            "is_default_billing": True,
            **address,
        }
        customer = api.post(f"/admin/customers/{customer_id}/addresses", body,
                            fields="id,addresses.id")["customer"]
        customers.append(SeededCustomer(
            id=customer_id, email=email, first_name=first, last_name=last,
            address_id=customer["addresses"][0]["id"], address=dict(address),
        ))
    return customers


def _create_promotions(api: _Admin, tag: str) -> dict[str, SeededPromotion]:
    code_tag = tag.upper()
    specs = {
        # "across" spreads the 10 % over the items by value; "each" would need max_quantity.
        "percent10": {
            "code": f"TILL10-{code_tag}",
            "type": "standard",
            "status": "active",
            "is_automatic": False,
            "application_method": {
                "type": "percentage",
                "target_type": "items",
                "allocation": "across",
                "value": 10,
            },
        },
        "fixed5": {
            "code": f"TILL5USD-{code_tag}",
            "type": "standard",
            "status": "active",
            "is_automatic": False,
            "application_method": {
                "type": "fixed",
                "target_type": "order",
                "allocation": "across",
                "value": 5,
                "currency_code": "usd",
            },
        },
    }
    promotions = {}
    for key, body in specs.items():
        created = api.post("/admin/promotions", body)["promotion"]
        method = body["application_method"]
        promotions[key] = SeededPromotion(
            id=created["id"], code=body["code"], type=method["type"],
            value=Decimal(str(method["value"])), currency_code=method.get("currency_code"),
        )
    return promotions


__all__ = [
    "PROVINCE_TAX_RATES",
    "SHIPPING_OPTIONS",
    "TAX_RATES",
    "SeedResult",
    "SeededCustomer",
    "SeededPromotion",
    "SeededShippingOption",
    "SeededVariant",
    "ean13_check_digit",
    "is_valid_ean13",
    "make_ean13",
    "seed_catalog",
]
