"""Refunds and cancels pushed after their sale, against ``FakeBackend`` (the real server is in
tests/integration/test_refunds_medusa.py): exactly once through lost answers and crashes, the
server's money compared with the till's, and nothing sent before the sale is on the server."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from app.domain.outbox import FOLLOW_UP_STEPS, OutboxKind
from app.services import refunds
from app.sync.store import SyncStore, utcnow
from tests.sync.fakes import SimulatedCrash
from tests.sync.test_engine import app, engine, fake_for, paid_order, run_until_settled  # noqa: F401

__all__ = ["app"]


def refund_one(app, order):
    """Refunds what one unit of the first line gives back."""
    from app.services.refunds import refundable_lines

    with app.uow() as uow:
        lines, _ = refundable_lines(uow, uow.orders.get(order.id))
    from app.domain.refunds import cumulative_line_amount

    amount = cumulative_line_amount(lines[0], 1, order.currency_code)
    # As a plain amount, so no goods come back: returns have their own tests (test_returns_push.py).
    return refunds.refund_order({"order_id": order.id, "amount": str(amount),
                                 "tenders": [{"kind": "cash", "amount": str(amount)}]}, app.uow()).value


def follow_ups(app, order_id):
    with app.uow() as uow:
        return [e for e in uow.outbox.all_for_order(order_id) if e.kind != OutboxKind.SALE.value]


def test_a_refund_made_before_the_push_goes_after_the_sale_exactly_once(app):
    order = paid_order(app)
    fake = fake_for(app, order)
    done = refund_one(app, order)
    run_until_settled(engine(app, fake))
    [entry] = follow_ups(app, order.id)
    assert entry.state == "synced" and entry.step == FOLLOW_UP_STEPS, entry.last_error
    [server_refund] = fake.refunds_for(order.id)
    assert server_refund["note"] == done.refunds[0].id and server_refund["amount"] == done.refunds[0].amount
    calls = fake.calls
    assert calls.index("refund_payment") > calls.index("mark_payment_collection_paid")


def test_a_lost_answer_or_a_crash_after_sending_never_refunds_twice(app):
    order = paid_order(app)
    fake = fake_for(app, order)
    run_until_settled(engine(app, fake))
    refund_one(app, order)
    fake.fail("refund_payment", "after")  # sent, answer lost
    eng = engine(app, fake)
    run_until_settled(eng)
    assert len(fake.refunds_for(order.id)) == 1
    assert follow_ups(app, order.id)[0].state == "synced"

    second = paid_order(app)
    fake.totals_by_local_id[second.id] = fake_for(app, second).totals_by_local_id[second.id]
    run_until_settled(engine(app, fake))
    refund_one(app, second)
    fake.fail("refund_payment", "crash")  # like SIGKILL right after the server did it
    try:
        run_until_settled(engine(app, fake))
    except SimulatedCrash:
        pass
    [entry] = follow_ups(app, second.id)
    assert entry.data.get("pending") == "refund"
    run_until_settled(engine(app, fake))  # a fresh engine, as after a restart
    assert len(fake.refunds_for(second.id)) == 1
    [entry] = follow_ups(app, second.id)
    assert entry.state == "synced" and entry.data.get("found_on_server") is True


def test_nothing_follows_a_sale_that_is_not_on_the_server(app):
    order = paid_order(app)
    fake = fake_for(app, order)
    fake.fail("create_draft_order", "http400")  # the sale needs attention
    refund_one(app, order)
    eng = engine(app, fake)
    for oid in eng.store.due(utcnow()):
        eng.push_one(oid)
    [entry] = follow_ups(app, order.id)
    assert entry.state == "queued" and entry.attempts == 0 and "waiting for the sale" in (entry.last_error or "")
    assert entry.next_attempt_at is not None and entry.next_attempt_at > utcnow()
    assert "refund_payment" not in fake.calls and "get_order_money" not in fake.calls


def test_a_cancel_after_the_push_is_medusas_cancel_and_the_figures_agree(app):
    order = paid_order(app)
    fake = fake_for(app, order)
    run_until_settled(engine(app, fake))
    refund_one(app, order)
    refunds.cancel_order({"order_id": order.id}, app.uow())
    run_until_settled(engine(app, fake))
    entries = follow_ups(app, order.id)
    assert [(e.kind, e.state) for e in entries] == [("push_refund", "synced"), ("push_cancel", "synced")], \
        [e.last_error for e in entries]
    [server] = fake.orders_for(order.id)
    assert server["status"] == "canceled" and server["payment_status"] == "refunded"
    assert len(fake.refunds_for(order.id)) == 2  # ours, then the rest by Medusa's cancel
    assert fake.calls.count("cancel_order") == 1


def test_a_server_that_disagrees_puts_the_refund_in_needs_attention(app):
    order = paid_order(app)
    fake = fake_for(app, order)
    run_until_settled(engine(app, fake))
    refund_one(app, order)
    # someone refunded on the server's admin too: the figures no longer match
    [o] = fake.orders_for(order.id)
    pc = next(pc for pc in fake.collections.values() if pc["order_id"] == o["id"])
    pc.setdefault("refunds", []).append({"id": "ref_admin", "amount": Decimal("1.00"), "note": "admin"})
    eng = engine(app, fake)
    for oid in eng.store.due(utcnow() + timedelta(days=1)):
        eng.push_one(oid)
    [entry] = follow_ups(app, order.id)
    assert entry.state == "needs_attention" and "refunded: shop server" in (entry.last_error or "")
    assert SyncStore(app.uow).counts()["needs_attention"] == 1


def test_a_cancel_waits_for_an_earlier_refund_that_is_backing_off(app):
    order = paid_order(app)
    fake = fake_for(app, order)
    run_until_settled(engine(app, fake))
    refund_one(app, order)
    refunds.cancel_order({"order_id": order.id}, app.uow())
    fake.fail("refund_payment", "before", times=2)  # the refund backs off twice
    eng = engine(app, fake)
    store = eng.store
    first_round = store.due(utcnow() + timedelta(days=1))
    for oid in first_round:
        eng.push_one(oid)
    refund_e, cancel_e = follow_ups(app, order.id)
    assert refund_e.state != "synced" and "cancel_order" not in fake.calls
    assert cancel_e.step == 0 and "earlier refund" in (cancel_e.last_error or ""), cancel_e.last_error
    run_until_settled(eng)
    entries = follow_ups(app, order.id)
    assert [(e.kind, e.state) for e in entries] == [("push_refund", "synced"), ("push_cancel", "synced")], \
        [e.last_error for e in entries]
    assert fake.calls.index("cancel_order") > max(i for i, c in enumerate(fake.calls) if c == "refund_payment")
