"""Refund rules: Medusa's per-unit refundable amounts (vectors from Medusa 2.21.2's own code),
partial refunds that add up to what was paid, over-refunds refused, the payment status moving
captured -> partially_refunded -> refunded."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.errors import InvalidValue
from app.domain.money import MONEY_CONTEXT, round_money
from app.domain.order import Order, OrderStatus, Payment, PaymentStatus, TenderKind
from app.domain.refunds import (
    OverRefund,
    Refund,
    RefundableLine,
    RefundRequest,
    RefundTender,
    check_tenders,
    default_tenders,
    item_refundable,
    plan_refund,
)
from app.domain.totals import Adjustment

VECTORS = json.loads((Path(__file__).parents[1] / "golden" / "medusa_refund_vectors.json").read_text())
NOW = datetime(2026, 11, 3, 12, tzinfo=UTC)


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["input"]["id"])
def test_refundable_amounts_are_medusas(vector: dict) -> None:  # type: ignore[type-arg]
    i = vector["input"]
    total, per_unit = item_refundable(
        Decimal(i["unit_price"]), int(i["quantity"]), bool(i["is_tax_inclusive"]),
        [Decimal(r) for r in i["tax_rates"]],
        [Adjustment(amount=Decimal(a["amount"]), is_tax_inclusive=bool(a["is_tax_inclusive"]))
         for a in i["adjustments"]],
        returned_quantity=int(i["return_received_quantity"]))
    assert total == Decimal(vector["expected_exact"]["refundable_total"])
    assert per_unit == Decimal(vector["expected_exact"]["refundable_total_per_unit"])


def test_the_vectors_cover_the_quirks() -> None:
    inputs = [v["input"] for v in VECTORS["vectors"]]
    assert VECTORS["medusa_utils"] == "2.21.2" and len(inputs) >= 50
    assert any(i["is_tax_inclusive"] and i["adjustments"] for i in inputs)
    assert any(not i["is_tax_inclusive"] and len(i["tax_rates"]) > 1 and i["adjustments"] for i in inputs)
    assert any(i["return_received_quantity"] for i in inputs)


def order(paid: str, refunded: str = "0", currency: str = "usd", **kw: object) -> Order:
    o = Order(id="order_1", display_id=7, draft_order_id="order_d", currency_code=currency, region_id="reg",
              invoice_number="TD-2026-000007", refunded_total=Decimal(refunded),
              payments=[Payment(id="pay_1", kind=TenderKind.CARD, amount=Decimal(paid), amount_tendered=Decimal(paid),
                                change_given=Decimal(0), reference="AUTH-1", created_at=NOW)])
    for k, v in kw.items():
        setattr(o, k, v)
    return o


def line(line_id: str, price: str, qty: int, rate: str = "8.875", discount: str = "0") -> RefundableLine:
    adjs = [Adjustment(amount=Decimal(discount))] if Decimal(discount) else []
    total, per_unit = item_refundable(Decimal(price), qty, False, [Decimal(rate)], adjs)
    return RefundableLine(line_id=line_id, title=line_id, quantity=qty, refundable_total=total, per_unit=per_unit)


def record(o: Order, plan_amount: Decimal, plan: object, n: int) -> Refund:
    r = Refund(id=f"ref_{n}", order_id=o.id, credit_note_number=f"TD-CN-2026-{n:06d}", amount=plan_amount,
               lines=plan.lines, shipping_amount=plan.shipping_amount,  # type: ignore[attr-defined]
               extra_amount=plan.extra_amount, adjustment=plan.adjustment,  # type: ignore[attr-defined]
               reason=None, tenders=(), created_at=NOW)
    o.refunded_total += plan_amount
    o.payment_status = plan.payment_status  # type: ignore[attr-defined]
    return r


def test_one_espresso_of_three_then_the_rest_add_up_to_what_was_paid() -> None:
    lines = [line("esp", "15", 3), line("wrap", "2.50", 1)]
    o = order("58.25")  # 3 x 15 + 2.50 + shipping 6 at 8.875 % = 58.248125
    p1 = plan_refund(o, lines, Decimal("6.5325"), [], RefundRequest(items=(("esp", 1),)))
    assert p1.amount == Decimal("16.33") and p1.payment_status is PaymentStatus.PARTIALLY_REFUNDED
    done = [record(o, p1.amount, p1, 1)]
    p2 = plan_refund(o, lines, Decimal("6.5325"), done, RefundRequest(items=(("esp", 2), ("wrap", 1)), shipping=True))
    # 2 espressos 32.66 (cumulative 48.99 - 16.33), wrap 2.72, shipping 6.53; the last cent settles the rounding
    assert [x.amount for x in p2.lines] == [Decimal("32.66"), Decimal("2.72")] and p2.shipping_amount == Decimal("6.53")
    assert p2.amount == Decimal("41.92") and p2.adjustment == Decimal("0.01") and p2.leaves_nothing
    assert p2.payment_status is PaymentStatus.REFUNDED
    record(o, p2.amount, p2, 2)
    assert o.refunded_total == o.paid_total


def test_over_refunds_are_refused_with_the_field_named() -> None:
    lines = [line("esp", "15", 3)]
    o = order("48.99")
    with pytest.raises(OverRefund) as exc:
        plan_refund(o, lines, Decimal(0), [], RefundRequest(items=(("esp", 4),)))
    assert exc.value.field == "items.0.quantity" and "only 3 of 3" in exc.value.message
    with pytest.raises(OverRefund) as exc:
        plan_refund(o, lines, Decimal(0), [], RefundRequest(amount=Decimal("49.00")))
    assert exc.value.field == "amount" and "only 48.99" in exc.value.message
    with pytest.raises(InvalidValue) as exc2:
        plan_refund(o, lines, Decimal(0), [], RefundRequest(items=(("nope", 1),)))
    assert exc2.value.field == "items.0.line_id"
    with pytest.raises(InvalidValue) as exc2:
        plan_refund(o, lines, Decimal(0), [], RefundRequest(shipping=True))
    assert exc2.value.field == "shipping"
    with pytest.raises(InvalidValue) as exc2:
        plan_refund(o, lines, Decimal(0), [], RefundRequest(amount=Decimal("1.001")))
    assert exc2.value.field == "amount"
    with pytest.raises(InvalidValue, match="nothing to refund"):
        plan_refund(o, lines, Decimal(0), [], RefundRequest())
    with pytest.raises(InvalidValue, match="canceled"):
        plan_refund(order("10", status=OrderStatus.CANCELED), lines, Decimal(0), [], RefundRequest(amount=Decimal(1)))
    with pytest.raises(InvalidValue, match="refunded"):
        plan_refund(order("10", payment_status=PaymentStatus.REFUNDED), lines, Decimal(0), [],
                    RefundRequest(amount=Decimal(1)))


def test_goodwill_first_then_everything_gives_back_only_what_is_left() -> None:
    lines = [line("esp", "15", 3)]
    o = order("48.99")
    p1 = plan_refund(o, lines, Decimal(0), [], RefundRequest(amount=Decimal("5.00")))
    done = [record(o, p1.amount, p1, 1)]
    p2 = plan_refund(o, lines, Decimal(0), done, RefundRequest(everything=True))
    assert p2.amount == Decimal("43.99") and p2.adjustment == Decimal("-5.00")
    assert p2.payment_status is PaymentStatus.REFUNDED


def test_tenders_must_add_up_and_a_card_refund_needs_its_reference() -> None:
    check_tenders(Decimal("10.00"), "usd", [RefundTender(TenderKind.CASH, Decimal("4")),
                                            RefundTender(TenderKind.CARD, Decimal("6"), "R-1")])
    with pytest.raises(InvalidValue) as exc:
        check_tenders(Decimal("10.00"), "usd", [RefundTender(TenderKind.CASH, Decimal("9.99"))])
    assert exc.value.field == "tenders" and "9.99" in exc.value.message
    with pytest.raises(InvalidValue) as exc:
        check_tenders(Decimal("10.00"), "usd", [RefundTender(TenderKind.CARD, Decimal("10"))])
    assert exc.value.field == "tenders.0.reference"


def test_a_cancel_pays_back_through_the_original_tenders_newest_first() -> None:
    o = order("30")
    o.payments.append(Payment(id="pay_2", kind=TenderKind.CASH, amount=Decimal("20"), amount_tendered=Decimal("50"),
                              change_given=Decimal("30"), reference=None, created_at=NOW))
    got = default_tenders(o, Decimal("45"))
    assert [(t.kind, t.amount, t.reference) for t in got] == [
        (TenderKind.CASH, Decimal("20"), None), (TenderKind.CARD, Decimal("25"), "AUTH-1")]
    assert default_tenders(o, Decimal("45"), TenderKind.CARD, "R-9") == (
        RefundTender(TenderKind.CARD, Decimal("45"), "R-9"),)


LINE = st.tuples(st.sampled_from(["0.99", "9.99", "15", "2.5", "0.333", "1499", "12.345"]),
                 st.integers(1, 6), st.sampled_from(["0", "8.875", "19", "7.25"]),
                 st.sampled_from(["0", "1", "2.5", "0.07"]))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINE, min_size=1, max_size=4), st.sampled_from(["0", "6", "4.99"]),
       st.randoms(use_true_random=False), st.sampled_from(["usd", "jpy", "kwd"]))
def test_partial_refunds_in_any_steps_add_up_to_the_whole_order(specs: list, shipping: str,  # type: ignore[type-arg]
                                                                rnd: object, currency: str) -> None:
    lines = [line(f"l{i}", p, q, r, d) for i, (p, q, r, d) in enumerate(specs)]
    with __import__("decimal").localcontext(MONEY_CONTEXT):
        whole = sum((max(ln.refundable_total, Decimal(0)) for ln in lines), Decimal(0)) + Decimal(shipping)
    paid = round_money(whole, currency)
    o = order(str(paid), currency=currency)
    units = [ln.line_id for ln in lines for _ in range(ln.quantity)]
    rnd.shuffle(units)  # type: ignore[attr-defined]
    done: list[Refund] = []
    n = 0
    ship_left = Decimal(shipping) > 0
    while units:
        if o.payment_status is PaymentStatus.REFUNDED:
            # Everything paid went back already: what is left is worth nothing or was within the
            # rounding of the lines (each rounded on its own) against the rounded total paid.
            left = sum((round_money(next(x for x in lines if x.line_id == u).per_unit, currency) for u in units),
                       Decimal(0))
            assert left <= round_money(Decimal(1), currency) * len(lines)
            break
        take = units[:rnd.randint(1, len(units))]  # type: ignore[attr-defined]
        units = units[len(take):]
        items = tuple((lid, take.count(lid)) for lid in dict.fromkeys(take))
        with_ship = ship_left and (not units or rnd.random() < 0.3)  # type: ignore[attr-defined]
        ship_left = ship_left and not with_ship
        if not units and ship_left:
            with_ship, ship_left = True, False
        plan = plan_refund(o, lines, Decimal(shipping), done, RefundRequest(items=items, shipping=with_ship))
        assert plan.amount >= 0 and o.refunded_total + plan.amount <= o.paid_total
        n += 1
        done.append(record(o, plan.amount, plan, n))
        # Nothing more than sold can go back, ever.
        with pytest.raises(InvalidValue):
            plan_refund(o, lines, Decimal(shipping), done, RefundRequest(amount=o.paid_total - o.refunded_total
                                                                         + round_money(Decimal(1), currency)))
    assert o.refunded_total == o.paid_total
    assert o.payment_status is (PaymentStatus.REFUNDED if paid > 0 else o.payment_status)
    if units:
        return
    # every line gave back exactly its rounded refundable total
    for ln in lines:
        got = sum((x.amount for r in done for x in r.lines if x.line_id == ln.line_id), Decimal(0))
        assert got == max(round_money(ln.refundable_total, currency), Decimal(0))


def test_lines_rounded_one_by_one_never_give_back_more_than_the_rounded_total_paid() -> None:
    # Three lines of 0.6 JPY each: paid round(1.8) = 2, each line alone rounds to 1.
    lines = [line(f"l{i}", "0.6", 1, "0") for i in range(3)]
    o = order("2", currency="jpy")
    p1 = plan_refund(o, lines, Decimal(0), [], RefundRequest(items=(("l0", 1), ("l1", 1))))
    assert p1.amount == Decimal(2) and p1.payment_status is PaymentStatus.REFUNDED
    o2 = order("2", currency="jpy")
    p2 = plan_refund(o2, lines, Decimal(0), [], RefundRequest(items=(("l0", 1),)))
    assert p2.amount == Decimal(1)
    done = [record(o2, p2.amount, p2, 1)]
    p3 = plan_refund(o2, lines, Decimal(0), done, RefundRequest(items=(("l1", 1), ("l2", 1))))
    assert p3.amount == Decimal(1) and p3.adjustment == Decimal(-1) and p3.leaves_nothing
