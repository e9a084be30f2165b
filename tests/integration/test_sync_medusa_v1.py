"""The sync against a real Medusa 1.20.11: pull the seeded catalog, push 20 varied paid orders and
check each on the server, exactly once, captured, with the same items and totals to the cent, and a
totals mismatch stopping before anything is charged."""

from __future__ import annotations

import pytest
from sync_helpers import push_until_settled
from v1_helpers import make_v1_orders, v1_admin, v1_drafts_for, v1_orders_for, v1_till

from app.domain.totals_v1 import to_minor
from app.services import drafts, orders, queries
from app.sync.medusa_v1.client import MedusaV1Client
from app.sync.pull import CatalogPuller
from tests.medusa_v1_harness.seed import seed_v1

pytestmark = pytest.mark.medusa


@pytest.fixture(scope="module")
def seed(medusa_v1_server):  # noqa: F811
    return seed_v1(medusa_v1_server.base_url, medusa_v1_server.api_token, n_products=6)


def _server_ids(http, path, key, params=None):
    ids, offset = set(), 0
    while True:
        data = http.get(path, params={**(params or {}), "limit": 100, "offset": offset}).json()
        ids |= {x["id"] for x in data[key]}
        offset += len(data[key])
        if offset >= data["count"] or not data[key]:
            return ids


def test_pull_mirrors_the_v1_catalog_then_only_what_changed(medusa_v1_server, seed, tmp_path):  # noqa: F811
    srv = medusa_v1_server
    app, store, backend = v1_till(tmp_path, srv.base_url, srv.api_token)
    seen = []
    CatalogPuller(store, backend.catalog(), page_size=5, progress=seen.append).pull()
    with v1_admin(srv.base_url, srv.api_token) as http:
        assert store.local_ids("products") == _server_ids(http, "/admin/products", "products")
        assert store.local_ids("variants") == _server_ids(http, "/admin/variants", "variants")
        assert store.local_ids("regions") == _server_ids(http, "/admin/regions", "regions")
        assert store.local_ids("customers") == _server_ids(http, "/admin/customers", "customers")
        with app.uow() as uow:
            local_codes = {p.code for p in uow.catalog.promotions()}
            v = seed.variants[0]
            local = uow.catalog.variant_by_sku(v.sku)
            rates = {(r.country_code, str(r.rate)) for r in uow.catalog.tax_rates()}
        assert local_codes == {d["code"] for d in http.get("/admin/discounts", params={"limit": 100}).json()["discounts"]}
        assert set(seed.discount_codes.values()) <= local_codes
        # Minor units on the server, exact major units at the till.
        assert local.id == v.id and {c: to_minor(a, c) for c, a in local.prices.items()} == v.prices
        regions = {r.id: r for r in queries.regions(app.uow())}
        assert regions[seed.regions["eur"]].is_tax_inclusive and not regions[seed.regions["usd"]].is_tax_inclusive
        assert ("us", "8.875") in rates and ("de", "19") in rates
        opts = {o.id: o for o in queries.shipping_options(app.uow(), seed.regions["usd"])}
        assert str(opts[seed.shipping_options["usd"]["standard"]].amount) in ("5.99",)
        last = [p for p in seen if p.kind == "products"][-1]
        assert last.done == last.total == len(store.local_ids("variants"))

        # The server deletes one product and renames another: mirrored, and only what changed comes back.
        extra = http.post("/admin/products", json={"title": "Wegwerf", "options": [{"title": "S"}], "variants": [
            {"title": "X", "prices": [{"currency_code": "usd", "amount": 100}], "options": [{"value": "x"}]}]})
        renamed = extra.json()["product"]["id"]
        gone = http.post("/admin/products", json={"title": "Gone", "options": [{"title": "S"}], "variants": [
            {"title": "Y", "prices": [{"currency_code": "usd", "amount": 100}], "options": [{"value": "y"}]}]}
                         ).json()["product"]["id"]
        CatalogPuller(store, backend.catalog()).pull()
        assert {renamed, gone} <= store.local_ids("products")
        assert http.delete(f"/admin/products/{gone}").status_code == 200
        assert http.post(f"/admin/products/{renamed}", json={"title": "Umbenannt ✓"}).status_code == 200
        report = CatalogPuller(store, backend.catalog()).pull()
        assert gone not in store.local_ids("products")
        assert report.kinds["products"].fetched_ids == [renamed]
        assert report.kinds["products"].deleted == 1
    backend.close()
    app.close()


