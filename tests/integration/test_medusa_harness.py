"""The Medusa harness against a real Medusa 2.21.2: seed, draft order with exact totals, convert,
mark paid, and the secret API key as HTTP Basic. Doubles as the executable record of the request
bodies that work on 2.21.2 (the sync code sends the same shapes)."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

# tests/integration has no __init__.py, so pytest does not put the repository root on sys.path
# for this file; the harness lives in the ``tests`` package there. A stray namespace ``tests``
# (from some installed distribution) must not shadow it either.
_REPO_ROOT = str(Path(__file__).resolve().parents[2])
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)
if getattr(sys.modules.get("tests"), "__file__", "") is None:
    del sys.modules["tests"]

from tests.medusa_harness.seed import SeedResult, is_valid_ean13, seed_catalog  # noqa: E402
from tests.medusa_harness.server import MedusaServer  # noqa: E402

pytestmark = pytest.mark.medusa

TOTAL_FIELDS = (
    "id,status,is_draft_order,currency_code,payment_status,version,"
    "total,subtotal,tax_total,discount_total,discount_subtotal,"
    "item_total,item_subtotal,item_tax_total,item_discount_total,"
    "shipping_total,shipping_subtotal,shipping_tax_total,"
    "*items,*items.adjustments,*items.tax_lines,*shipping_methods,*shipping_methods.tax_lines,"
    "promotions.code,shipping_address.*,summary"
)


def body(resp: httpx.Response) -> dict[str, Any]:
    """Medusa's JSON with every number as an exact Decimal (its totals are unrounded decimals)."""
    assert resp.status_code < 400, f"{resp.request.method} {resp.request.url} -> {resp.status_code}: {resp.text}"
    return resp.json(parse_float=Decimal, parse_int=Decimal)


@pytest.fixture(scope="module")
def admin(medusa_server: MedusaServer):
    with medusa_server.client() as client:
        yield client


@pytest.fixture(scope="module")
def catalog(medusa_server: MedusaServer) -> SeedResult:
    return seed_catalog(medusa_server.base_url, medusa_server.jwt, n_products=6)


def test_server_is_stock_medusa_on_loopback(medusa_server: MedusaServer) -> None:
    assert medusa_server.base_url.startswith("http://127.0.0.1:")
    assert httpx.get(f"{medusa_server.base_url}/health", timeout=10).status_code == 200
    assert medusa_server.jwt.count(".") == 2
    assert medusa_server.api_key.startswith("sk_")


def test_secret_api_key_works_as_http_basic_only(medusa_server: MedusaServer, catalog: SeedResult) -> None:
    url = f"{medusa_server.base_url}/admin/regions"
    with medusa_server.client(use_api_key=True) as keyed:
        regions = body(keyed.get("/admin/regions", params={"fields": "id,currency_code"}))["regions"]
    assert {r["id"] for r in regions} >= {catalog.region_usd_id, catalog.region_eur_id}
    assert httpx.get(url, timeout=30).status_code == 401
    bearer = httpx.get(url, headers={"Authorization": f"Bearer {medusa_server.api_key}"}, timeout=30)
    assert bearer.status_code == 401
    wrong = httpx.get(url, auth=("sk_" + "0" * 64, ""), timeout=30)
    assert wrong.status_code == 401


def test_seed_creates_findable_variants_and_customers(admin: httpx.Client, catalog: SeedResult) -> None:
    assert len(catalog.variants) == 6 * 3
    assert len({v.sku for v in catalog.variants}) == 18
    assert all(is_valid_ean13(v.barcode) for v in catalog.variants)
    probe = catalog.variants[7]
    found = body(admin.get("/admin/product-variants",
                           params={"barcode": probe.barcode, "fields": "id,sku,barcode,manage_inventory"}))
    assert [(v["id"], v["sku"], v["manage_inventory"]) for v in found["variants"]] == [
        (probe.id, probe.sku, False)]
    lukasz = next(c for c in catalog.customers if c.first_name == "Łukasz")
    got = body(admin.get(f"/admin/customers/{lukasz.id}",
                         params={"fields": "id,first_name,last_name,addresses.*"}))["customer"]
    assert (got["first_name"], got["last_name"]) == ("Łukasz", "Żółć")
    assert got["addresses"][0]["address_1"] == "Friedrichstraße 123"
    promos = body(admin.get("/admin/promotions", params={"code": catalog.promo_codes["percent10"],
                                                         "fields": "id,code,status"}))["promotions"]
    assert [(p["code"], p["status"]) for p in promos] == [(catalog.promo_codes["percent10"], "active")]


