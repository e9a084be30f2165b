"""Returns pushed through Medusa v2's returns workflow, against ``FakeReturns`` (the real server is in
tests/integration/test_returns_medusa.py): after their refund, each exactly once through every
call lost before or after it or a crash right after it, resumed from where the server stands."""

from __future__ import annotations

import pytest

from app.domain.outbox import FOLLOW_UP_STEPS, OutboxKind
from app.domain.refunds import cumulative_line_amount
from app.services import refunds
from app.services.refunds import refundable_lines
from app.sync.engine import PushEngine
from app.sync.medusa_v2.backend import MedusaV2Backend
from app.sync.returns import NOT_ON_V1
from app.sync.store import SyncStore, utcnow
from tests.sync.fakes import SimulatedCrash
from tests.sync.test_engine import app, engine, fake_for, paid_order, run_until_settled  # noqa: F401

__all__ = ["app"]

#: Every call of the returns workflow that changes the server.
CHANGING = ("fulfill", "create_return", "request_items", "confirm_request", "begin_receive", "receive_items",
            "confirm_receive")


def return_one(app, order, qty=1, restock=True):
    """Refunds and takes back ``qty`` units of the first line (a variant sold twice)."""
    with app.uow() as uow:
        lines, _ = refundable_lines(uow, uow.orders.get(order.id))
    amount = cumulative_line_amount(lines[0], qty, order.currency_code)
    done = refunds.refund_order({"order_id": order.id, "items": [{"line_id": lines[0].line_id, "quantity": qty}],
                                 "tenders": [{"kind": "cash", "amount": str(amount)}], "restock": restock},
                                app.uow()).value
    return done, lines[0].line_id


def entries(app, order_id, kind):
    with app.uow() as uow:
        return [e for e in uow.outbox.all_for_order(order_id) if e.kind == kind.value]


def settle(app, fake, rounds=30):
    """Runs the sync until nothing is due, restarting it (a fresh engine) after each crash."""
    for _ in range(rounds):
        try:
            run_until_settled(engine(app, fake))
            return
        except SimulatedCrash:
            continue
    raise AssertionError("did not settle")


def server_item(fake, order):
    [o] = fake.orders_for(order.id)
    return o["id"], o["items"][0]["id"]


def test_a_return_is_its_own_entry_and_goes_after_its_refund_exactly_once(app):
    order = paid_order(app, qty=2)
    fake = fake_for(app, order)
    done, line_id = return_one(app, order)
    with app.uow() as uow:
        kinds = [e.kind for e in uow.outbox.all_for_order(order.id)]
    assert kinds == ["push_order", "push_refund", "push_return"]
    settle(app, fake)
    [entry] = entries(app, order.id, OutboxKind.RETURN)
    assert entry.state == "synced" and entry.step == FOLLOW_UP_STEPS, entry.last_error
    with app.uow() as uow:
        [local] = uow.refunds.returns_for_order(order.id)
    assert entry.subject_id == local.id and local.refund_id == done.refunds[0].id and local.restock
    rf = fake.returns_fake
    oid, item = server_item(fake, order)
    [ret] = rf.live_returns(oid)
    assert ret["status"] == "received" and ret["received"] == {item: 1} and ret["marker"] == entry.subject_id
    assert rf.qty[(oid, item)] == {"fulfilled": 1, "requested": 0, "received": 1}
    assert [f["items"] for f in rf.fulfillments] == [{item: 1}]  # only the returned unit was fulfilled
    calls = fake.calls
    assert calls.index("refund_payment") < calls.index("fulfill") < calls.index("create_return")
    assert len(fake.refunds_for(order.id)) == 1  # the return refunded nothing again
    assert entry.data["server_refunded_total"] == entry.data["refunded_before"]


@pytest.mark.parametrize("mode", ["before", "after", "crash", "http500"])
@pytest.mark.parametrize("method", CHANGING)
def test_each_call_lost_or_crashed_is_resumed_never_repeated(app, method, mode):
    order = paid_order(app, qty=3)
    fake = fake_for(app, order)
    settle(app, fake)
    return_one(app, order, qty=2)
    fake.fail(method, mode)
    settle(app, fake)
    [entry] = entries(app, order.id, OutboxKind.RETURN)
    assert entry.state == "synced", entry.last_error
    rf = fake.returns_fake
    oid, item = server_item(fake, order)
    [ret] = rf.live_returns(oid)  # one return, never a second one
    assert ret["received"] == {item: 2}
    assert rf.qty[(oid, item)] == {"fulfilled": 2, "requested": 0, "received": 2}
    assert len(rf.fulfillments) == 1 and oid not in rf.changes
    # Done and answer lost (after, crash): found on the server, not sent again. Not done (before,
    # or a 500 that did nothing): sent once more.
    assert fake.calls.count(method) == (1 if mode in ("after", "crash") else 2)


