"""Pricing a draft: taxes from the shipping address, promotions from its codes, then totals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from .catalog import Promotion, Region, TaxRate
from .draft_order import DraftOrder
from .errors import DomainError
from .money import ZERO, exact
from .promotions import ItemBase, check_applicable, compute_adjustments, find_promotion
from .tax import check_addresses_in_region, tax_lines_for
from .totals import Adjustment, CalcLine, OrderTotals, compute_totals, line_totals

#: The totals strategies, named by the backend kind that computes that way.
V2_RULES = "medusa-v2"
V1_RULES = "medusa-v1"


def totals_rules(backend_kind: str | None) -> str:
    """The totals strategy a backend kind implies; anything but v1 computes as v2 does."""
    return V1_RULES if backend_kind == V1_RULES else V2_RULES


@dataclass(frozen=True, slots=True)
class PricedDraft:
    totals: OrderTotals
    adjustments: dict[str, list[Adjustment]]  # line id -> adjustments as Medusa would store them
    promo_discounts: dict[str, Decimal]  # code -> amount taken off
    tax_rate: Decimal  # the summed rate that applies to this draft's lines, percent
    problems: tuple[tuple[str, str], ...] = ()  # (code, why it was left out), lenient pricing only


def prices_include_tax(region: Region, *, custom_price: bool) -> bool:
    """In a tax-inclusive region every price includes tax: a catalog price, and just as much a
    price typed at the till (a custom item, a price override, a shipping amount), because a clerk
    in such a shop types what the customer pays. Medusa 2.21.2 would add tax on top of a price given
    in the request unless told otherwise; the sync sends ``is_tax_inclusive`` with such prices
    (app/sync/medusa_v2/bodies.py) so the server's order equals the till's. ``custom_price`` is kept
    so callers still say which kind of price they ask about."""
    del custom_price
    return region.is_tax_inclusive


@exact
def price_draft(draft: DraftOrder, region: Region, tax_rates: Sequence[TaxRate],
                promotions: Sequence[Promotion], *, paid_total: Decimal = ZERO, strict: bool = True,
                rules: str = V2_RULES) -> PricedDraft:
    """Strict pricing (Mark Paid, applying a code) refuses a code that does not apply; lenient
    pricing (showing a draft) leaves it out and reports why in `problems`. An address outside
    the region is refused by strict pricing; lenient pricing charges no tax for it.

    `rules` is the totals strategy of the shop's backend kind: "medusa-v2" (unrounded, the
    default) or "medusa-v1" (integers, rounded per line; :mod:`app.domain.totals_v1`)."""
    if strict:
        check_addresses_in_region(region, shipping_address=draft.shipping_address,
                                  billing_address=draft.billing_address)
    promos, problems = resolve_promotions(draft.promo_codes, promotions, draft.currency_code, strict=strict)
    if rules == V1_RULES:
        from .pricing_v1 import price_draft_v1

        return price_draft_v1(draft, region, tax_rates, promos, problems, paid_total=paid_total,
                              strict=strict)
    taxes = tax_lines_for(region, draft.shipping_address, tax_rates)
    bare_items = [CalcLine(i.id, i.unit_price, i.quantity, prices_include_tax(region, custom_price=i.is_custom_price),
                           taxes) for i in draft.items]
    bare_shipping = [CalcLine(m.id, m.amount, 1, prices_include_tax(region, custom_price=True), taxes)
                     for m in draft.shipping_methods]
    # Promotions see each line's totals before any adjustment (Medusa recomputes them from scratch).
    item_bases = [ItemBase(t.id, t.quantity, t.subtotal, t.original_total) for t in map(line_totals, bare_items)]
    ship_bases = [ItemBase(t.id, 1, t.subtotal, t.original_total)
                  for t in (line_totals(c, is_shipping=True) for c in bare_shipping)]
    per_line, per_code = compute_adjustments(promos, item_bases, ship_bases)
    totals = compute_totals(
        draft.currency_code,
        [replace(c, adjustments=tuple(per_line.get(c.id, ()))) for c in bare_items],
        [replace(c, adjustments=tuple(per_line.get(c.id, ()))) for c in bare_shipping],
        paid_total=paid_total,
    )
    return PricedDraft(totals=totals, adjustments=per_line, promo_discounts=per_code,
                       tax_rate=sum((t.rate for t in taxes), ZERO), problems=tuple(problems))


def resolve_promotions(codes: Sequence[str], promotions: Sequence[Promotion], currency_code: str,
                       *, strict: bool) -> tuple[list[Promotion], list[tuple[str, str]]]:
    found: list[Promotion] = []
    problems: list[tuple[str, str]] = []
    for code in codes:
        try:
            promo = find_promotion(code, promotions)
            check_applicable(promo, currency_code)
        except DomainError as exc:
            if strict:
                raise
            problems.append((code, exc.message))
            continue
        found.append(promo)
    return found, problems
