"""Tilldesk's v1 totals against vectors computed by a real Medusa 1.20.11 (tests/golden/gen_v1_totals.py),
and the v1/v2 strategies kept apart: v2 stays unrounded, v1 rounds per line."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.pricing import V1_RULES, V2_RULES, totals_rules
from app.domain.totals import CalcLine, TaxLine, compute_totals
from app.domain.totals_v1 import V1Discount, V1Line, compute_totals_v1, from_minor, to_minor

VECTORS = json.loads((Path(__file__).resolve().parents[1] / "golden" / "medusa_v1_totals_vectors.json")
                     .read_text(encoding="utf-8"))["vectors"]


def _compute(vec: dict):  # type: ignore[no-untyped-def]
    cur = vec["currency"]
    items = [V1Line(f"i{n}", from_minor(it["unit_price"], cur), it["quantity"], is_custom=it["custom"],
                    is_tax_inclusive=it["includes_tax"]) for n, it in enumerate(vec["items"])]
    ship = [V1Line(f"s{n}", from_minor(m["price"], cur), 1, is_tax_inclusive=m["includes_tax"])
            for n, m in enumerate(vec["shipping"])]
    disc = vec["discount"]
    discount = None if disc is None else V1Discount(
        "CODE", disc["type"], Decimal(disc["value"]) if disc["type"] == "percentage" else from_minor(disc["value"], cur))
    taxes = (TaxLine(Decimal(vec["tax_rate"]), "default"),)
    return compute_totals_v1(cur, items, ship, taxes, discount)


def test_the_vectors_cover_what_v1_rounds() -> None:
    assert len(VECTORS) >= 30
    assert any(it["includes_tax"] for v in VECTORS for it in v["items"])
    assert any(it["custom"] for v in VECTORS for it in v["items"])
    assert {v["discount"]["type"] for v in VECTORS if v["discount"]} == {"percentage", "fixed"}
    assert {v["tax_rate"] for v in VECTORS} >= {"8.875", "19.0", "5.5"}


@pytest.mark.parametrize("vec", VECTORS, ids=[v["name"] for v in VECTORS])
def test_v1_totals_match_medusa_1_20(vec: dict) -> None:  # type: ignore[type-arg]
    cur = vec["currency"]
    exp = vec["expected"]
    got = _compute(vec)
    m = lambda x: to_minor(x, cur)  # noqa: E731
    assert m(got.item_subtotal) == exp["subtotal"]
    assert m(got.discount_total) == exp["discount_total"]
    assert m(got.item_tax_total) == exp["item_tax_total"]
    assert m(got.shipping_subtotal) == exp["shipping_total"]
    assert m(got.shipping_tax_total) == exp["shipping_tax_total"]
    assert m(got.tax_total) == exp["tax_total"]
    assert m(got.total) == exp["total"]
    for line, want in zip(got.items, exp["items"], strict=True):
        assert (m(line.subtotal), m(line.discount_total), m(line.tax_total)) == \
            (want["subtotal"], want["discount_total"], want["tax_total"]), line.id


def test_readme_worked_example() -> None:
    """2x18.00 + 1x15.00 override + a 4.50 custom line, 5.99 shipping, 10 %, 8.875 % tax."""
    items = [V1Line("a", Decimal("18.00"), 2), V1Line("b", Decimal("15.00"), 1), V1Line("c", Decimal("4.50"), 1, is_custom=True)]
    t = compute_totals_v1("usd", items, [V1Line("s", Decimal("5.99"))], (TaxLine(Decimal("8.875"), "us"),),
                          V1Discount("TEN", "percentage", Decimal(10)))
    assert (t.item_subtotal, t.discount_total, t.item_tax_total, t.shipping_tax_total, t.total) == \
        (Decimal("55.50"), Decimal("5.10"), Decimal("4.08"), Decimal("0.53"), Decimal("61.00"))


def test_tax_inside_a_price_is_rounded_per_unit() -> None:
    t = compute_totals_v1("eur", [V1Line("a", Decimal("14.99"), 3, is_tax_inclusive=True)], (),
                          (TaxLine(Decimal(19), "de"),))
    assert t.item_subtotal == Decimal("37.79")
    assert t.total == Decimal("44.97")


def test_v2_stays_unrounded_where_v1_rounds() -> None:
    line = CalcLine("a", Decimal("0.333"), 7, tax_lines=(TaxLine(Decimal(10), "x"),))
    v2 = compute_totals("usd", [line])
    assert v2.total == Decimal("2.5641")
    v1 = compute_totals_v1("usd", [V1Line("a", Decimal("0.333"), 7)], (), (TaxLine(Decimal(10), "x"),))
    assert v1.total == Decimal("2.54")  # 0.33 a unit (v1 holds integers): 2.31 + round(23.1) cents


def test_the_strategy_follows_the_backend_kind() -> None:
    assert totals_rules("medusa-v1") == V1_RULES
    assert totals_rules("medusa-v2") == V2_RULES
    assert totals_rules(None) == V2_RULES