def test_a_second_return_of_the_same_line_uses_what_is_left(app):
    order = paid_order(app, qty=3)
    fake = fake_for(app, order)
    return_one(app, order, qty=1)
    settle(app, fake)
    return_one(app, order, qty=2, restock=False)
    settle(app, fake)
    returns = entries(app, order.id, OutboxKind.RETURN)
    assert [e.state for e in returns] == ["synced", "synced"], [e.last_error for e in returns]
    rf = fake.returns_fake
    oid, item = server_item(fake, order)
    assert [r["received"] for r in rf.live_returns(oid)] == [{item: 1}, {item: 2}]
    assert [r["restock"] for r in rf.live_returns(oid)] == [True, False]
    assert rf.qty[(oid, item)] == {"fulfilled": 3, "requested": 0, "received": 3}


def test_units_the_server_shows_fulfilled_are_not_fulfilled_again(app):
    order = paid_order(app, qty=2)
    fake = fake_for(app, order)
    settle(app, fake)
    oid, item = server_item(fake, order)
    fake.returns_fake.qty[(oid, item)] = {"fulfilled": 2, "requested": 0, "received": 0}  # the back office shipped
    return_one(app, order)
    settle(app, fake)
    [entry] = entries(app, order.id, OutboxKind.RETURN)
    assert entry.state == "synced", entry.last_error
    assert fake.returns_fake.fulfillments == [] and "fulfill" not in fake.calls


def test_a_half_done_change_of_our_return_is_finished_not_doubled(app):
    """Crashed after the items were requested and the answer lost: the request is confirmed as it
    stands (its actions hold the items), and no item is requested a second time."""
    order = paid_order(app, qty=2)
    fake = fake_for(app, order)
    settle(app, fake)
    return_one(app, order, qty=2)
    fake.fail("request_items", "crash")
    with pytest.raises(SimulatedCrash):
        run_until_settled(engine(app, fake))
    [entry] = entries(app, order.id, OutboxKind.RETURN)
    assert entry.data.get("pending") == "request_items"
    settle(app, fake)
    assert fake.calls.count("request_items") == 1
    [entry] = entries(app, order.id, OutboxKind.RETURN)
    assert entry.state == "synced", entry.last_error


def test_another_open_change_on_the_order_stops_with_a_clear_message_and_retry_goes_on(app):
    order = paid_order(app, qty=2)
    fake = fake_for(app, order)
    settle(app, fake)
    oid, _ = server_item(fake, order)
    fake.returns_fake.changes[oid] = {"return_id": "return_admin", "kind": "edit", "items": {}}
    return_one(app, order)
    settle(app, fake)
    [entry] = entries(app, order.id, OutboxKind.RETURN)
    assert entry.state == "needs_attention"
    assert "one at a time" in entry.last_error and "\n" not in entry.last_error
    assert fake.returns_fake.live_returns(oid) == []
    del fake.returns_fake.changes[oid]  # the back office finished its edit
    SyncStore(app.uow).retry(entry.id)
    settle(app, fake)
    [entry] = entries(app, order.id, OutboxKind.RETURN)
    assert entry.state == "synced", entry.last_error


def test_a_received_quantity_that_differs_needs_attention(app):
    order = paid_order(app, qty=3)
    fake = fake_for(app, order)
    settle(app, fake)
    fake.returns_fake.lose_on_receive = 1
    return_one(app, order, qty=2)
    settle(app, fake)
    [entry] = entries(app, order.id, OutboxKind.RETURN)
    assert entry.state == "needs_attention" and entry.step == 2
    assert "shop server received 1, Tilldesk returned 2" in entry.last_error


def test_a_server_without_returns_says_so(app):
    order = paid_order(app, qty=2)
    fake = fake_for(app, order)
    return_one(app, order)
    # MedusaV2Backend over a plain API has no returns workflow, like the Medusa v1 backend
    eng = PushEngine(SyncStore(app.uow), MedusaV2Backend(fake), unknown_floor=0.0, base_delay=0.001)
    run_until_settled(eng)
    [entry] = entries(app, order.id, OutboxKind.RETURN)
    assert entry.state == "needs_attention" and entry.last_error == NOT_ON_V1
    [refund] = entries(app, order.id, OutboxKind.REFUND)
    assert refund.state == "synced"


def test_a_return_waits_for_its_refund_so_the_money_goes_first(app):
    order = paid_order(app, qty=2)
    fake = fake_for(app, order)
    settle(app, fake)
    return_one(app, order)
    fake.fail("refund_payment", "http500")  # the refund is put off to a later attempt
    eng = engine(app, fake)
    for oid in eng.store.due(utcnow()):
        eng.push_one(oid)
    [ret] = entries(app, order.id, OutboxKind.RETURN)
    # the earlier refund of the order goes first (app/sync/followups.py: entries in the order they were made)
    assert ret.step == 0 and "refund" in ret.last_error and "waiting for" in ret.last_error and ret.attempts == 0
    assert "fulfill" not in fake.calls and "create_return" not in fake.calls
    settle(app, fake)
    [ret] = entries(app, order.id, OutboxKind.RETURN)
    assert ret.state == "synced" and ret.data["refunded_before"] == ret.data["server_refunded_total"] != "0"
