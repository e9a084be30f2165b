"""Tilldesk's totals and promotions against vectors computed by Medusa 2.21.2's own code."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.catalog import Allocation, ApplicationMethod, Promotion, PromotionTarget, PromotionType
from app.domain.money import sig20
from app.domain.promotions import ItemBase, compute_adjustments
from app.domain.totals import Adjustment, CalcLine, TaxLine, compute_totals, line_totals

VECTORS = json.loads((Path(__file__).parents[1] / "golden" / "medusa_totals_vectors.json").read_text())


def canon(s: str | Decimal) -> str:
    d = Decimal(s)
    if d == 0:
        return "0"
    t = format(d, "f")
    return t.rstrip("0").rstrip(".") if "." in t else t


def api(x: Decimal) -> str:
    return canon(sig20(x))


def calc(d: dict, *, price_key: str) -> CalcLine:
    return CalcLine(
        id=d["id"], unit_price=Decimal(d[price_key]), quantity=int(d.get("quantity", 1)),
        is_tax_inclusive=bool(d["is_tax_inclusive"]),
        tax_lines=tuple(TaxLine(rate=Decimal(t["rate"]), code=t["code"]) for t in d.get("tax_rates", [])),
        adjustments=tuple(Adjustment(amount=Decimal(a["amount"]), code=a["code"],
                                     is_tax_inclusive=bool(a.get("is_tax_inclusive")))
                          for a in d.get("adjustments", [])),
    )


LINE_FIELDS = ("subtotal", "tax_total", "total", "discount_subtotal", "discount_tax_total", "discount_total",
               "original_subtotal", "original_tax_total", "original_total")


@pytest.mark.parametrize("vector", VECTORS["totals_vectors"], ids=lambda v: v["name"])
def test_totals_match_medusa(vector: dict) -> None:
    inp = vector["input"]
    items = [calc(i, price_key="unit_price") for i in inp["items"]]
    ships = [calc(s, price_key="amount") for s in inp["shipping_methods"]]
    t = compute_totals("usd", items, ships)
    exact, shown = vector["expected_exact"], vector["expected"]
    for name, want in exact["order"].items():
        if name.startswith("credit_line"):
            assert want == "0"
            continue
        got = getattr(t, name)
        assert canon(got) == canon(want), f"order.{name}"
        assert api(got) == canon(shown["order"][name]), f"order.{name} (API form)"
    for kind, rows in (("items", t.items), ("shipping_methods", t.shipping_methods)):
        for got_line, want_line in zip(rows, exact[kind], strict=True):
            assert got_line.id == want_line["id"]
            for f in LINE_FIELDS:
                assert canon(getattr(got_line, f)) == canon(want_line[f]), f"{kind}[{got_line.id}].{f}"
            for got_tl, want_tl in zip(got_line.tax_lines, want_line["tax_lines"], strict=True):
                assert (canon(got_tl.subtotal), canon(got_tl.total)) == (canon(want_tl["subtotal"]), canon(want_tl["total"]))


@pytest.mark.parametrize("vector", VECTORS["promotion_vectors"], ids=lambda v: v["name"])
def test_promotions_match_medusa(vector: dict) -> None:
    inp = vector["input"]
    items = []
    for d in inp["items"]:
        lt = line_totals(calc({**d, "adjustments": []}, price_key="unit_price"))
        items.append(ItemBase(d["id"], int(d["quantity"]), lt.subtotal, lt.original_total))
    ships = []
    for d in inp["shipping_methods"]:
        lt = line_totals(calc({**d, "adjustments": []}, price_key="amount"), is_shipping=True)
        ships.append(ItemBase(d["id"], 1, lt.subtotal, lt.original_total))
    promos = [Promotion(
        id=p["code"], code=p["code"], is_tax_inclusive=bool(p.get("is_tax_inclusive")),
        application_method=ApplicationMethod(
            type=PromotionType(p["type"]), target_type=PromotionTarget(p["target_type"]),
            allocation=Allocation(p["allocation"]) if p.get("allocation") else Allocation.ACROSS,
            value=Decimal(p["value"]),
            max_quantity=int(p["max_quantity"]) if p.get("max_quantity") not in (None, "") else None))
        for p in inp["promotions"]]
    per_line, _ = compute_adjustments(promos, items, ships)
    got = sorted((line, a.code, canon(a.amount), a.is_tax_inclusive) for line, adjs in per_line.items() for a in adjs)
    want = sorted((a["target_id"], a["code"], canon(a["amount"]), bool(a["is_tax_inclusive"]))
                  for a in vector["expected"]["adjustments"])
    assert got == want
