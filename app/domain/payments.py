"""Settling the amount due with one or more tenders at Mark Paid."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .errors import InsufficientPayment, InvalidValue
from .money import ZERO, exact, minor_units, money_str
from .order import Payment, TenderKind


@dataclass(frozen=True, slots=True)
class Tender:
    kind: TenderKind
    amount: Decimal  # for cash: what was handed over; for card and other: what is charged
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class TenderBalance:
    """Where the tenders stand against the amount due: what Mark Paid shows live and what
    `settle` checks. Cash surplus goes back as change; card and other may not exceed what is due."""
    amount_due: Decimal
    cash: Decimal
    non_cash: Decimal

    @property
    def tendered(self) -> Decimal:
        return self.cash + self.non_cash

    @property
    def non_cash_exceeds_due(self) -> bool:
        """Card and other add up to more than is due: change can only be given in cash."""
        return self.non_cash > self.amount_due

    @property
    def still_due(self) -> Decimal:
        """What the tenders leave unpaid, never below zero."""
        return max(self.amount_due - self.tendered, ZERO)

    @property
    def change(self) -> Decimal:
        """The cash handed back, never below zero (none when card and other already exceed the due)."""
        if self.non_cash_exceeds_due:
            return ZERO
        return max(self.tendered - self.amount_due, ZERO)


@exact
def tender_balance(amount_due: Decimal, tenders: Iterable[Tender]) -> TenderBalance:
    """The one place the tender rules add up: cash on one side, card and other on the other."""
    cash = non_cash = ZERO
    for t in tenders:
        if t.kind is TenderKind.CASH:
            cash += t.amount
        else:
            non_cash += t.amount
    return TenderBalance(amount_due=amount_due, cash=cash, non_cash=non_cash)


@exact
def settle(amount_due: Decimal, currency_code: str, tenders: Sequence[Tender],
           new_id: Callable[[], str], now: datetime) -> list[Payment]:
    """Card and other tenders are charged as given and may not exceed what is due; cash covers
    the rest and any surplus goes back as change. Together they must cover the rounded amount due."""
    digits = minor_units(currency_code)
    for i, t in enumerate(tenders):
        f = f"tenders.{i}.amount"  # the same path pydantic gives, so the edges map it to one widget
        if t.amount <= 0:
            raise InvalidValue("must be more than zero", field=f)
        if -t.amount.as_tuple().exponent > digits and t.amount != t.amount.quantize(Decimal(1).scaleb(-digits)):  # type: ignore[operator]
            raise InvalidValue(f"has more than {digits} decimals for {currency_code.upper()}", field=f)
    balance = tender_balance(amount_due, tenders)
    if balance.non_cash_exceeds_due:
        raise InvalidValue(
            f"card and other tenders add up to {money_str(balance.non_cash, currency_code)}, more than the "
            f"{money_str(amount_due, currency_code)} due; change can only be given in cash", field="tenders")
    if balance.still_due > 0:
        raise InsufficientPayment(
            f"{money_str(balance.still_due, currency_code)} {currency_code.upper()} is still due "
            f"(tendered {money_str(balance.tendered, currency_code)} of {money_str(amount_due, currency_code)})",
            field="tenders")
    cash_needed = amount_due - balance.non_cash
    payments: list[Payment] = []
    for t in tenders:
        if t.kind is TenderKind.CASH:
            applied = min(t.amount, cash_needed)
            cash_needed -= applied
            change = t.amount - applied
            payments.append(Payment(id=new_id(), kind=t.kind, amount=applied, amount_tendered=t.amount,
                                    change_given=change, reference=t.reference, created_at=now))
        else:
            payments.append(Payment(id=new_id(), kind=t.kind, amount=t.amount, amount_tendered=t.amount,
                                    change_given=ZERO, reference=t.reference, created_at=now))
    return payments
