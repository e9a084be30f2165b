"""Pushing what follows a sale: each refund, return and the cancellation of an order, one outbox entry each.

Steps (``OutboxEntry.step`` counts the finished ones, see app.domain.outbox):

1. wait for the sale: nothing goes before the order itself is on the server;
2. refund the payment (``note`` = the local refund id), cancel the order, or send a return
   through the server's returns workflow (app.sync.returns);
3. compare the server's ``refunded_total``, ``payment_status`` and status with the local ones
   (for a return: the received quantities, and a refunded total the return did not move).

Medusa keeps no idempotency key for refunds, so step 2 always reads the payment's refunds first
and matches our id in their notes: a refund whose answer was lost (a timeout, a cut connection,
a crash after sending) is found there and never sent twice. A cancel is Medusa's own cancel,
which refunds what is captured and not yet refunded; an order already canceled is left alone.
A cancellation's refund is therefore never sent as a payment refund of its own.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.domain import outbox as ob
from app.domain.money import decimal_str, round_money
from app.domain.outbox import FOLLOW_UP_STEPS, OutboxEntry, OutboxKind
from app.domain.refunds import Refund
from app.sync.errors import BackendError
from app.sync.ports import NeedsAttention
from app.sync.returns import compare_return, send_return

if TYPE_CHECKING:
    from app.sync.engine import PushEngine, PushResult

log = logging.getLogger(__name__)


class _Wait(Exception):
    """The sale is not on the server yet: try this entry again later, without counting an attempt."""


def push_follow_up(engine: PushEngine, entry: OutboxEntry) -> PushResult:
    from app.sync.engine import PushResult

    data = dict(entry.data)
    step = entry.step
    engine._latest = data
    try:
        while step < FOLLOW_UP_STEPS:
            step, data = (_wait_for_sale, _send, _compare)[step](engine, entry, data)
    except _Wait as exc:
        engine.store.update(entry.id, next_attempt_at=engine.clock() + timedelta(seconds=engine.max_delay),
                            last_error=str(exc))
        return PushResult(entry.id, entry.order_id, entry.state, step, str(exc))
    except NeedsAttention as exc:
        data = {k: v for k, v in engine._latest.items() if k != "pending"}
        engine.store.update(entry.id, state=ob.NEEDS_ATTENTION, step=step, data=data, last_error=str(exc),
                            next_attempt_at=None)
        log.warning("%s of order %s needs attention: %s", entry.kind, entry.order_id, exc)
        return PushResult(entry.id, entry.order_id, ob.NEEDS_ATTENTION, step, str(exc))
    except BackendError as exc:
        return engine._failed(entry, step, dict(engine._latest), exc)
    return PushResult(entry.id, entry.order_id, ob.SYNCED, FOLLOW_UP_STEPS)


def _wait_for_sale(engine: PushEngine, entry: OutboxEntry, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    sale = engine.store.sale_entry(entry.order_id)
    if sale is None or sale.state == ob.DISCARDED:
        raise NeedsAttention("The sale of this order was never sent to the shop server (discarded), so its "
                             f"{_what(entry)} cannot go there either.")
    if sale.state != ob.SYNCED or not sale.server_order_id:
        raise _Wait(f"waiting for the sale to reach the shop server first ({sale.state.replace('_', ' ')})")
    # Refunds and a cancel go in the order they were made: a cancel that overtook a refund still
    # backing off would give back the refund's money too (and Medusa v1 refuses to cancel an order
    # with refunds), so the refund's figures could never match afterwards.
    for earlier in engine.store.all_for_order(entry.order_id):
        if earlier.id == entry.id:
            break
        if earlier.kind != OutboxKind.SALE.value and earlier.state not in (ob.SYNCED, ob.DISCARDED):
            raise _Wait(f"waiting for this order's earlier {_what(earlier)} to reach the shop server first")
    if entry.kind == OutboxKind.RETURN.value:
        wait_for_refund(engine, entry)
    return engine._done(entry, 1, {**data, "server_order_id": sale.server_order_id})


def wait_for_refund(engine: PushEngine, entry: OutboxEntry) -> None:
    """A return goes after its refund: the money first, so the return can check it moves none."""
    from app.sync.returns import local_return

    refund_id = local_return(engine, entry).refund_id
    refund = engine.store.follow_up_entry(entry.order_id, OutboxKind.REFUND, refund_id) if refund_id else None
    if refund is not None and refund.state not in (ob.SYNCED, ob.DISCARDED):
        raise _Wait(f"waiting for its refund to reach the shop server first ({refund.state.replace('_', ' ')})")


def _what(entry: OutboxEntry) -> str:
    return {OutboxKind.REFUND.value: "refund", OutboxKind.RETURN.value: "return",
            OutboxKind.CANCEL.value: "cancellation"}.get(entry.kind, entry.kind)


def _refund(engine: PushEngine, entry: OutboxEntry) -> Refund:
    for r in engine.store.refunds_of(entry.order_id):
        if r.id == entry.subject_id:
            return r
    raise NeedsAttention(f"The refund {entry.subject_id} of this order is missing from this till's database.")


def _send(engine: PushEngine, entry: OutboxEntry, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    server_id = data["server_order_id"]
    if entry.kind == OutboxKind.RETURN.value:
        return send_return(engine, entry, data)
    if entry.kind == OutboxKind.CANCEL.value:
        if engine.backend.money_state(server_id).status == "canceled":
            return engine._done(entry, 2, {**data, "found_on_server": True})
        data = engine._mark(entry, 1, data, "cancel")
        engine.backend.cancel_order(server_id)
        return engine._done(entry, 2, data)
    if entry.kind != OutboxKind.REFUND.value:
        raise NeedsAttention(f"Tilldesk cannot send a {entry.kind} entry to this shop server yet.")
    refund = _refund(engine, entry)
    payments = engine.backend.payments(server_id)
    # Read first, every time: our id in a refund's note means it is there already.
    for p in payments:
        if any(r.note == refund.id for r in p.refunds):
            return engine._done(entry, 2, {**data, "payment_id": p.id, "found_on_server": True})
    cur = engine.store.order(entry.order_id).currency_code
    # The server captured the unrounded total (41.0201) where the till took 41.02: below one minor
    # unit the payment's exact remainder is what goes back.
    payment = next((p for p in payments if round_money(p.refundable, cur) >= refund.amount), None)
    if payment is None:
        left = sum((p.refundable for p in payments), Decimal(0))
        raise NeedsAttention(f"The shop server has {decimal_str(left)} left to refund on this order's payments, "
                             f"less than this refund's {decimal_str(refund.amount)}.")
    amount = min(refund.amount, payment.refundable)
    data = engine._mark(entry, 1, {**data, "payment_id": payment.id}, "refund")
    engine.backend.refund_payment(payment.id, amount, refund.id)
    return engine._done(entry, 2, data)


def _compare(engine: PushEngine, entry: OutboxEntry, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The server's money must equal ours as of this entry (refunds go in the order they were made)."""
    if entry.kind == OutboxKind.RETURN.value:
        return compare_return(engine, entry, data)
    order = engine.store.order(entry.order_id)
    refunds = engine.store.refunds_of(entry.order_id)
    if entry.kind == OutboxKind.CANCEL.value:
        upto = refunds
    else:
        idx = next((i for i, r in enumerate(refunds) if r.id == entry.subject_id), len(refunds) - 1)
        upto = refunds[:idx + 1]
    cur = order.currency_code
    expected = round_money(sum((r.amount for r in upto), Decimal(0)), cur)
    paid = round_money(order.totals.paid_total, cur)
    want_payment = "refunded" if expected >= paid and paid > 0 else "partially_refunded"
    got = engine.backend.money_state(data["server_order_id"])
    diffs = []
    if round_money(got.refunded_total, cur) != expected:
        diffs.append(f"refunded: shop server {decimal_str(got.refunded_total)}, Tilldesk {decimal_str(expected)}")
    if got.payment_status != want_payment:
        diffs.append(f"payment status: shop server {got.payment_status}, Tilldesk {want_payment}")
    if entry.kind == OutboxKind.CANCEL.value and got.status != "canceled":
        diffs.append(f"status: shop server {got.status}, Tilldesk canceled")
    if diffs:
        raise NeedsAttention(f"After the {_what(entry)} the shop server's figures differ: " + "; ".join(diffs))
    return engine._done(entry, 3, {**data, "server_refunded_total": decimal_str(got.refunded_total)})
