"""Refunds, returns and cancellations of paid orders, with the money rules Medusa v2 uses.

What one unit of a line gives back is Medusa's ``refundable_total_per_unit`` (2.21.2,
``@medusajs/utils`` ``getLineItemsTotals``): the unit's share of the line's discount and its tax
included. The vectors in tests/golden/medusa_refund_vectors.json come from Medusa's own code.

Money changes hands here, so amounts are rounded to the currency once, cumulatively per line:
the first n units of a line give back ``round(per_unit * n)`` (all of them: the rounded
refundable total), so refunds of a line in any number of steps add up to refunding it at once.
The refund that leaves nothing unrefunded pays back exactly what is left of the payment, so
partial refunds always add up to what was paid, and no refund ever exceeds it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from .errors import InvalidValue
from .money import ZERO, div, dsum, exact, minor_units, money_str, round_money
from .order import Order, OrderStatus, PaymentStatus, TenderKind
from .totals import Adjustment

#: Id prefixes as Medusa uses them for refunds and returns.
REFUND_PREFIX = "ref"
RETURN_PREFIX = "ret"

HUNDRED = Decimal(100)
ONE = Decimal(1)


class OverRefund(InvalidValue):
    """More would go back than was paid and not yet refunded, or than was sold."""


# -- Medusa's refundable totals -------------------------------------------------------------
@exact
def item_refundable(unit_price: Decimal, quantity: int, is_tax_inclusive: bool, rates: Sequence[Decimal],
                    adjustments: Sequence[Adjustment], returned_quantity: int = 0) -> tuple[Decimal, Decimal]:
    """(refundable_total, refundable_total_per_unit) of one order line, exactly as Medusa 2.21.2.

    Quirks kept on purpose: a tax-inclusive line subtracts the discount WITH its tax from the gross
    price and adds no tax; a tax-exclusive line subtracts the discount before tax and taxes the rest
    with each rate on its own; the discount is spread per unit by a 20-place division."""
    sum_rate = div(dsum(rates), HUNDRED)
    disc_sub = disc_total = ZERO
    for a in adjustments:
        sub = div(a.amount, ONE + sum_rate) if a.is_tax_inclusive else a.amount
        disc_sub += sub
        disc_total += sub + sub * sum_rate
    current = Decimal(quantity - returned_quantity)
    discount = disc_total if is_tax_inclusive else disc_sub
    per_unit_discount = div(discount, Decimal(quantity)) if quantity else ZERO
    net = current * unit_price - current * per_unit_discount
    tax = ZERO if is_tax_inclusive else dsum(net * div(r, HUNDRED) for r in rates)
    total = net + tax
    return total, (ZERO if current == 0 else div(total, current))


@dataclass(frozen=True, slots=True)
class RefundableLine:
    """What the refund rules need of one sold line."""

    line_id: str
    title: str
    quantity: int
    refundable_total: Decimal  # exact, Medusa's figure for all units
    per_unit: Decimal  # exact


@exact
def cumulative_line_amount(line: RefundableLine, units: int, currency_code: str) -> Decimal:
    """What the first ``units`` units of a line give back, rounded to the currency."""
    # A discount larger than the line (Medusa does not clamp it) gives nothing back, never less.
    if units >= line.quantity:
        return max(round_money(line.refundable_total, currency_code), ZERO)
    return max(round_money(line.per_unit * units, currency_code), ZERO)


# -- refunds and returns as recorded --------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RefundTender:
    kind: TenderKind
    amount: Decimal
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class RefundLine:
    line_id: str
    quantity: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Refund:
    id: str
    order_id: str
    credit_note_number: str
    amount: Decimal
    lines: tuple[RefundLine, ...]
    shipping_amount: Decimal  # zero when the shipping was not refunded
    extra_amount: Decimal  # a plain (goodwill) amount
    adjustment: Decimal  # what the last refund adds or takes so the whole adds up to what was paid
    reason: str | None
    tenders: tuple[RefundTender, ...]
    created_at: datetime
    is_cancellation: bool = False
    staff_id: str | None = None

    @property
    def refunds_shipping(self) -> bool:
        return self.shipping_amount > 0


@dataclass(frozen=True, slots=True)
class ReturnLine:
    line_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class OrderReturn:
    id: str
    order_id: str
    refund_id: str | None
    lines: tuple[ReturnLine, ...]
    restock: bool
    created_at: datetime


# -- planning a refund ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RefundRequest:
    items: tuple[tuple[str, int], ...] = ()  # (line id, quantity)
    shipping: bool = False
    amount: Decimal = ZERO  # a plain amount on top (goodwill)
    everything: bool = False  # every unit and the shipping still unrefunded (a cancellation)


@dataclass(frozen=True, slots=True)
class RefundPlan:
    lines: tuple[RefundLine, ...]
    shipping_amount: Decimal
    extra_amount: Decimal
    adjustment: Decimal
    amount: Decimal
    payment_status: PaymentStatus  # the order's, once this refund is recorded
    leaves_nothing: bool = field(default=False)


def refunded_quantities(refunds: Sequence[Refund]) -> dict[str, int]:
    got: dict[str, int] = {}
    for r in refunds:
        for ln in r.lines:
            got[ln.line_id] = got.get(ln.line_id, 0) + ln.quantity
    return got


def refunded_amount_of_line(refunds: Sequence[Refund], line_id: str) -> Decimal:
    return dsum(ln.amount for r in refunds for ln in r.lines if ln.line_id == line_id)


@exact
def plan_refund(order: Order, lines: Sequence[RefundableLine], shipping_total: Decimal,
                previous: Sequence[Refund], request: RefundRequest) -> RefundPlan:
    """Checks a refund against what was sold, paid and already refunded, and prices it.
    Raises :class:`OverRefund` (naming the field) when it asks for more than is left."""
    cur = order.currency_code
    if order.status is OrderStatus.CANCELED and not request.everything:
        raise InvalidValue(f"order #{order.display_id} is canceled; nothing more can be refunded", field="order")
    # A cancellation refunds the order it has just canceled (request.everything).
    if order.payment_status not in (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED):
        raise InvalidValue(f"order #{order.display_id} is {order.payment_status.value}; only a paid order "
                           "can be refunded", field="order")
    by_id = {ln.line_id: ln for ln in lines}
    done = refunded_quantities(previous)
    shipping_done = any(r.refunds_shipping for r in previous)
    wanted: dict[str, int] = {}
    if request.everything:
        wanted = {ln.line_id: ln.quantity - done.get(ln.line_id, 0) for ln in lines
                  if ln.quantity - done.get(ln.line_id, 0) > 0}
    for i, (line_id, qty) in enumerate(request.items):
        if line_id not in by_id:
            raise InvalidValue(f"order #{order.display_id} has no line {line_id}", field=f"items.{i}.line_id")
        if qty <= 0:
            raise InvalidValue("must be at least 1", field=f"items.{i}.quantity")
        wanted[line_id] = wanted.get(line_id, 0) + qty
        left = by_id[line_id].quantity - done.get(line_id, 0)
        if wanted[line_id] > left:
            raise OverRefund(f"{by_id[line_id].title}: {wanted[line_id]} asked, only {left} of "
                             f"{by_id[line_id].quantity} not yet refunded", field=f"items.{i}.quantity")
    refund_lines = []
    for line_id, qty in wanted.items():
        ln, before = by_id[line_id], done.get(line_id, 0)
        amount = cumulative_line_amount(ln, before + qty, cur) - cumulative_line_amount(ln, before, cur)
        refund_lines.append(RefundLine(line_id=line_id, quantity=qty, amount=amount))
    shipping_amount = ZERO
    if request.shipping or (request.everything and not shipping_done and shipping_total > 0):
        if shipping_done:
            raise OverRefund("the shipping was refunded already", field="shipping")
        if shipping_total <= 0:
            raise InvalidValue("this order has no shipping to refund", field="shipping")
        shipping_amount = round_money(shipping_total, cur)
    extra = request.amount
    if extra < 0:
        raise InvalidValue("must not be negative", field="amount")
    if extra != round_money(extra, cur):
        raise InvalidValue(f"has more than {minor_units(cur)} decimals for {cur.upper()}", field="amount")
    remaining = order.paid_total - order.refunded_total
    computed = dsum(x.amount for x in refund_lines) + shipping_amount + extra
    leaves_nothing = (all(done.get(ln.line_id, 0) + wanted.get(ln.line_id, 0) >= ln.quantity for ln in lines)
                      and (shipping_total <= 0 or shipping_done or shipping_amount > 0))
    adjustment = ZERO
    if leaves_nothing and extra == 0:
        # The last goods to go back take what is left of the payment: rounding per line, earlier
        # goodwill amounts and the order's rounding to the currency are settled here.
        adjustment = remaining - computed
    unit = Decimal(1).scaleb(-minor_units(cur))
    slack = unit * (len(refund_lines) + (1 if shipping_amount else 0))
    if not leaves_nothing and extra == 0 and remaining < computed <= remaining + slack:
        # Lines rounded one by one can add up to a few minor units more than the rounded total
        # that was paid: never give back more than was paid.
        adjustment = remaining - computed
    amount = computed + adjustment
    if amount <= 0 and not (request.everything or request.items or request.shipping):
        raise InvalidValue("nothing to refund: choose items, the shipping or an amount", field="items")
    if amount > remaining:
        raise OverRefund(f"{money_str(amount, cur)} {cur.upper()} asked, only {money_str(remaining, cur)} "
                         "paid and not yet refunded", field="amount" if extra else "items")
    status = PaymentStatus.REFUNDED if order.refunded_total + amount >= order.paid_total \
        else PaymentStatus.PARTIALLY_REFUNDED
    return RefundPlan(lines=tuple(refund_lines), shipping_amount=shipping_amount, extra_amount=extra,
                      adjustment=adjustment, amount=amount, payment_status=status, leaves_nothing=leaves_nothing)


@exact
def check_tenders(amount: Decimal, currency_code: str, tenders: Sequence[RefundTender]) -> None:
    """The tenders that pay a refund back must add up to it exactly (no change on a refund)."""
    digits = minor_units(currency_code)
    for i, t in enumerate(tenders):
        if t.amount <= 0:
            raise InvalidValue("must be more than zero", field=f"tenders.{i}.amount")
        if t.amount != round_money(t.amount, currency_code):
            raise InvalidValue(f"has more than {digits} decimals for {currency_code.upper()}",
                               field=f"tenders.{i}.amount")
        if t.kind is TenderKind.CARD and not (t.reference or "").strip():
            raise InvalidValue("a card refund needs the card terminal's reference",
                               field=f"tenders.{i}.reference")
    total = dsum(t.amount for t in tenders)
    if total != amount:
        raise InvalidValue(f"the tenders add up to {money_str(total, currency_code)}, the refund is "
                           f"{money_str(amount, currency_code)} {currency_code.upper()}", field="tenders")


def default_tenders(order: Order, amount: Decimal, kind: TenderKind | None = None,
                    reference: str | None = None) -> tuple[RefundTender, ...]:
    """The tenders a cancellation pays back through: the one named, else the original payments,
    newest first, each up to what it paid."""
    if amount <= 0:
        return ()
    if kind is not None:
        return (RefundTender(kind=kind, amount=amount, reference=reference),)
    out: list[RefundTender] = []
    left = amount
    for p in reversed(order.payments):
        if left <= 0:
            break
        take = min(left, p.amount)
        if take > 0:
            out.append(RefundTender(kind=p.kind, amount=take, reference=p.reference or (
                "original payment" if p.kind is TenderKind.CARD else None)))
            left -= take
    if left > 0:
        out.append(RefundTender(kind=TenderKind.CASH, amount=left))
    return tuple(out)


def returned_quantities(returns: Sequence[OrderReturn]) -> dict[str, int]:
    got: dict[str, int] = {}
    for r in returns:
        for ln in r.lines:
            got[ln.line_id] = got.get(ln.line_id, 0) + ln.quantity
    return got


def check_return(order_display_id: int, sold: Mapping[str, int], previous: Sequence[OrderReturn],
                 items: Sequence[tuple[str, int]]) -> tuple[ReturnLine, ...]:
    """Returned quantities per line, never more than sold minus already returned."""
    done = returned_quantities(previous)
    wanted: dict[str, int] = {}
    for i, (line_id, qty) in enumerate(items):
        if line_id not in sold:
            raise InvalidValue(f"order #{order_display_id} has no line {line_id}", field=f"items.{i}.line_id")
        wanted[line_id] = wanted.get(line_id, 0) + qty
        if wanted[line_id] > sold[line_id] - done.get(line_id, 0):
            raise OverRefund(f"{wanted[line_id]} asked back, only {sold[line_id] - done.get(line_id, 0)} not yet "
                             "returned", field=f"items.{i}.quantity")
    return tuple(ReturnLine(line_id=k, quantity=v) for k, v in wanted.items())
