"""Promotion adjustments per line, rule for rule as Medusa v2's promotion module computes them
(tests/golden/README.md, section 6): promotions applied by value, largest first; each works on what
the earlier ones left; percentage or fixed; `each`, `once` or `across` lines; amounts stored at 20
significant digits like Medusa's bigNumber columns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .catalog import Allocation, Promotion, PromotionTarget, PromotionType
from .errors import InvalidValue, NotFound
from .money import ZERO, div, dsum, exact, mul, sig20
from .totals import Adjustment

EPS = Decimal("0.0001")  # MEDUSA_EPSILON
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class ItemBase:
    """A line as promotions see it: totals computed without any adjustment."""

    id: str
    quantity: int
    subtotal: Decimal  # net of tax
    original_total: Decimal  # with tax


def check_applicable(promotion: Promotion, currency_code: str) -> None:
    if promotion.status != "active":
        raise InvalidValue(f"promo code {promotion.code} is not active", field="promo_codes")
    am = promotion.application_method
    if am.type is PromotionType.FIXED and am.currency_code and am.currency_code.lower() != currency_code.lower():
        raise InvalidValue(
            f"promo code {promotion.code} is for {am.currency_code.upper()} orders, not {currency_code.upper()}",
            field="promo_codes")


def find_promotion(code: str, promotions: Sequence[Promotion]) -> Promotion:
    wanted = code.strip().upper()
    for p in promotions:
        if p.code.upper() == wanted:
            return p
    raise NotFound(f"promo code {code.strip()!r} does not exist", field="promo_codes")


@exact
def _items(promo: Promotion, items: Sequence[ItemBase], applied: dict[str, Decimal]) -> list[tuple[str, Decimal]]:
    am = promo.application_method
    incl = promo.is_tax_inclusive
    v = am.value
    mq = am.max_quantity
    allocation = am.allocation
    if am.target_type is PromotionTarget.ORDER and allocation not in (Allocation.EACH, Allocation.ONCE):
        allocation = Allocation.ACROSS

    def base(it: ItemBase) -> Decimal:
        return it.original_total if incl else it.subtotal

    def in_base(it: ItemBase) -> Decimal:
        a = applied.get(it.id, ZERO)
        return mul(a, div(it.original_total, it.subtotal)) if incl and it.subtotal else a

    eligible = [it for it in items if it.subtotal > 0]
    out: list[tuple[str, Decimal]] = []
    quota = mq
    if allocation is Allocation.ONCE:
        eligible.sort(key=lambda it: div(it.subtotal, Decimal(it.quantity)))
    line_items_amount = ZERO
    if allocation is Allocation.ACROSS:
        line_items_amount = dsum(base(it) - in_base(it) for it in eligible)
        if line_items_amount <= 0:
            return out
    for it in eligible:
        if allocation is Allocation.ONCE and (quota is None or quota <= 0):
            break
        b = base(it)
        if b <= 0:
            continue
        q = Decimal(it.quantity)
        if allocation is Allocation.ACROSS:
            qa = Decimal(min(it.quantity, mq)) if mq else q
            applicable = mul(div(b, q), qa) - in_base(it)
            if applicable <= EPS:
                continue
            if am.type is PromotionType.PERCENTAGE:
                value = mul(div(v, HUNDRED), applicable)
            else:
                share = mul(div(applicable, line_items_amount), v)
                value = share if share <= applicable else mul(share, div(div(mul(applicable, HUNDRED), share), HUNDRED))
        else:
            m_ = Decimal(min(quota, it.quantity)) if allocation is Allocation.ONCE and quota is not None \
                else (Decimal(mq) if mq is not None else Decimal(1))
            applicable = min(b - in_base(it), mul(div(b, q), m_))
            if applicable <= EPS:
                continue
            if am.type is PromotionType.PERCENTAGE:
                value = mul(div(v, HUNDRED), applicable)
            else:
                value = min(mul(v, min(q, m_)), applicable)
        amount = min(value, applicable)
        if amount <= EPS:
            continue
        step = mul(amount, div(it.subtotal, it.original_total)) if incl and it.original_total else amount
        applied[it.id] = applied.get(it.id, ZERO) + step
        if allocation is Allocation.ONCE and quota is not None:
            quota -= min(quota, it.quantity)
        out.append((it.id, amount))
    return out


@exact
def _shipping(promo: Promotion, methods: Sequence[ItemBase], applied: dict[str, Decimal]) -> list[tuple[str, Decimal]]:
    am = promo.application_method
    v = am.value
    out: list[tuple[str, Decimal]] = []
    if am.allocation is Allocation.ACROSS:
        total = dsum(m.subtotal - applied.get(m.id, ZERO) for m in methods)
        if total <= 0:
            return out
    ordered = sorted(methods, key=lambda m: m.subtotal) if am.allocation is Allocation.ONCE else list(methods)
    quota = am.max_quantity
    for m in ordered:
        if am.allocation is Allocation.ONCE and (quota is None or quota <= 0):
            break
        applicable = m.subtotal - applied.get(m.id, ZERO)
        if am.type is PromotionType.PERCENTAGE:
            value = mul(div(v, HUNDRED), applicable)
        elif am.allocation is Allocation.ACROSS:
            value = mul(div(applicable, total), v)
        else:
            value = v
        amount = min(value, applicable)
        if amount <= 0:
            continue
        applied[m.id] = applied.get(m.id, ZERO) + amount
        if am.allocation is Allocation.ONCE and quota is not None:
            quota -= 1
        out.append((m.id, amount))
    return out


def application_order(promotions: Sequence[Promotion]) -> list[Promotion]:
    # Medusa fetches by value descending and keeps that order (sorted() is stable for ties).
    return sorted(promotions, key=lambda p: p.application_method.value, reverse=True)


@exact
def compute_adjustments(promotions: Sequence[Promotion], items: Sequence[ItemBase],
                        shipping: Sequence[ItemBase]) -> tuple[dict[str, list[Adjustment]], dict[str, Decimal]]:
    """Per line id the adjustments (as Medusa stores them), and per code what it took off."""
    per_line: dict[str, list[Adjustment]] = {}
    per_code: dict[str, Decimal] = {}
    applied: dict[str, Decimal] = {}
    for promo in application_order(promotions):
        if promo.application_method.target_type is PromotionTarget.SHIPPING_METHODS:
            got = _shipping(promo, shipping, applied)
            incl = False  # shipping adjustments never carry is_tax_inclusive in Medusa
        else:
            got = _items(promo, items, applied)
            incl = promo.is_tax_inclusive
        taken = ZERO
        for line_id, amount in got:
            stored = sig20(amount)
            per_line.setdefault(line_id, []).append(Adjustment(amount=stored, code=promo.code, is_tax_inclusive=incl))
            taken += stored
        per_code[promo.code] = taken
    return per_line, per_code
