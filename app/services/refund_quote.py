"""What the window's refund dialog reads before a refund is recorded: each line's quantity still
refundable and what it gives back, the shipping, what was paid and not yet refunded, the
original tenders; and the exact figure a refund would come to (the same planning as
``refunds.refund_order``, nothing written). Also the names behind the staff ids of refunds."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.domain.errors import NotFound
from app.domain.exchange import open_credits
from app.domain.money import round_money
from app.domain.refunds import RefundRequest, cumulative_line_amount, plan_refund, refunded_quantities

from .commands import Command
from .context import UnitOfWork
from .errors import parse
from .exchange_credit import draft_is_open
from .refunds import RefundItem, refundable_lines

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class RefundableLineDTO:
    line_id: str
    title: str
    sold: int
    left: int  # units not yet refunded
    amount_left: Decimal  # what all of them give back, rounded to the currency


@dataclass(frozen=True, slots=True)
class OriginalTender:
    kind: str  # cash | card | other
    amount: Decimal
    reference: str | None


@dataclass(frozen=True, slots=True)
class RefundableDTO:
    order_id: str
    display_id: int
    invoice_number: str
    currency_code: str
    lines: tuple[RefundableLineDTO, ...]
    shipping_amount: Decimal  # zero: no shipping, or refunded already
    remaining: Decimal  # paid and not yet refunded
    tenders: tuple[OriginalTender, ...]  # newest first, as a cancellation pays back
    open_credit: Decimal = ZERO  # exchange credit no draft holds (its draft was deleted): Exchange picks it up


class QuoteRefund(Command):
    """A refund as the dialog has it so far; no tenders (they follow the figure)."""

    order_id: str
    items: list[RefundItem] = []
    shipping: bool = False
    amount: Decimal = ZERO


def refundable(order_id: str, uow: UnitOfWork) -> RefundableDTO:
    with uow:
        order = uow.orders.get(order_id)
        lines, shipping_total = refundable_lines(uow, order)
        previous = uow.refunds.for_order(order.id)
        done = refunded_quantities(previous)
        cur = order.currency_code
        out = []
        for ln in lines:
            before = done.get(ln.line_id, 0)
            amount = cumulative_line_amount(ln, ln.quantity, cur) - cumulative_line_amount(ln, before, cur)
            out.append(RefundableLineDTO(line_id=ln.line_id, title=ln.title, sold=ln.quantity,
                                         left=max(ln.quantity - before, 0), amount_left=amount))
        shipping_done = any(r.refunds_shipping for r in previous)
        shipping = ZERO if shipping_done or shipping_total <= 0 else round_money(shipping_total, cur)
        tenders = tuple(OriginalTender(kind=p.kind.value, amount=p.amount, reference=p.reference)
                        for p in reversed(order.payments))
        return RefundableDTO(order_id=order.id, display_id=order.display_id, invoice_number=order.invoice_number,
                             currency_code=cur, lines=tuple(out), shipping_amount=shipping,
                             remaining=order.paid_total - order.refunded_total, tenders=tenders,
                             open_credit=sum((c.amount for c in open_credits(uow.refunds.for_order(order.id),
                                                                             lambda d: draft_is_open(uow, d))), ZERO))


def quote_refund(cmd: QuoteRefund | dict[str, Any], uow: UnitOfWork) -> Decimal:
    """The amount the refund would pay back, or the refund's own error naming the field
    (over-refund, nothing chosen, too many decimals). Reads only."""
    cmd = parse(QuoteRefund, cmd)
    with uow:
        order = uow.orders.get(cmd.order_id)
        lines, shipping_total = refundable_lines(uow, order)
        request = RefundRequest(items=tuple((i.line_id, i.quantity) for i in cmd.items), shipping=cmd.shipping,
                                amount=cmd.amount)
        return plan_refund(order, lines, shipping_total, uow.refunds.for_order(order.id), request).amount


def staff_names(staff_ids: list[str], uow: UnitOfWork) -> dict[str, str]:
    """Who did it, by name; an id whose account is gone stays as it is."""
    names: dict[str, str] = {}
    with uow:
        for sid in {s for s in staff_ids if s}:
            try:
                names[sid] = uow.staff.get(sid).name
            except NotFound:
                names[sid] = sid
    return names
