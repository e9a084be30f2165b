"""The totals panel's rows add up on screen (to the cent), with tax on top and tax included."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.services import drafts, queries
from ui.display import parse_amount


def _amount(text: str) -> Decimal:
    value = parse_amount(text.replace("−", "-").replace("-$", "$-").replace("-€", "€-").replace("$", "").replace("€", ""))
    assert value is not None, text
    return value


@pytest.mark.parametrize("region_name", ["United States", "Europe"])
def test_rows_add_up_to_the_total(qtbot, till, region_name: str) -> None:
    from ui.totals_panel import TotalsPanel

    region = next(r for r in queries.regions(till.uow()) if r.name == region_name)
    country = region.countries[0]
    variants = queries.search_variants("", till.uow(), 3)
    option = queries.shipping_options(till.uow(), region.id)[1]
    d = drafts.create_draft({
        "region_id": region.id,
        "items": [{"variant_id": variants[0].id, "quantity": 3}, {"variant_id": variants[2].id, "quantity": 1},
                  {"title": "Gift wrap", "unit_price": "4.50", "quantity": 1}],
        "shipping_address": {"first_name": "Ann", "last_name": "Lee", "country_code": country,
                             **({"province": "NY"} if country == "us" else {})},
        "shipping_methods": [{"shipping_option_id": option.id}], "promo_codes": ["WELCOME10"]}, till.uow()).value
    panel = TotalsPanel()
    qtbot.addWidget(panel)
    panel.set_totals(d.totals, d.currency_code, tax_inclusive=d.is_tax_inclusive)
    items, disc, ship, tax, total = (_amount(panel.text(k)) for k in ("items", "discounts", "shipping", "tax", "total"))
    assert disc < 0 and tax > 0
    shown = items + disc + ship + (Decimal(0) if d.is_tax_inclusive else tax)
    # Each row is rounded for display on its own, so allow one cent per row.
    assert abs(shown - total) <= Decimal("0.02"), (items, disc, ship, tax, total)
    assert total == d.totals.total.quantize(Decimal("0.01"))
