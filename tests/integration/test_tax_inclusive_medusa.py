"""Prices typed at the till in a tax-inclusive region, against a real Medusa 2.21.2: a custom item,
a catalog price overridden and a shipping amount are what the customer pays, locally and on the
server, to the cent (issue 14). Medusa takes a price given in a draft-order request as net for
custom items and shipping; the sync sends those net of tax (app/sync/medusa_v2/bodies.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import DE_ADDRESS, ORDER_FIELDS, pull, push_until_settled, server_orders_for, till

from app.domain.money import round_money
from app.services import drafts, orders
from app.sync.medusa_v2.client import MedusaClient
from tests.medusa_harness.seed import SeedResult, seed_catalog

pytestmark = pytest.mark.medusa

TYPED = (Decimal("12.00"), Decimal("120.00"), Decimal("7.50"))


@pytest.fixture(scope="module")
def seed(medusa_server):
    return seed_catalog(medusa_server.base_url, medusa_server.api_key, n_products=2, variants_per_product=1)


def check_typed_prices_reach_medusa(base_url: str, api_key: str, seed: SeedResult, tmp_path: Path) -> dict[str, Any]:
    app, store, backend = till(tmp_path, base_url, api_key)
    client = MedusaClient(base_url, api_key, timeout=60)
    try:
        pull(store, backend)
        variant = seed.variants[0]
        option = seed.shipping_options["eur"]["courier"]
        draft = drafts.create_draft({
            "region_id": seed.regions["eur"], "sales_channel_id": seed.sales_channel_id,
            "email": f"typed.{seed.tag}@example.com", "shipping_address": DE_ADDRESS,
            "items": [{"title": "Maßanfertigung", "unit_price": "12.00", "quantity": 1},
                      {"variant_id": variant.id, "unit_price": "120.00", "quantity": 1}],
            "shipping_methods": [{"shipping_option_id": option.id, "amount": "7.50"}]}, app.uow()).value
        # The customer pays exactly the typed prices, the 19 % VAT inside them.
        assert draft.amount_due == sum(TYPED) == Decimal("139.50")
        assert abs(draft.totals.tax_total - Decimal("139.50") * 19 / 119) < Decimal("1e-15")
        order = orders.mark_paid({"draft_id": draft.id, "tenders": [{"kind": "cash", "amount": "140"}]},
                                 app.uow()).value
        assert order.change_given == Decimal("0.50")
        push_until_settled(store, backend, unknown_floor=1.0, base_delay=0.5)
        entry = store.for_order(order.id)
        assert entry.state == "synced", entry.last_error
        (found,) = [f for f in server_orders_for(client, order.id) if f.get("status") != "draft"]
        srv = client.get_order(found["id"], fields=ORDER_FIELDS + ",item_total,shipping_total")
        for key, ours in (("total", order.totals.total), ("tax_total", order.totals.tax_total),
                          ("item_total", order.totals.item_total), ("shipping_total", order.totals.shipping_total)):
            assert abs(Decimal(str(srv[key])) - ours) < Decimal("1e-12"), (key, srv[key], ours)
        assert round_money(Decimal(str(srv["total"])), "eur") == Decimal("139.50")
        assert srv["payment_status"] == "captured"
        assert round_money(Decimal(str(srv["summary"]["pending_difference"])), "eur") == 0
        # Each typed price is what that line or the shipping costs on the server, tax included.
        lines = sorted(round_money(Decimal(str(i["total"])), "eur") for i in srv["items"])
        assert lines == [Decimal("12.00"), Decimal("120.00")]
        (method,) = srv["shipping_methods"]
        assert round_money(Decimal(str(method["total"])), "eur") == Decimal("7.50")
        return srv
    finally:
        client.close()
        backend.close()
        app.close()


def test_prices_typed_in_a_tax_inclusive_region_are_what_the_customer_pays_here_and_on_medusa(
        medusa_server, seed, tmp_path):
    check_typed_prices_reach_medusa(medusa_server.base_url, medusa_server.api_key, seed, tmp_path)
