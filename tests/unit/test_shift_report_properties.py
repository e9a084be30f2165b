"""Properties of the shift report for any mix of sales, cancellations and cash movements: the
figures a closing counts on add up exactly, and the stored report reads back unchanged."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.shift_report import SaleFact, SaleTax, build_report, report_from_dict, report_to_dict
from app.domain.shifts import CashMovement, MovementKind

T0 = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
cents = st.integers(min_value=1, max_value=500_00).map(lambda n: Decimal(n).scaleb(-2))
tiny = st.integers(min_value=0, max_value=10**6).map(lambda n: Decimal(n).scaleb(-6))  # unrounded tax
RATES = (Decimal("7"), Decimal("8.875"), Decimal("19"))


@st.composite
def sales(draw: st.DrawFn) -> list[SaleFact]:
    out = []
    for i in range(draw(st.integers(min_value=0, max_value=12))):
        split = draw(st.lists(st.tuples(st.sampled_from(["cash", "card", "other"]), cents), min_size=1, max_size=3))
        taxes = tuple(SaleTax(code=f"T{r}", name="Tax", rate=r, amount=draw(tiny))
                      for r in draw(st.lists(st.sampled_from(RATES), max_size=2, unique=True)))
        out.append(SaleFact(order_id=f"o{i}", invoice_number=f"TD-{i:06d}", display_id=i, currency_code="usd",
                            canceled=draw(st.booleans()), amount_due=sum((a for _, a in split), Decimal(0)),
                            discount_total=draw(tiny), taxes=taxes, payments=tuple(split),
                            staff_id=draw(st.sampled_from([None, "stf_a", "stf_b"]))))
    return out


@settings(max_examples=150, deadline=None)
@given(sales(), cents, st.lists(st.tuples(st.booleans(), cents), max_size=4), st.none() | cents)
def test_the_report_adds_up_for_any_shift(facts: list[SaleFact], flt: Decimal, moves: list[tuple[bool, Decimal]],
                                          counted_cash: Decimal | None) -> None:
    movements = [CashMovement(id=f"m{i}", shift_id="s", kind=MovementKind.CASH_IN if is_in else MovementKind.CASH_OUT,
                              amount=a, reason="r", created_at=T0) for i, (is_in, a) in enumerate(moves)]
    counted = None if counted_cash is None else {"cash": counted_cash}
    r = build_report(kind="Z", z_number=1, shift_id="s", till_id="t", currency_code="usd", opened_at=T0, at=T0,
                     opening_float={"cash": flt}, sales=facts, refunds=[], movements=movements, counted=counted)
    live = [f for f in facts if not f.canceled]
    taken = sum((a for f in facts for _, a in f.payments), Decimal(0))
    moved = sum((a if is_in else -a for is_in, a in moves), Decimal(0))
    # every tender's expected amounts, together, are the float, all money taken, and the cash moved
    assert r.expected_total == flt + taken + moved
    assert r.gross + r.cancelled_total == sum((f.amount_due for f in facts), Decimal(0))
    assert r.net + sum((t.amount for t in r.taxes), Decimal(0)) == r.gross
    assert all(t.amount == t.amount.quantize(Decimal("0.01")) for t in r.taxes)
    assert sum((s.gross for s in r.staff), Decimal(0)) == r.gross and sum(s.sales for s in r.staff) == r.sales_count
    assert r.sales_count == len(live) and r.cancelled_count == len(facts) - len(live)
    cash = next(t for t in r.tenders if t.tender == "cash")
    assert cash.difference == (None if counted_cash is None else counted_cash - cash.expected)
    if facts:
        assert (r.first_invoice, r.last_invoice) == (min(f.invoice_number for f in facts),
                                                    max(f.invoice_number for f in facts))
    assert report_from_dict(report_to_dict(r)) == r
