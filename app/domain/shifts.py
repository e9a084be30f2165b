"""Shifts: a till's working session, opened with a counted float and closed with the counted
cash, and the cash brought in or taken out of the drawer in between. Standard library only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .errors import InvalidTransition, InvalidValue
from .money import minor_units, to_decimal
from .order import TenderKind

MAX_REASON = 200


class MovementKind(StrEnum):
    CASH_IN = "in"
    CASH_OUT = "out"


class DrawerReason(StrEnum):
    """Why the drawer opened: the cash payment or cash refund that needed it, or 'no sale'."""

    CASH_PAYMENT = "cash_payment"
    CASH_REFUND = "cash_refund"
    NO_SALE = "no_sale"


@dataclass(slots=True)
class Shift:
    id: str
    till_id: str
    currency_code: str
    opened_at: datetime
    opening_float: dict[str, Decimal]
    opened_by: str | None = None  # staff id (staff accounts arrive with the staff feature)
    closed_at: datetime | None = None
    closed_by: str | None = None
    counted: dict[str, Decimal] | None = None
    z_number: int | None = None
    report: dict[str, Any] | None = None  # the Z report as closed, frozen

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def close(self, now: datetime, counted: dict[str, Decimal], z_number: int, report: dict[str, Any],
              staff_id: str | None) -> None:
        if not self.is_open:
            raise InvalidTransition(f"shift Z{self.z_number} is already closed", field="shift")
        self.closed_at, self.counted, self.z_number, self.report, self.closed_by = (
            now, dict(counted), z_number, report, staff_id)


@dataclass(frozen=True, slots=True)
class CashMovement:
    id: str
    shift_id: str
    kind: MovementKind
    amount: Decimal
    reason: str
    created_at: datetime
    staff_id: str | None = None


@dataclass(frozen=True, slots=True)
class DrawerOpening:
    id: str
    reason: DrawerReason
    note: str | None
    created_at: datetime
    shift_id: str | None = None
    staff_id: str | None = None
    destination: str | None = None  # the printer that got the pulse, None when none is set up
    error: str | None = None  # why the pulse did not reach the printer
    extra: dict[str, Any] = field(default_factory=dict)


def amount(value: object, currency_code: str, *, field: str, allow_zero: bool = True) -> Decimal:
    """A drawer amount: a finite decimal, not negative, at most the currency's minor units."""
    d = to_decimal(value, field=field)
    if d < 0 or (d == 0 and not allow_zero):
        raise InvalidValue("must be more than zero" if not allow_zero else "must not be negative", field=field)
    digits = minor_units(currency_code)
    if d != d.quantize(Decimal(1).scaleb(-digits)):
        raise InvalidValue(f"has more than {digits} decimals for {currency_code.upper()}", field=field)
    return d


def tender_amounts(values: Mapping[str, object], currency_code: str, *, field: str) -> dict[str, Decimal]:
    """`{"cash": "150.00"}` checked: known tenders only, each a valid drawer amount."""
    known = {k.value for k in TenderKind}
    out: dict[str, Decimal] = {}
    for kind, value in values.items():
        k = str(kind).strip().lower()
        if k not in known:
            raise InvalidValue(f"{kind!r} is not a tender (use {', '.join(sorted(known))})", field=f"{field}.{kind}")
        out[k] = amount(value, currency_code, field=f"{field}.{k}")
    return out


def reason_text(value: str | None, *, field: str = "reason") -> str:
    text = " ".join((value or "").split())
    if not text:
        raise InvalidValue("is required: say why the cash moves", field=field)
    if len(text) > MAX_REASON:
        raise InvalidValue(f"is longer than {MAX_REASON} characters", field=field)
    return text
