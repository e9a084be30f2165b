"""What the refund dialog reads: the quote is the figure refund_order then records, what is left
per line shrinks with each refund, the original tenders come newest first, and a quote writes
nothing (an over-refund is refused naming the field)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from app.domain.errors import InvalidValue
from app.services import refund_quote, refunds
from tests.conftest import create_draft, mark_paid


def test_quote_is_what_the_refund_records_and_what_is_left_shrinks(shop: Any) -> None:
    o = mark_paid(shop, create_draft(shop).id, {"kind": "cash", "amount": "60"})
    esp, wrap = o.items
    before = refund_quote.refundable(o.id, shop.uow())
    assert [(ln.line_id, ln.sold, ln.left) for ln in before.lines] == [(esp.id, 3, 3), (wrap.id, 1, 1)]
    assert before.remaining == o.totals.paid_total and before.shipping_amount > 0
    assert [(t.kind, t.amount) for t in before.tenders] == [("cash", o.totals.paid_total)]
    # Every line's refundable amount and the shipping add up to what was paid (within rounding).
    whole = sum((ln.amount_left for ln in before.lines), Decimal(0)) + before.shipping_amount
    assert abs(whole - o.totals.paid_total) <= Decimal("0.02")

    req = {"order_id": o.id, "items": [{"line_id": esp.id, "quantity": 1}], "shipping": True}
    quoted = refund_quote.quote_refund(req, shop.uow())
    again = refund_quote.refundable(o.id, shop.uow())
    assert again == before  # a quote writes nothing
    done = refunds.refund_order({**req, "tenders": [{"kind": "cash", "amount": str(quoted)}]}, shop.uow()).value
    assert done.refunds[0].amount == quoted == done.totals.refunded_total

    after = refund_quote.refundable(o.id, shop.uow())
    assert [ln.left for ln in after.lines] == [2, 1] and after.shipping_amount == 0
    assert after.remaining == o.totals.paid_total - quoted
    assert after.lines[0].amount_left == before.lines[0].amount_left - done.refunds[0].lines[0].amount

    with pytest.raises(InvalidValue) as e:
        refund_quote.quote_refund({"order_id": o.id, "items": [{"line_id": esp.id, "quantity": 3}]}, shop.uow())
    assert e.value.field == "items.0.quantity"
    with pytest.raises(InvalidValue) as e:
        refund_quote.quote_refund({"order_id": o.id, "amount": "1000"}, shop.uow())
    assert e.value.field == "amount"
    assert refund_quote.refundable(o.id, shop.uow()) == after
