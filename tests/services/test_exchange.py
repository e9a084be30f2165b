"""Exchanges through the services, on a real SQLite file and in memory: the return's credit
becomes a tender of a new draft for the same customer, Mark Paid applies it first, a credit
larger than the new order goes back through the chosen tender, and a deleted exchange draft
leaves its credit open on the original order."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from app.domain.errors import InvalidValue
from app.services import drafts, exchanges, orders
from tests.conftest import create_draft, mark_paid
from tests.services.test_refund_service import entries, state

ESPRESSO_CREDIT = Decimal("16.33")  # one of three espressos, 15 + 8.875 % tax, Medusa's per-unit figure


def paid(shop: Any) -> Any:
    return mark_paid(shop, create_draft(shop).id, {"kind": "cash", "amount": "60"})


def exchange_one(shop: Any, o: Any, qty: int = 1, **kw: Any) -> Any:
    return exchanges.exchange_order({"order_id": o.id, "items": [{"line_id": o.items[0].id, "quantity": qty}],
                                     **kw}, shop.uow())


def add(shop: Any, draft_id: str, price: str) -> Any:
    return drafts.add_line_item({"draft_id": draft_id, "title": "Mug", "unit_price": price, "quantity": 1},
                                shop.uow()).value


def tenders(shop: Any, refund_id: str) -> list[tuple[str, Decimal, str | None]]:
    with shop.uow() as uow:
        return [(t.kind.value, t.amount, t.reference) for t in uow.refunds.get(refund_id).tenders]


def test_exchange_returns_the_item_and_opens_a_draft_for_the_same_customer_with_the_credit(shop: Any) -> None:
    o = paid(shop)
    res = exchange_one(shop, o, restock=True, reason="wrong grind")
    ex = res.value
    assert ex.credit == ESPRESSO_CREDIT and ex.draft.exchange_credit == ESPRESSO_CREDIT
    d = ex.draft
    assert (d.email, d.customer_id, d.region_id, d.currency_code) == (o.email, o.customer_id, o.region_id,
                                                                      o.currency_code)
    assert d.shipping_address is not None and d.shipping_address.city == "New York"
    assert d.status == "open" and not d.items and d.id != o.draft_order_id
    # The original order has its return and refund, paid in exchange credit, queued for Medusa.
    assert ex.order.payment_status == "partially_refunded" and ex.order.totals.refunded_total == ESPRESSO_CREDIT
    [refund] = ex.order.refunds
    assert refund.id == ex.refund_id and ex.credit_note_number == refund.credit_note_number
    assert tenders(shop, refund.id) == [("exchange_credit", ESPRESSO_CREDIT, f"draft:{d.id}")]
    [ret] = ex.order.returns
    assert ret.restock and [(x.line_id, x.quantity) for x in ret.lines] == [(o.items[0].id, 1)]
    assert entries(shop, o.id) == [("push_order", "queued", False), ("push_refund", "queued", True),
                                 ("push_return", "queued", True)]  # the goods go after the money
    assert set(res.changes.draft_ids) >= {d.id} and o.id in res.changes.order_ids


def test_mark_paid_applies_the_credit_first_and_the_tenders_pay_the_rest(shop: Any) -> None:
    o = paid(shop)
    ex = exchange_one(shop, o).value
    d = add(shop, ex.draft.id, "30.00")  # 30 + 8.875 % = 32.66
    assert d.totals.amount_due == Decimal("32.66") and d.exchange_credit == ESPRESSO_CREDIT
    new = mark_paid(shop, d.id, {"kind": "cash", "amount": "20"})
    kinds = [(p.kind.value, p.amount) for p in new.payments]
    assert kinds == [("exchange_credit", ESPRESSO_CREDIT), ("cash", Decimal("16.33"))]
    assert new.payments[0].reference == o.invoice_number
    assert new.payments[1].change_given == Decimal("3.67")
    assert sum(p.amount for p in new.payments) == new.totals.paid_total == Decimal("32.66")
    assert tenders(shop, ex.refund_id) == [("exchange_credit", ESPRESSO_CREDIT, f"order:{new.id}")]
    # Spent: the credit shows on no draft, and cannot be picked up again.
    with pytest.raises(InvalidValue) as err:
        exchanges.exchange_order({"order_id": o.id}, shop.uow())
    assert err.value.field == "items"


def test_a_credit_larger_than_the_new_order_goes_back_through_the_chosen_tender(shop: Any) -> None:
    o = paid(shop)
    ex = exchange_one(shop, o, qty=2).value  # 2 espressos: 32.66 of credit
    assert ex.credit == Decimal("32.66")
    d = add(shop, ex.draft.id, "10.00")  # 10.89 due
    before = state(shop)
    with pytest.raises(InvalidValue) as err:  # no tender chosen for the 21.77 left over: nothing written
        orders.mark_paid({"draft_id": d.id}, shop.uow())
    assert err.value.field == "credit_refund_kind"
    with pytest.raises(InvalidValue) as err:
        orders.mark_paid({"draft_id": d.id, "credit_refund_kind": "card"}, shop.uow())
    assert err.value.field == "tenders.0.reference"
    assert state(shop) == before
    new = orders.mark_paid({"draft_id": d.id, "credit_refund_kind": "card", "credit_refund_reference": "RF-9"},
                           shop.uow()).value
    assert [(p.kind.value, p.amount) for p in new.payments] == [("exchange_credit", Decimal("10.89"))]
    got = tenders(shop, ex.refund_id)
    assert got == [("exchange_credit", Decimal("10.89"), f"order:{new.id}"), ("card", Decimal("21.77"), "RF-9")]
    assert sum(t[1] for t in got) == ex.credit  # the credit note's total never moves


def test_over_credit_is_refused_and_nothing_is_half_written(shop: Any) -> None:
    o = paid(shop)
    before = state(shop)
    with shop.uow() as uow:
        drafts_before = uow.counters.next("draft_order")  # read in a unit never committed
    for body, field in [({"items": [{"line_id": o.items[0].id, "quantity": 4}]}, "items.0.quantity"),
                        ({"items": [{"line_id": "nope", "quantity": 1}]}, "items.0.line_id"),
                        ({"items": []}, "items")]:
        with pytest.raises(InvalidValue) as err:
            exchanges.exchange_order({"order_id": o.id, **body}, shop.uow())
        assert err.value.field == field
    assert state(shop) == before
    with shop.uow() as uow:
        assert uow.counters.next("draft_order") == drafts_before


def test_a_deleted_exchange_draft_leaves_its_credit_open_for_the_next_exchange(shop: Any) -> None:
    o = paid(shop)
    ex = exchange_one(shop, o).value
    drafts.delete_draft(ex.draft.id, shop.uow())
    assert tenders(shop, ex.refund_id) == [("exchange_credit", ESPRESSO_CREDIT, f"draft:{ex.draft.id}")]
    again = exchanges.exchange_order({"order_id": o.id}, shop.uow()).value
    assert again.credit == ESPRESSO_CREDIT and again.refund_id is None and again.draft.id != ex.draft.id
    assert tenders(shop, ex.refund_id) == [("exchange_credit", ESPRESSO_CREDIT, f"draft:{again.draft.id}")]
    # While that draft is open it holds the credit: a third exchange without items finds none.
    with pytest.raises(InvalidValue):
        exchanges.exchange_order({"order_id": o.id}, shop.uow())
    # Another return folds the open credit of a canceled draft into the new one.
    drafts.cancel_draft(again.draft.id, shop.uow())
    third = exchange_one(shop, o).value
    assert third.credit == 2 * ESPRESSO_CREDIT
    new = mark_paid(shop, add(shop, third.draft.id, "30.00").id)
    assert [(p.kind.value, p.amount) for p in new.payments] == [("exchange_credit", Decimal("32.66"))]
