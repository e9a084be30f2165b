"""Refunds, returns and cancels through the services, once on a real SQLite file and once in
memory: one commit each, nothing written on bad input, credit note numbers gapless, the outbox
entries that follow a sale (and none when the sale never goes)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from app.domain import outbox as ob
from app.domain.errors import InvalidTransition, InvalidValue
from app.domain.outbox import OutboxKind
from app.services import orders, refunds
from tests.conftest import create_draft, mark_paid

YEAR = datetime.now(UTC).year


def paid(shop: Any) -> Any:
    # 3 x espresso 15 + gift wrap 2.50 + delivery 6, NYC 8.875 %: 58.248125, paid 58.25 in cash
    return mark_paid(shop, create_draft(shop).id, {"kind": "cash", "amount": "60"})


def entries(shop: Any, order_id: str) -> list[tuple[str, str, bool]]:
    with shop.uow() as uow:
        return [(e.kind, e.state, bool(e.subject_id)) for e in uow.outbox.all_for_order(order_id)]


def state(shop: Any) -> Any:
    """Everything a refund could write, to prove a refused one wrote nothing."""
    with shop.uow() as uow:
        found = []
        for o, _ in uow.orders.search(limit=1000)[0]:
            found.append((o.payment_status, o.refunded_total, o.status, tuple(uow.refunds.for_order(o.id)),
                          tuple(uow.refunds.returns_for_order(o.id)), tuple(uow.outbox.all_for_order(o.id))))
        return found, uow.counters.next_invoice("TD-CN", YEAR)  # read inside a unit never committed


def test_refund_one_unit_then_the_rest_with_credit_notes_in_sequence(shop: Any) -> None:
    o = paid(shop)
    esp, wrap = o.items
    r1 = refunds.refund_order({"order_id": o.id, "items": [{"line_id": esp.id, "quantity": 1}],
                               "tenders": [{"kind": "cash", "amount": "16.33"}], "restock": True,
                               "reason": "dented bag"}, shop.uow())
    one = r1.value
    assert one.payment_status == "partially_refunded" and one.totals.refunded_total == Decimal("16.33")
    assert r1.changes.outbox and r1.changes.order_ids == (o.id,)
    [refund] = one.refunds
    assert refund.credit_note_number == f"TD-CN-{YEAR}-000001" and refund.reason == "dented bag"
    [ret] = one.returns
    assert ret.refund_id == refund.id and ret.restock and [(x.line_id, x.quantity) for x in ret.lines] == [(esp.id, 1)]
    assert entries(shop, o.id) == [("push_order", "queued", False), ("push_refund", "queued", True),
                                   ("push_return", "queued", True)]  # the goods go after the money
    two = refunds.refund_order({"order_id": o.id, "items": [{"line_id": esp.id, "quantity": 2},
                                                            {"line_id": wrap.id, "quantity": 1}],
                                "shipping": True, "tenders": [{"kind": "card", "amount": "41.92",
                                                               "reference": "RF-2"}]}, shop.uow()).value
    assert two.payment_status == "refunded" and two.totals.refunded_total == two.totals.paid_total
    assert [r.credit_note_number for r in two.refunds] == [f"TD-CN-{YEAR}-000001", f"TD-CN-{YEAR}-000002"]
    assert "refund" not in two.allowed_actions and "cancel" not in two.allowed_actions


@pytest.mark.parametrize("body, field", [
    ({"items": [{"line_id": "ESP", "quantity": 4}], "tenders": [{"kind": "cash", "amount": "60"}]},
     "items.0.quantity"),
    ({"amount": "58.26", "tenders": [{"kind": "cash", "amount": "58.26"}]}, "amount"),
    ({"items": [{"line_id": "ESP", "quantity": 1}], "tenders": [{"kind": "cash", "amount": "16.00"}]}, "tenders"),
    ({"items": [{"line_id": "ESP", "quantity": 1}], "tenders": [{"kind": "card", "amount": "16.33"}]},
     "tenders.0.reference"),
    ({"items": [{"line_id": "ESP", "quantity": 1}], "tenders": []}, "tenders"),
    ({"items": [{"line_id": "ESP", "quantity": 0}], "tenders": [{"kind": "cash", "amount": "1"}]},
     "items.0.quantity"),
    ({"items": [{"line_id": "nope", "quantity": 1}], "tenders": [{"kind": "cash", "amount": "1"}]},
     "items.0.line_id"),
    ({"amount": "-1", "tenders": [{"kind": "cash", "amount": "1"}]}, "amount"),
])
def test_a_refused_refund_names_the_field_and_writes_nothing(shop: Any, body: dict[str, Any], field: str) -> None:
    o = paid(shop)
    body = copy.deepcopy(body)  # the parameters are shared by the sqlite and the memory run
    for it in body.get("items", []):
        if it["line_id"] == "ESP":
            it["line_id"] = o.items[0].id
    before = state(shop)
    with pytest.raises(InvalidValue) as exc:
        refunds.refund_order({"order_id": o.id, **body}, shop.uow())
    assert (exc.value.field or "").startswith(field), (exc.value.field, str(exc.value))
    assert "\n" not in str(exc.value)
    # nothing written, and the credit note sequence did not move: the next number is still the first
    assert state(shop) == before == (before[0], 1)


def test_cancel_of_a_sale_never_sent_refunds_everything_and_sends_nothing(shop: Any) -> None:
    o = paid(shop)
    refunds.refund_order({"order_id": o.id, "amount": "5", "tenders": [{"kind": "cash", "amount": "5"}]}, shop.uow())
    done = orders.cancel_order(o.id, shop.uow())
    c = done.value
    assert c.status == "canceled" and c.payment_status == "refunded" and c.canceled_at is not None
    assert c.totals.refunded_total == c.totals.paid_total == Decimal("58.25")
    cancel = c.refunds[-1]
    assert cancel.is_cancellation and cancel.amount == Decimal("53.25")
    assert [(t.kind.value, t.amount) for t in cancel.tenders] == [("cash", Decimal("53.25"))]
    # neither the sale nor what followed it goes to the server
    assert entries(shop, o.id) == [("push_order", ob.DISCARDED, False), ("push_refund", ob.DISCARDED, True)]
    with pytest.raises(InvalidTransition):
        orders.cancel_order(o.id, shop.uow())
    with pytest.raises(InvalidValue):
        refunds.refund_order({"order_id": o.id, "amount": "1", "tenders": [{"kind": "cash", "amount": "1"}]},
                             shop.uow())


def test_cancel_after_the_push_started_sends_the_sale_then_the_cancel(shop: Any) -> None:
    o = paid(shop)
    with shop.uow() as uow:
        sale = uow.outbox.for_order(o.id)
        assert sale is not None
        uow.outbox.update(sale.id, {"state": ob.IN_PROGRESS, "data": {"pending": "create_draft"}},
                          datetime.now(UTC))
        uow.commit()
    c = refunds.cancel_order({"order_id": o.id, "tender_kind": "card", "tender_reference": "VOID-1"},
                             shop.uow()).value
    assert [(t.kind.value, t.reference) for t in c.refunds[-1].tenders] == [("card", "VOID-1")]
    assert entries(shop, o.id) == [("push_order", ob.IN_PROGRESS, False), ("push_cancel", ob.QUEUED, True)]
    with shop.uow() as uow:
        cancel = uow.outbox.for_order(o.id, OutboxKind.CANCEL, c.refunds[-1].id)
        assert cancel is not None and cancel.step == 0


def test_an_unpaid_amount_cannot_be_cancelled_twice_through_the_window_path(shop: Any) -> None:
    o = paid(shop)
    assert "refund" in o.allowed_actions
    c = orders.cancel_order(o.id, shop.uow()).value  # what the window's Cancel button calls
    assert c.payment_status == "refunded" and len(c.refunds) == 1 and c.refunds[0].is_cancellation
    # paid 58.25 in cash (tendered 60): the cash goes back
    assert [(t.kind.value, t.amount) for t in c.refunds[0].tenders] == [("cash", Decimal("58.25"))]