def test_twenty_v1_orders_reach_the_server_once_paid_with_equal_totals(medusa_v1_server, seed, tmp_path):  # noqa: F811
    srv = medusa_v1_server
    app, store, backend = v1_till(tmp_path, srv.base_url, srv.api_token)
    CatalogPuller(store, backend.catalog()).pull()
    made = make_v1_orders(app, seed, 20)
    assert store.counts()["queued"] == 20
    push_until_settled(store, backend, unknown_floor=1.0, base_delay=0.5, max_delay=5)
    problems = [(e.order_id, e.last_error) for e in store.entries(["needs_attention"])]
    assert store.counts()["synced"] == 20, problems
    client = MedusaV1Client(srv.base_url, srv.api_token, timeout=60)
    for order in made:
        local = orders.get_order(order.id, app.uow())
        found = v1_orders_for(client, order.id)
        assert len(found) == 1, (order.id, [f["id"] for f in found])
        got = client.get_order(found[0]["id"])
        assert got["payment_status"] == "captured" and got["status"] == "pending"
        assert local.sync.server_display_id == got["display_id"]
        # The order's own id (order_...), not the draft's (dorder_...) it came from.
        assert local.sync.server_order_id == got["id"] and got["id"].startswith("order_")
        cur = local.currency_code
        # To the cent: the till computed v1's way.
        assert got["total"] == to_minor(local.totals.total, cur), (order.id, got["total"], local.totals.total)
        assert got["tax_total"] == to_minor(local.totals.tax_total, cur)
        assert got["discount_total"] == to_minor(local.totals.discount_total, cur)
        assert got["paid_total"] == got["total"]
        theirs = sorted((it.get("variant_id") or "", it["title"], it["quantity"], it["unit_price"]) for it in got["items"])
        ours = sorted((it.variant_id or "", it.title, it.quantity, to_minor(it.unit_price, cur)) for it in local.items)
        if any(not it.variant_id for it in local.items):
            assert [t for t in theirs if not t[0]] == [t for t in ours if not t[0]]
        assert [(t[0], t[2], t[3]) for t in theirs] == [(t[0], t[2], t[3]) for t in ours]
        assert got["metadata"]["tilldesk_invoice_number"] == local.invoice_number
        assert got["shipping_address"]["last_name"] == local.shipping_address.last_name
        drafts_found = v1_drafts_for(client, order.id)
        assert len(drafts_found) == 1 and drafts_found[0]["status"] == "completed"
    pushed = store.customer("cus_v1_local_1")
    assert pushed.server_id and pushed.server_id.startswith("cus_")
    assert client.get_order(v1_orders_for(client, made[4].id)[0]["id"])["customer_id"] == pushed.server_id
    client.close()
    backend.close()
    app.close()


def test_a_v1_totals_mismatch_needs_attention_and_charges_nothing(medusa_v1_server, seed, tmp_path):  # noqa: F811
    """The shop changes a price after the till sold at the old one: the server's total differs, so
    the push stops at the comparison, with the draft on the server unpaid."""
    srv = medusa_v1_server
    app, store, backend = v1_till(tmp_path, srv.base_url, srv.api_token)
    CatalogPuller(store, backend.catalog()).pull()
    v = seed.variants[-1]
    draft = drafts.create_draft({"region_id": seed.regions["usd"], "email": f"preis.{seed.tag}@example.com",
                                 "items": [{"variant_id": v.id, "quantity": 2}], "shipping_address": {
                                     "first_name": "A", "last_name": "B", "address_1": "1 Road", "city": "NYC",
                                     "postal_code": "10001", "country_code": "us", "province": "NY"},
                                 "shipping_methods": [{"shipping_option_id": seed.shipping_options["usd"]["standard"]}]},
                                app.uow()).value
    order = orders.mark_paid({"draft_id": draft.id}, app.uow()).value
    with v1_admin(srv.base_url, srv.api_token) as http:
        assert http.post(f"/admin/products/{v.product_id}/variants/{v.id}", json={
            "prices": [{"currency_code": "usd", "amount": v.prices["usd"] + 100},
                       {"currency_code": "eur", "amount": v.prices["eur"]}]}).status_code == 200
    push_until_settled(store, backend, unknown_floor=1.0, base_delay=0.5)
    entry = store.for_order(order.id)
    assert entry.state == "needs_attention" and entry.step == 2, (entry.state, entry.last_error)
    assert "total: shop server" in entry.last_error
    client = MedusaV1Client(srv.base_url, srv.api_token, timeout=60)
    assert v1_orders_for(client, order.id) == []
    found = v1_drafts_for(client, order.id)
    assert len(found) == 1 and found[0]["status"] == "open"
    client.close()
    backend.close()
    app.close()