def test_draft_order_totals_convert_and_mark_paid(admin: httpx.Client, catalog: SeedResult) -> None:
    first, second = catalog.variants[0], catalog.variants[4]
    shipping = catalog.shipping_options["usd"]["local"]
    customer = next(c for c in catalog.customers if c.address["country_code"] == "us")
    address = {
        "first_name": customer.first_name, "last_name": customer.last_name,
        "address_1": "350 Fifth Avenue", "city": "New York", "province": "us-ny",
        "postal_code": "10118", "country_code": "us", "phone": "+1 212 555 0100",
    }
    draft_body = {
        "region_id": catalog.region_usd_id,
        "sales_channel_id": catalog.sales_channel_id,
        "customer_id": customer.id,
        "currency_code": "usd",
        "items": [
            {"variant_id": first.id, "quantity": 3},
            {"variant_id": second.id, "quantity": 2},
            {"title": "Gift wrapping", "unit_price": 2.5, "quantity": 1},
        ],
        "shipping_methods": [
            {"shipping_option_id": shipping.id, "name": shipping.name, "amount": float(shipping.amount)},
        ],
        "shipping_address": address,
        "billing_address": address,
        "promo_codes": [catalog.promo_codes["percent10"]],
        "metadata": {"tilldesk_id": "till-1/draft-1"},
    }
    draft = body(admin.post("/admin/draft-orders", json=draft_body,
                            params={"fields": TOTAL_FIELDS}))["draft_order"]
    assert draft["status"] == "draft" and draft["is_draft_order"] is True

    # Expected values in the server's own arithmetic: exact decimals, the 10 % taken off each
    # line before tax, US tax 8.875 % on items and shipping, nothing rounded.
    rate = catalog.tax_rates["us"] / 100
    item_subtotal = first.prices["usd"] * 3 + second.prices["usd"] * 2 + Decimal("2.5")
    discount = item_subtotal * Decimal("0.1")
    item_tax = (item_subtotal - discount) * rate
    shipping_tax = shipping.amount * rate
    expected = {
        "item_subtotal": item_subtotal,
        "discount_subtotal": discount,
        "discount_total": discount * (1 + rate),
        "item_tax_total": item_tax,
        "item_total": item_subtotal - discount + item_tax,
        "shipping_subtotal": shipping.amount,
        "shipping_tax_total": shipping_tax,
        "shipping_total": shipping.amount + shipping_tax,
        "subtotal": item_subtotal + shipping.amount,
        "tax_total": item_tax + shipping_tax,
        "total": item_subtotal - discount + item_tax + shipping.amount + shipping_tax,
    }
    assert {k: draft[k] for k in expected} == expected
    assert [p["code"] for p in draft["promotions"]] == [catalog.promo_codes["percent10"]]
    assert {tl["rate"] for it in draft["items"] for tl in it["tax_lines"]} == {catalog.tax_rates["us"]}
    assert all(it["is_tax_inclusive"] is False for it in draft["items"])
    assert draft["summary"]["pending_difference"] == expected["total"]

    order_id = draft["id"]
    converted = body(admin.post(f"/admin/draft-orders/{order_id}/convert-to-order"))["order"]
    assert (converted["id"], converted["status"]) == (order_id, "pending")
    again = admin.post(f"/admin/draft-orders/{order_id}/convert-to-order")
    assert again.status_code == 400

    order = body(admin.get(f"/admin/orders/{order_id}",
                           params={"fields": "id,status,payment_status,total,summary"}))["order"]
    assert order["payment_status"] == "not_paid"
    assert order["total"] == expected["total"]
    pending = order["summary"]["pending_difference"]
    assert pending == expected["total"]

    collection = body(admin.post("/admin/payment-collections",
                                 json={"order_id": order_id, "amount": float(pending)}))["payment_collection"]
    assert collection["status"] == "not_paid"
    paid = body(admin.post(f"/admin/payment-collections/{collection['id']}/mark-as-paid",
                           json={"order_id": order_id}))["payment_collection"]
    assert paid["status"] == "completed"

    order = body(admin.get(f"/admin/orders/{order_id}",
                           params={"fields": "id,status,payment_status,total,summary,metadata"}))["order"]
    assert order["payment_status"] == "captured"
    assert order["summary"]["pending_difference"] == 0
    assert order["metadata"] == {"tilldesk_id": "till-1/draft-1"}
    twice = admin.post(f"/admin/payment-collections/{collection['id']}/mark-as-paid",
                       json={"order_id": order_id})
    assert twice.status_code == 400


