"""Shifts: open with a counted float, cash in and out, X report at any time, close with the
counted cash into a Z report. Every action is one unit of work; closing writes the Z number,
the counted amounts and the frozen report in one commit, so a crash leaves the shift either
closed with its report or still open."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field

from app.domain import clock, ids
from app.domain.changes import OpResult
from app.domain.errors import InvalidTransition, InvalidValue
from app.domain.money import ZERO, money_str, round_money
from app.domain.order import Payment, TenderKind
from app.domain.shift_report import ShiftReport, build_report, report_from_dict, report_to_dict
from app.domain.shifts import CashMovement, MovementKind, Shift, amount, reason_text, tender_amounts

from . import audit, guard
from .commands import Command
from .context import UnitOfWork
from .errors import parse

log = logging.getLogger(__name__)

TILL_ID_KEY = "till_id"  # minted once per database: Z numbers are gapless per till
REQUIRE_SHIFT_KEY = "require_shift"
StaffId = Annotated[str | None, Field(max_length=100)]


class OpenShift(Command):
    floats: dict[str, Any] = Field(default_factory=dict)
    currency_code: Annotated[str | None, Field(min_length=3, max_length=3)] = None
    staff_id: StaffId = None


class MoveCash(Command):
    amount: Any
    reason: Annotated[str, Field(max_length=500)] = ""
    staff_id: StaffId = None


class CloseShift(Command):
    counted: dict[str, Any]
    staff_id: StaffId = None


@dataclass(frozen=True, slots=True)
class ShiftDTO:
    shift: Shift
    movements: tuple[CashMovement, ...]


# -- the till and the Mark Paid hook -----------------------------------------------------------
def till_id(uow: UnitOfWork, *, create: bool = False) -> str | None:
    value = uow.settings.get(TILL_ID_KEY)
    if value is None and create:
        value = ids.new_id("till")
        uow.settings.set(TILL_ID_KEY, value)
    return None if value is None else str(value)


def shift_required(uow: UnitOfWork) -> bool:
    """Whether Mark Paid needs an open shift. THE one place the rule lives: the till setting
    `require_shift` (default off), or staff being on (issue 10: "when staff is on, Mark Paid needs
    an open shift and the payments belong to it")."""
    return bool(uow.settings.get(REQUIRE_SHIFT_KEY, False)) or guard.staff_on(uow)


def shift_for_payment(uow: UnitOfWork) -> Shift | None:
    """The shift a payment taken now belongs to; refuses when a shift is required and none is open.
    Called by Mark Paid inside its unit of work, before anything is written."""
    till = till_id(uow)
    sh = uow.shifts.open_shift(till) if till else None
    if sh is None and shift_required(uow):
        raise InvalidTransition("no shift is open on this till: open one before taking payments", field="shift")
    return sh


def attach_payments(uow: UnitOfWork, sh: Shift | None, staff_id: str | None, payments: Sequence[Payment]) -> None:
    """Marks the (flushed) payments as taken in the shift by the staff member."""
    uow.shifts.attach_payments(sh.id if sh else None, staff_id, [p.id for p in payments])


# -- actions -------------------------------------------------------------------------------------
def _currency(uow: UnitOfWork, wanted: str | None) -> str:
    if wanted:
        return wanted.lower()
    region_id = uow.settings.get("default_region_id")
    if region_id:
        return uow.catalog.region(str(region_id)).currency_code.lower()
    found = sorted({r.currency_code.lower() for r in uow.catalog.regions()})
    if len(found) == 1:
        return found[0]
    raise InvalidValue("is required: this till has no default region to take it from", field="currency_code")


def _open(uow: UnitOfWork) -> Shift:
    till = till_id(uow)
    sh = uow.shifts.open_shift(till) if till else None
    if sh is None:
        raise InvalidTransition("no shift is open on this till", field="shift")
    return sh


def open_shift(cmd: OpenShift | dict[str, Any], uow: UnitOfWork) -> OpResult[ShiftDTO]:
    cmd = parse(OpenShift, cmd)
    with uow:
        till = till_id(uow, create=True)
        assert till is not None
        current = uow.shifts.open_shift(till)
        if current is not None:
            raise InvalidTransition(f"a shift is already open on this till (since {current.opened_at:%Y-%m-%d %H:%M})",
                                    field="shift")
        currency = _currency(uow, cmd.currency_code)
        floats = tender_amounts(cmd.floats, currency, field="float")
        sh = Shift(id=ids.new_id("shift"), till_id=till, currency_code=currency, opened_at=clock.now(),
                   opening_float={TenderKind.CASH.value: ZERO, **floats},
                   opened_by=guard.staff_id(uow) or cmd.staff_id)
        uow.shifts.add(sh)
        audit.record(uow, "shift_opened", sh.id, {"float": sh.opening_float, "currency_code": currency})
        uow.flush()
        uow.commit()
        log.info("shift %s opened with float %s", sh.id, {k: str(v) for k, v in sh.opening_float.items()})
        return OpResult(ShiftDTO(sh, ()), uow.changes)


def _report(uow: UnitOfWork, sh: Shift, kind: str, z_number: int | None,
            counted: dict[str, Decimal] | None) -> ShiftReport:
    return build_report(kind=kind, z_number=z_number, shift_id=sh.id, till_id=sh.till_id,
                        currency_code=sh.currency_code, opened_at=sh.opened_at, at=clock.now(),
                        opening_float=sh.opening_float, sales=uow.shifts.sales(sh.id),
                        refunds=uow.shifts.refunds(sh.id), movements=uow.shifts.movements(sh.id), counted=counted)


def move_cash(kind: MovementKind, cmd: MoveCash | dict[str, Any], uow: UnitOfWork) -> OpResult[CashMovement]:
    cmd = parse(MoveCash, cmd)
    with uow:
        who = guard.staff_id(uow) or cmd.staff_id
        sh = _open(uow)
        amt = amount(cmd.amount, sh.currency_code, field="amount", allow_zero=False)
        reason = reason_text(cmd.reason)
        if kind is MovementKind.CASH_OUT:
            cash = next(t for t in _report(uow, sh, "X", None, None).tenders if t.tender == TenderKind.CASH.value)
            if amt > cash.expected:
                raise InvalidValue(f"is more than the {money_str(cash.expected, sh.currency_code)} cash the "
                                  "drawer should hold", field="amount")
        m = CashMovement(id=ids.new_id("cashmv"), shift_id=sh.id, kind=kind, amount=amt, reason=reason,
                         created_at=clock.now(), staff_id=who)
        uow.shifts.add_movement(m)
        audit.record(uow, kind.name.lower(), sh.id, {"movement_id": m.id, "amount": amt, "reason": reason})
        uow.flush()
        uow.commit()
        log.info("cash %s %s on shift %s: %s", kind.value, amt, sh.id, reason)
        return OpResult(m, uow.changes)


def cash_in(cmd: MoveCash | dict[str, Any], uow: UnitOfWork) -> OpResult[CashMovement]:
    return move_cash(MovementKind.CASH_IN, cmd, uow)


def cash_out(cmd: MoveCash | dict[str, Any], uow: UnitOfWork) -> OpResult[CashMovement]:
    return move_cash(MovementKind.CASH_OUT, cmd, uow)


def x_report(uow: UnitOfWork) -> ShiftReport:
    """The open shift's figures so far; writes nothing."""
    with uow:
        return _report(uow, _open(uow), "X", None, None)


def close_shift(cmd: CloseShift | dict[str, Any], uow: UnitOfWork) -> OpResult[ShiftReport]:
    cmd = parse(CloseShift, cmd)
    with uow:
        who = guard.staff_id(uow) or cmd.staff_id
        sh = _open(uow)
        counted = tender_amounts(cmd.counted, sh.currency_code, field="counted")
        if TenderKind.CASH.value not in counted:
            raise InvalidValue("is required: count the cash in the drawer", field="counted.cash")
        z = uow.counters.next(f"z:{sh.till_id}")
        report = _report(uow, sh, "Z", z, counted)
        sh.close(report.at, counted, z, report_to_dict(report), who)
        uow.shifts.save(sh)
        audit.record(uow, "shift_closed", sh.id, {
            "z_number": z, "counted": counted,
            "expected": {t.tender: round_money(t.expected, sh.currency_code) for t in report.tenders}})
        uow.flush()
        uow.commit()
        log.info("shift %s closed as Z%d", sh.id, z)
        return OpResult(report, uow.changes)


def current_shift(uow: UnitOfWork) -> ShiftDTO | None:
    with uow:
        till = till_id(uow)
        sh = uow.shifts.open_shift(till) if till else None
        return None if sh is None else ShiftDTO(sh, tuple(uow.shifts.movements(sh.id)))


def list_shifts(uow: UnitOfWork, limit: int = 50) -> list[Shift]:
    with uow:
        till = till_id(uow)
        return uow.shifts.recent(till, limit) if till else []


def z_report(z_number: int, uow: UnitOfWork) -> ShiftReport:
    """A closed shift's Z report exactly as it was taken at close (for a reprint)."""
    with uow:
        till = till_id(uow)
        if till is None:
            raise InvalidValue(f"no shift has Z number {z_number}", field="z_number")
        sh = uow.shifts.by_z_number(till, z_number)
        assert sh.report is not None
        return report_from_dict(sh.report)


def report_pdf(report: ShiftReport, fmt: str, uow: UnitOfWork) -> bytes:
    """The report as an A4 or 80 mm PDF, headed with the shop's and the till's names."""
    from app.printing.shift_report_pdf import ReportHeader, render_report

    from .settings import load_settings

    s = load_settings(uow)
    return render_report(report, ReportHeader(shop_name=s.shop.name, till_name=s.till_name, locale=s.locale), fmt)
