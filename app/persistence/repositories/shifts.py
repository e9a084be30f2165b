"""Shifts, cash movements, drawer openings, and the facts a shift report is computed from."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app.domain.errors import NotFound
from app.domain.money import decimal_str
from app.domain.order import OrderStatus
from app.domain.shift_report import RefundFact, SaleFact, SaleTax
from app.domain.shifts import CashMovement, DrawerOpening, DrawerReason, MovementKind, Shift

from .. import rows as r
from ._base import SqlRepository


def _amounts(d: dict[str, Any] | None) -> dict[str, Decimal] | None:
    return None if d is None else {k: Decimal(v) for k, v in d.items()}


def _texts(d: dict[str, Decimal] | None) -> dict[str, str] | None:
    return None if d is None else {k: decimal_str(v) for k, v in d.items()}


def shift(row: r.ShiftRow) -> Shift:
    return Shift(id=row.id, till_id=row.till_id, currency_code=row.currency_code, opened_at=row.opened_at,
                 opening_float=_amounts(row.opening_float) or {}, opened_by=row.opened_by,
                 closed_at=row.closed_at, closed_by=row.closed_by, counted=_amounts(row.counted),
                 z_number=row.z_number, report=dict(row.report) if row.report is not None else None)


def movement(row: r.CashMovementRow) -> CashMovement:
    return CashMovement(id=row.id, shift_id=row.shift_id, kind=MovementKind(row.kind), amount=row.amount,
                        reason=row.reason, created_at=row.created_at, staff_id=row.staff_id)


class SqlShiftRepository(SqlRepository):
    def open_shift(self, till_id: str) -> Shift | None:
        row = self.s.scalar(select(r.ShiftRow).where(r.ShiftRow.till_id == till_id, r.ShiftRow.closed_at.is_(None)))
        return None if row is None else shift(row)

    def get(self, shift_id: str) -> Shift:
        row = self.s.get(r.ShiftRow, shift_id)
        if row is None:
            raise NotFound(f"shift {shift_id} does not exist", field="shift")
        return shift(row)

    def by_z_number(self, till_id: str, z_number: int) -> Shift:
        row = self.s.scalar(select(r.ShiftRow).where(r.ShiftRow.till_id == till_id, r.ShiftRow.z_number == z_number))
        if row is None:
            raise NotFound(f"no shift has Z number {z_number}", field="shift")
        return shift(row)

    def recent(self, till_id: str, limit: int = 50) -> list[Shift]:
        q = (select(r.ShiftRow).where(r.ShiftRow.till_id == till_id)
             .order_by(r.ShiftRow.opened_at.desc(), r.ShiftRow.id.desc()).limit(limit))
        return [shift(x) for x in self.s.scalars(q)]

    def add(self, sh: Shift) -> None:
        self.s.add(r.ShiftRow(id=sh.id, till_id=sh.till_id, currency_code=sh.currency_code,
                              opening_float=_texts(sh.opening_float), opened_at=sh.opened_at,
                              opened_by=sh.opened_by))

    def save(self, sh: Shift) -> None:
        row = self.s.get(r.ShiftRow, sh.id)
        if row is None:
            raise NotFound(f"shift {sh.id} does not exist", field="shift")
        row.closed_at, row.closed_by, row.z_number = sh.closed_at, sh.closed_by, sh.z_number
        row.counted = _texts(sh.counted)
        row.report = dict(sh.report) if sh.report is not None else None

    def add_movement(self, m: CashMovement) -> None:
        self.s.add(r.CashMovementRow(id=m.id, shift_id=m.shift_id, kind=m.kind.value, amount=m.amount,
                                     reason=m.reason, staff_id=m.staff_id, created_at=m.created_at))

    def movements(self, shift_id: str) -> list[CashMovement]:
        q = (select(r.CashMovementRow).where(r.CashMovementRow.shift_id == shift_id)
             .order_by(r.CashMovementRow.created_at, r.CashMovementRow.id))
        return [movement(x) for x in self.s.scalars(q)]

    def attach_payments(self, shift_id: str | None, staff_id: str | None, payment_ids: list[str]) -> None:
        """Marks payments just recorded (and flushed) as taken in this shift by this staff member."""
        if payment_ids and (shift_id or staff_id):
            self.s.execute(update(r.PaymentRow).where(r.PaymentRow.id.in_(payment_ids))
                           .values(shift_id=shift_id, staff_id=staff_id))

    def sales(self, shift_id: str) -> list[SaleFact]:
        """Every order with a payment taken in the shift, with the totals frozen at Mark Paid."""
        ids = select(r.PaymentRow.order_id).where(r.PaymentRow.shift_id == shift_id)
        q = (select(r.OrderRow).where(r.OrderRow.id.in_(ids)).order_by(r.OrderRow.display_id)
             .options(selectinload(r.OrderRow.payments)))
        out = []
        for o in self.s.scalars(q):
            t = o.totals
            mine = [p for p in o.payments if p.shift_id == shift_id]
            out.append(SaleFact(
                order_id=o.id, invoice_number=o.invoice_number, display_id=o.display_id,
                currency_code=o.currency_code, canceled=o.status == OrderStatus.CANCELED.value,
                amount_due=sum((p.amount for p in mine), Decimal(0)),
                discount_total=Decimal(t.get("discount_total", "0")),
                taxes=tuple(SaleTax(code=x["code"], name=x.get("name", ""), rate=Decimal(x["rate"]),
                                    amount=Decimal(x["amount"])) for x in t.get("taxes", [])),
                payments=tuple((p.kind, p.amount) for p in mine),
                staff_id=next((p.staff_id for p in mine if p.staff_id), None)))
        return out

    def refunds(self, shift_id: str) -> list[RefundFact]:
        """Money given back during the shift, one fact per tender. A refund belongs to the shift
        open on this till when it was recorded (one till per database): its time lies between the
        shift's opening and its close, so no column is needed to say so."""
        sh = self.s.get(r.ShiftRow, shift_id)
        if sh is None:
            return []
        q = (select(r.RefundRow, r.OrderRow.currency_code).join(r.OrderRow, r.OrderRow.id == r.RefundRow.order_id)
             .where(r.RefundRow.created_at >= sh.opened_at)
             .order_by(r.RefundRow.created_at, r.RefundRow.id))
        if sh.closed_at is not None:
            q = q.where(r.RefundRow.created_at <= sh.closed_at)
        return [RefundFact(order_id=row.order_id, tender=t["kind"], amount=Decimal(t["amount"]),
                           staff_id=row.staff_id, currency_code=currency)
                for row, currency in self.s.execute(q) for t in row.tenders]

    def shift_of_order(self, order_id: str) -> str | None:
        """The shift the order's payments were taken in (None: none was open)."""
        return self.s.scalar(select(r.PaymentRow.shift_id).where(r.PaymentRow.order_id == order_id,
                                                                 r.PaymentRow.shift_id.is_not(None)).limit(1))

    def add_drawer_opening(self, d: DrawerOpening) -> None:
        self.s.add(r.DrawerOpeningRow(id=d.id, reason=d.reason.value, note=d.note, shift_id=d.shift_id,
                                      staff_id=d.staff_id, destination=d.destination, error=d.error,
                                      created_at=d.created_at))

    def drawer_openings(self, shift_id: str | None = None) -> list[DrawerOpening]:
        q = select(r.DrawerOpeningRow).order_by(r.DrawerOpeningRow.created_at, r.DrawerOpeningRow.id)
        if shift_id is not None:
            q = q.where(r.DrawerOpeningRow.shift_id == shift_id)
        return [DrawerOpening(id=x.id, reason=DrawerReason(x.reason), note=x.note, created_at=x.created_at,
                              shift_id=x.shift_id, staff_id=x.staff_id, destination=x.destination, error=x.error)
                for x in self.s.scalars(q)]