def test_eur_region_prices_include_vat(admin: httpx.Client, catalog: SeedResult) -> None:
    """EUR shelf prices are gross: the line total is price x quantity and VAT is carved out of it."""
    variant = catalog.variants[2]
    shipping = catalog.shipping_options["eur"]["pickup"]
    lukasz = next(c for c in catalog.customers if c.first_name == "Łukasz")
    draft = body(admin.post("/admin/draft-orders", json={
        "region_id": catalog.region_eur_id,
        "sales_channel_id": catalog.sales_channel_id,
        "customer_id": lukasz.id,
        "items": [{"variant_id": variant.id, "quantity": 2}],
        "shipping_methods": [{"shipping_option_id": shipping.id, "name": shipping.name, "amount": 0}],
        # A string here must be an existing *order* address id; a customer address id (cuaddr_)
        # gives 404 on 2.21.2, so the address goes as an object.
        "shipping_address": {"first_name": lukasz.first_name, "last_name": lukasz.last_name,
                             **lukasz.address},
    }, params={"fields": TOTAL_FIELDS}))["draft_order"]
    (line,) = draft["items"]
    assert line["is_tax_inclusive"] is True
    assert [tl["rate"] for tl in line["tax_lines"]] == [catalog.tax_rates["de"]]
    gross = variant.prices["eur"] * 2
    assert draft["total"] == gross
    # Carving VAT out divides (rounded at 20 places), and JSON numbers are doubles (17 digits):
    # the net + tax equals the gross only to that precision. raw_* fields carry exact strings.
    assert abs(draft["tax_total"] + draft["subtotal"] - gross) < Decimal("1e-12")
    assert draft["tax_total"] == pytest.approx(gross - gross / Decimal("1.19"), abs=Decimal("1e-12"))
    assert draft["shipping_address"]["last_name"] == "Żółć"


def test_fixed_amount_code_applies_to_a_draft(admin: httpx.Client, catalog: SeedResult) -> None:
    variant = catalog.variants[5]
    shipping = catalog.shipping_options["usd"]["pickup"]
    draft = body(admin.post("/admin/draft-orders", json={
        "region_id": catalog.region_usd_id,
        "sales_channel_id": catalog.sales_channel_id,
        "email": "walk-in@example.com",
        "items": [{"variant_id": variant.id, "quantity": 4}],
        "shipping_methods": [{"shipping_option_id": shipping.id, "name": shipping.name, "amount": 0}],
        "promo_codes": [catalog.promo_codes["fixed5"]],
    }, params={"fields": TOTAL_FIELDS}))["draft_order"]
    assert draft["discount_subtotal"] == Decimal("5")
    # No shipping address: the server charges no tax at all.
    assert draft["tax_total"] == 0
    assert draft["total"] == variant.prices["usd"] * 4 - 5
