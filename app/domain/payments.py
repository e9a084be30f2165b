"""Settling the amount due with one or more tenders at Mark Paid."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .errors import InsufficientPayment, InvalidValue
from .money import exact, ZERO, minor_units, money_str
from .order import Payment, TenderKind


@dataclass(frozen=True, slots=True)
class Tender:
    kind: TenderKind
    amount: Decimal  # for cash: what was handed over; for card and other: what is charged
    reference: str | None = None


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
    non_cash = sum((t.amount for t in tenders if t.kind is not TenderKind.CASH), ZERO)
    cash = sum((t.amount for t in tenders if t.kind is TenderKind.CASH), ZERO)
    if non_cash > amount_due:
        raise InvalidValue(
            f"card and other tenders add up to {money_str(non_cash, currency_code)}, more than the "
            f"{money_str(amount_due, currency_code)} due; change can only be given in cash", field="tenders")
    if non_cash + cash < amount_due:
        missing = amount_due - non_cash - cash
        raise InsufficientPayment(
            f"{money_str(missing, currency_code)} {currency_code.upper()} is still due "
            f"(tendered {money_str(non_cash + cash, currency_code)} of {money_str(amount_due, currency_code)})",
            field="tenders")
    cash_needed = amount_due - non_cash
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
