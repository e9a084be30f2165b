"""Pricing a draft on a Medusa v1 shop: the same inputs as :func:`app.domain.pricing.price_draft`,
v1's arithmetic (:mod:`app.domain.totals_v1`). v1 takes one discount code per cart; its
discounts arrive from the sync as promotions (percentage, or a fixed amount across the order)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from .catalog import Promotion, PromotionTarget, PromotionType, Region, TaxRate
from .draft_order import DraftOrder
from .errors import InvalidValue
from .money import ZERO, exact
from .tax import tax_lines_for
from .totals import Adjustment
from .totals_v1 import V1Discount, V1Line, compute_totals_v1

if TYPE_CHECKING:
    from .pricing import PricedDraft

__all__ = ["price_draft_v1", "v1_discount"]


def v1_discount(promos: Sequence[Promotion], *, strict: bool) -> tuple[V1Discount | None, list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    usable: list[Promotion] = []
    for p in promos:
        am = p.application_method
        if am.target_type is PromotionTarget.SHIPPING_METHODS:
            problems.append((p.code, "shipping discounts are not supported on a Medusa v1 shop"))
        else:
            usable.append(p)
    if len(usable) > 1:
        if strict:
            raise InvalidValue("a Medusa v1 shop takes one discount code per order", field="promo_codes")
        problems += [(p.code, "a Medusa v1 shop takes one discount code per order") for p in usable[1:]]
    if not usable:
        return None, problems
    am = usable[0].application_method
    kind = "percentage" if am.type is PromotionType.PERCENTAGE else "fixed"
    return V1Discount(usable[0].code, kind, am.value), problems


@exact
def price_draft_v1(draft: DraftOrder, region: Region, tax_rates: Sequence[TaxRate], promos: list[Promotion],
                   problems: list[tuple[str, str]], *, paid_total: Decimal = ZERO, strict: bool = True) -> PricedDraft:
    from .pricing import PricedDraft  # pricing imports this module: import at call time

    taxes = tax_lines_for(region, draft.shipping_address, tax_rates)
    discount, more = v1_discount(promos, strict=strict)
    items = [V1Line(i.id, i.unit_price, i.quantity, is_custom=i.is_custom_item,
                    is_tax_inclusive=region.is_tax_inclusive and not i.is_custom_price) for i in draft.items]
    # A v1 shipping option carries its own includes_tax; the till's option follows its region.
    shipping = [V1Line(m.id, m.amount, 1, is_tax_inclusive=region.is_tax_inclusive or m.is_tax_inclusive)
                for m in draft.shipping_methods]
    totals = compute_totals_v1(draft.currency_code, items, shipping, taxes, discount, paid_total=paid_total)
    adjustments = {t.id: [Adjustment(t.discount_total, discount.code)] for t in totals.items
                   if discount is not None and t.discount_total > 0}
    per_code = {discount.code: totals.discount_total} if discount is not None else {}
    return PricedDraft(totals=totals, adjustments=adjustments, promo_discounts=per_code,
                       tax_rate=sum((t.rate for t in taxes), ZERO), problems=tuple(problems + more))
