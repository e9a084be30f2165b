"""Mark Paid and the order lifecycle."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from app.domain import clock, ids
from app.domain.changes import OpResult
from app.domain.exchange import use_credit
from app.domain.invoice_numbers import format_invoice_number
from app.domain.money import ZERO
from app.domain.order import Order, OrderStatus, Payment, PaymentStatus, TenderKind
from app.domain.payments import Tender, settle

from . import exchange_credit, guard, tills
from .commands import MarkPaid
from .context import UnitOfWork
from .dto import OrderDTO
from .dto_builders import order_dto, price, search_text
from .errors import parse
from .shifts import attach_payments, shift_for_payment
from .snapshot import totals_to_dict


def _new_payment_id() -> str:
    return ids.new_id(ids.PREFIXES["payment"])


def mark_paid(cmd: MarkPaid | dict[str, Any], uow: UnitOfWork) -> OpResult[OrderDTO]:
    """Completes the draft and creates the order, its payments (in the open shift, if any), its
    invoice number and its outbox row in ONE commit: after a crash either all of it is on disk or none of it."""
    cmd = parse(MarkPaid, cmd)
    with uow:
        draft = uow.drafts.get(cmd.draft_id)
        draft.ensure_payable()
        staff_id = guard.staff_id(uow)
        shift = shift_for_payment(uow)  # refuses here, before anything is written, if a shift is required
        priced = price(uow, draft, strict=True)
        due = priced.totals.amount_due
        # An exchange draft's credit pays first; the tenders pay the rest (app.domain.exchange).
        held = exchange_credit.held_credits(uow, draft)
        use = use_credit(sum((a for _, a in held), ZERO), due)
        payout = exchange_credit.payout_tender(cmd.credit_refund_kind, cmd.credit_refund_reference, use.paid_out,
                                               draft.currency_code)
        tenders = [Tender(kind=TenderKind(t.kind), amount=t.amount, reference=t.reference) for t in cmd.tenders]
        if not tenders and use.rest_due > 0 and not held:  # an exchange's rest is never settled silently
            tenders = [Tender(kind=TenderKind.OTHER, amount=use.rest_due)]
        now = clock.now()
        payments = settle(use.rest_due, draft.currency_code, tenders, _new_payment_id, now)
        if use.applied > 0:
            originals = ", ".join(sorted({uow.orders.get(r.order_id).invoice_number for r, _ in held}))
            payments.insert(0, Payment(id=_new_payment_id(), kind=TenderKind.EXCHANGE_CREDIT, amount=use.applied,
                                       amount_tendered=use.applied, change_given=ZERO, reference=originals,
                                       created_at=now))
        payments = [replace(p, staff_id=staff_id) for p in payments]
        prefix = tills.invoice_prefix(uow)
        invoice_number = format_invoice_number(prefix, now.year, uow.counters.next_invoice(prefix, now.year))
        order = Order(
            id=ids.new_id(ids.PREFIXES["order"]), display_id=uow.counters.next("order"), draft_order_id=draft.id,
            currency_code=draft.currency_code, region_id=draft.region_id, invoice_number=invoice_number,
            email=draft.email, customer_id=draft.customer_id, status=OrderStatus.PENDING,
            payment_status=PaymentStatus.CAPTURED, created_at=now, payments=payments,
            no_notification=draft.no_notification_order, staff_id=staff_id)
        draft.complete(order.id, now)
        draft.updated_at = now
        uow.orders.add(order, totals_to_dict(priced.totals, priced.adjustments),
                       search_text(uow, draft, invoice_number))
        uow.drafts.save(draft, search_text(uow, draft, invoice_number))
        uow.outbox.enqueue(order.id, now)
        if held:
            exchange_credit.spend(uow, draft, order, held, use.applied, payout)
        uow.flush()
        attach_payments(uow, shift, staff_id or cmd.staff_id, payments)
        dto = order_dto(uow, order)
        uow.commit()
        return OpResult(dto, uow.changes)


def _transition(order_id: str, uow: UnitOfWork, action: str) -> OpResult[OrderDTO]:
    with uow:
        order = uow.orders.get(order_id)
        guard.staff_id(uow)  # cancelling goes through services.refunds, with its guard and audit
        getattr(order, action)(clock.now())
        uow.orders.save(order)
        uow.flush()
        dto = order_dto(uow, order)
        uow.commit()
        return OpResult(dto, uow.changes)


def complete_order(order_id: str, uow: UnitOfWork) -> OpResult[OrderDTO]:
    return _transition(order_id, uow, "complete")


def cancel_order(order_id: str, uow: UnitOfWork) -> OpResult[OrderDTO]:
    """Cancels an order and refunds what was paid, through the original tenders (services.refunds)."""
    from .refunds import cancel_order as cancel_paid

    return cancel_paid({"order_id": order_id}, uow)


def archive_order(order_id: str, uow: UnitOfWork) -> OpResult[OrderDTO]:
    return _transition(order_id, uow, "archive")


def get_order(order_id: str, uow: UnitOfWork) -> OrderDTO:
    with uow:
        return order_dto(uow, uow.orders.get(order_id))
