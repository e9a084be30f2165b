"""The tender rules in one pure function: the payment dialog's live "still due / change" and
`settle` both come from `tender_balance`, so they cannot disagree."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from itertools import count

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import InsufficientPayment, InvalidValue
from app.domain.order import TenderKind
from app.domain.payments import Tender, TenderBalance, settle, tender_balance

CASH, CARD, OTHER = TenderKind.CASH, TenderKind.CARD, TenderKind.OTHER
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def D(s: str) -> Decimal:
    return Decimal(s)


def _settle(due: Decimal, tenders: list[Tender]) -> list:  # type: ignore[type-arg]
    ids = count(1)
    return settle(due, "eur", tenders, lambda: f"pay_{next(ids)}", NOW)


def test_nothing_tendered_leaves_everything_due_and_no_change() -> None:
    b = tender_balance(D("41.02"), [])
    assert (b.tendered, b.still_due, b.change) == (D("0"), D("41.02"), D("0"))
    assert not b.non_cash_exceeds_due


def test_cash_over_the_due_is_change() -> None:
    b = tender_balance(D("41.02"), [Tender(CASH, D("50"))])
    assert (b.tendered, b.still_due, b.change) == (D("50"), D("0"), D("8.98"))


def test_card_and_cash_split_adds_up() -> None:
    b = tender_balance(D("100.00"), [Tender(CARD, D("40.00")), Tender(CASH, D("70"))])
    assert (b.cash, b.non_cash, b.still_due, b.change) == (D("70"), D("40.00"), D("0"), D("10.00"))


def test_short_tenders_leave_the_rest_due() -> None:
    b = tender_balance(D("25.00"), [Tender(CARD, D("10")), Tender(OTHER, D("5"))])
    assert (b.still_due, b.change) == (D("10.00"), D("0"))


def test_card_over_the_due_gives_no_change() -> None:
    b = tender_balance(D("20.00"), [Tender(CARD, D("25.00")), Tender(CASH, D("5"))])
    assert b.non_cash_exceeds_due
    assert (b.still_due, b.change) == (D("0"), D("0"))


def test_amounts_stay_decimal() -> None:
    b = tender_balance(D("0.30"), [Tender(CASH, D("0.10")), Tender(CASH, D("0.20"))])
    assert isinstance(b.tendered, Decimal) and b.still_due == 0 and b.change == 0


def test_the_balance_is_a_frozen_value() -> None:
    b = tender_balance(D("1"), [])
    assert isinstance(b, TenderBalance)
    with pytest.raises(AttributeError):
        b.cash = D("2")  # type: ignore[misc]


amounts = st.decimals(min_value=D("0.01"), max_value=D("500"), places=2)
tenders = st.lists(st.builds(Tender, st.sampled_from([CASH, CARD, OTHER]), amounts), max_size=4)


@given(due=amounts, tenders=tenders)
def test_settle_accepts_exactly_what_the_balance_calls_covered(due: Decimal, tenders: list[Tender]) -> None:
    b = tender_balance(due, tenders)
    if b.non_cash_exceeds_due:
        with pytest.raises(InvalidValue):
            _settle(due, tenders)
    elif b.still_due > 0:
        with pytest.raises(InsufficientPayment):
            _settle(due, tenders)
    else:
        payments = _settle(due, tenders)
        assert sum((p.amount for p in payments), D("0")) == due
        assert sum((p.change_given for p in payments), D("0")) == b.change
        assert sum((p.amount_tendered for p in payments), D("0")) == b.tendered
