"""Refunds, returns and the cancellation of a paid order: one commit each.

A refund takes the till's next gapless credit note number (``<invoice prefix>-CN-<year>-<n>``) in
the same transaction that records it, moves the order's refunded total and payment status, and
queues its own outbox entry; a return with it records the quantities per line. Cancelling a paid
order refunds everything still refundable and marks it canceled in one commit; a sale the sync has
not started yet is then never pushed (neither the sale nor the cancel goes), otherwise the sale is
pushed first and the cancel after it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field

from app.domain import clock, exchange, ids
from app.domain import outbox as ob
from app.domain.changes import OpResult
from app.domain.invoice_numbers import format_invoice_number
from app.domain.order import Order, PaymentStatus, TenderKind
from app.domain.outbox import OutboxKind
from app.domain.permissions import GuardedAction, Permit
from app.domain.refunds import (
    REFUND_PREFIX,
    RETURN_PREFIX,
    OrderReturn,
    Refund,
    RefundableLine,
    RefundRequest,
    RefundTender,
    check_return,
    check_tenders,
    default_tenders,
    item_refundable,
    plan_refund,
)

from . import audit, guard, tills
from .commands import Command, PositiveAmount, Quantity, Text
from .context import UnitOfWork
from .dto import OrderDTO
from .dto_builders import order_dto
from .errors import parse
from .snapshot import totals_from_dict

ZERO = Decimal(0)


class RefundItem(Command):
    line_id: Annotated[str, Field(min_length=1, max_length=100)]
    quantity: Quantity


class RefundTenderInput(Command):
    kind: Literal["cash", "card", "other"]
    amount: PositiveAmount
    reference: Annotated[str | None, Field(max_length=100)] = None


class RefundOrder(Command):
    order_id: str
    items: list[RefundItem] = Field(default_factory=list, max_length=500)
    shipping: bool = False
    amount: Annotated[Decimal, Field(ge=0, lt=Decimal(10**9), allow_inf_nan=False)] = ZERO
    tenders: list[RefundTenderInput] = Field(min_length=1, max_length=20)
    restock: bool = False
    reason: Text | None = None
    staff_id: Annotated[str | None, Field(max_length=100)] = None


class CancelPaidOrder(Command):
    order_id: str
    tender_kind: Literal["cash", "card", "other"] | None = None
    tender_reference: Annotated[str | None, Field(max_length=100)] = None
    reason: Text | None = None
    staff_id: Annotated[str | None, Field(max_length=100)] = None


def credit_note_prefix(uow: UnitOfWork) -> str:
    return tills.credit_note_prefix(uow)


def refundable_lines(uow: UnitOfWork, order: Order) -> tuple[list[RefundableLine], Decimal]:
    """Each sold line with Medusa's refundable figures, and the shipping's total, from the totals
    frozen at Mark Paid (a later catalog change never moves what a refund gives back)."""
    draft = uow.drafts.get(order.draft_order_id)
    totals, adjustments = totals_from_dict(uow.orders.totals_snapshot(order.id))
    by_id = {t.id: t for t in totals.items}
    lines = []
    for it in draft.items:
        t = by_id[it.id]
        total, per_unit = item_refundable(it.unit_price, it.quantity, it.is_tax_inclusive,
                                          [tl.rate for tl in t.tax_lines], adjustments.get(it.id, []))
        lines.append(RefundableLine(line_id=it.id, title=it.title, quantity=it.quantity,
                                    refundable_total=total, per_unit=per_unit))
    return lines, totals.shipping_total


def _next_credit_note(uow: UnitOfWork, year: int) -> str:
    prefix = credit_note_prefix(uow)
    return format_invoice_number(prefix, year, uow.counters.next_invoice(prefix, year))


def _record(uow: UnitOfWork, order: Order, request: RefundRequest, tenders: tuple[RefundTender, ...],
            reason: str | None, staff_id: str | None, *, cancellation: bool,
            exchange_draft_id: str | None = None) -> Refund | None:
    lines, shipping_total = refundable_lines(uow, order)
    plan = plan_refund(order, lines, shipping_total, uow.refunds.for_order(order.id), request)
    if cancellation and plan.amount == 0:
        return None
    if cancellation and not tenders:
        tenders = default_tenders(order, plan.amount)
    if exchange_draft_id is not None:  # the whole refund is the credit the new draft carries
        tenders = (RefundTender(kind=TenderKind.EXCHANGE_CREDIT, amount=plan.amount,
                                reference=exchange.held_by(exchange_draft_id)),)
    check_tenders(plan.amount, order.currency_code, tenders)
    now = clock.now()
    refund = Refund(
        id=ids.new_id(REFUND_PREFIX), order_id=order.id, credit_note_number=_next_credit_note(uow, now.year),
        amount=plan.amount, lines=plan.lines, shipping_amount=plan.shipping_amount,
        extra_amount=plan.extra_amount, adjustment=plan.adjustment, reason=reason, tenders=tenders,
        created_at=now, is_cancellation=cancellation, staff_id=staff_id)
    uow.refunds.add(refund)
    order.refunded_total = order.refunded_total + plan.amount
    order.payment_status = plan.payment_status
    return refund


def _follow_up(uow: UnitOfWork, order_id: str, kind: OutboxKind, subject_id: str, now: datetime) -> None:
    """Queues a refund, return or cancel for the server, unless the sale itself never goes there
    (discarded, or never queued): then neither does what follows it."""
    sale = uow.outbox.for_order(order_id)
    if sale is not None and sale.state != ob.DISCARDED:
        uow.outbox.enqueue(order_id, now, kind, subject_id)


def _audit_refund(uow: UnitOfWork, refund: Refund, permit: Permit | None) -> None:
    audit.record(uow, "refund", refund.order_id, {
        "refund_id": refund.id, "credit_note_number": refund.credit_note_number, "amount": refund.amount,
        "tenders": [{"kind": t.kind.value, "amount": t.amount} for t in refund.tenders],
        "cancellation": refund.is_cancellation, "approver_id": permit.approver_id if permit else None})


def record_return(uow: UnitOfWork, order: Order, refund: Refund, items: list[tuple[str, int]],
                  restock: bool) -> OrderReturn:
    """The goods of a refund coming back, per line (never more than sold and not yet returned)."""
    sold = {it.id: it.quantity for it in uow.drafts.get(order.draft_order_id).items}
    lines = check_return(order.display_id, sold, uow.refunds.returns_for_order(order.id), items)
    ret = OrderReturn(id=ids.new_id(RETURN_PREFIX), order_id=order.id, refund_id=refund.id, lines=lines,
                      restock=restock, created_at=refund.created_at)
    uow.refunds.add_return(ret)
    # Its own outbox entry, queued after its refund's: the goods go through the server's returns
    # workflow once the money went back (app.sync.returns).
    _follow_up(uow, order.id, OutboxKind.RETURN, ret.id, ret.created_at)
    return ret


def refund_order(cmd: RefundOrder | dict[str, Any], uow: UnitOfWork) -> OpResult[OrderDTO]:
    """Records a refund (and, with items, their return), its credit note number and its outbox
    entries in ONE commit. Over-refunds and tenders that do not add up are refused before
    anything is written."""
    cmd = parse(RefundOrder, cmd)
    with uow:
        order = uow.orders.get(cmd.order_id)
        request = RefundRequest(items=tuple((i.line_id, i.quantity) for i in cmd.items), shipping=cmd.shipping,
                                amount=cmd.amount)
        tenders = tuple(RefundTender(kind=TenderKind(t.kind), amount=t.amount, reference=t.reference)
                        for t in cmd.tenders)
        permit = guard.require(uow, GuardedAction.REFUND, order.id)
        refund = _record(uow, order, request, tenders, cmd.reason, permit.staff_id if permit else cmd.staff_id,
                         cancellation=False)
        assert refund is not None
        _audit_refund(uow, refund, permit)
        now = refund.created_at
        uow.orders.save(order)
        _follow_up(uow, order.id, OutboxKind.REFUND, refund.id, now)
        if cmd.items:
            record_return(uow, order, refund, [(i.line_id, i.quantity) for i in cmd.items], cmd.restock)
        uow.flush()
        dto = order_dto(uow, order)
        uow.commit()
        return OpResult(dto, uow.changes)


def cancel_order(cmd: CancelPaidOrder | dict[str, Any], uow: UnitOfWork) -> OpResult[OrderDTO]:
    """Cancels an order: everything still refundable goes back through the chosen tender (else the
    original ones), the order is marked canceled, all in one commit. If the sale was never sent,
    it never will be; once its push has started, the sale goes first and the cancel after it."""
    cmd = parse(CancelPaidOrder, cmd)
    with uow:
        order = uow.orders.get(cmd.order_id)
        now = clock.now()
        order.cancel(now)  # the order's own rules first: no approval is spent on a refused step
        refund: Refund | None = None
        paid = order.paid_total > 0
        permit = guard.require(uow, GuardedAction.CANCEL_PAID_ORDER, order.id) if paid else None
        staff_id = permit.staff_id if permit else (guard.staff_id(uow) or cmd.staff_id)
        if permit is not None:
            order.approver_id = permit.approver_id
        if paid:
            audit.record(uow, "order_canceled", order.id, {
                "invoice_number": order.invoice_number, "paid_total": order.paid_total,
                "approver_id": permit.approver_id if permit else None})
        if order.payment_status in (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED):
            kind = TenderKind(cmd.tender_kind) if cmd.tender_kind else None
            tenders = default_tenders(order, order.paid_total - order.refunded_total, kind,
                                      cmd.tender_reference) if kind else ()
            refund = _record(uow, order, RefundRequest(everything=True), tenders, cmd.reason, staff_id,
                             cancellation=True)
            if refund is not None:
                _audit_refund(uow, refund, permit)
        uow.orders.save(order)
        sale = uow.outbox.for_order(order.id)
        # Never sent: no attempt, no step, no server id noted. The sync worker commits a marker
        # before its first call to the server, and our transaction holds SQLite's write lock, so
        # either we see that marker here or the worker finds the entry discarded.
        never_sent = sale is not None and sale.state == ob.QUEUED and sale.step == 0 and not sale.data \
            and sale.attempts == 0
        if never_sent:
            for e in uow.outbox.all_for_order(order.id):
                if e.state in ob.PENDING_STATES:
                    uow.outbox.update(e.id, {"state": ob.DISCARDED, "next_attempt_at": None,
                                             "last_error": "the order was canceled before it was sent"}, now)
        else:
            _follow_up(uow, order.id, OutboxKind.CANCEL, refund.id if refund else "", now)
        uow.flush()
        dto = order_dto(uow, order)
        uow.commit()
        return OpResult(dto, uow.changes)
