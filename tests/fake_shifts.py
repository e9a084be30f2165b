"""The in-memory twin of app.persistence.repositories.shifts, for tests/fake_uow.py."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.domain.changes import ChangeLog
from app.domain.errors import NotFound
from app.domain.order import Order, OrderStatus
from app.domain.refunds import Refund
from app.domain.shift_report import RefundFact, SaleFact, SaleTax
from app.domain.shifts import CashMovement, DrawerOpening, Shift


@dataclass
class ShiftState:
    shifts: dict[str, Shift] = field(default_factory=dict)
    movements: list[CashMovement] = field(default_factory=list)
    drawer: list[DrawerOpening] = field(default_factory=list)
    payments: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # id -> (shift, staff)


class FakeShiftRepository:
    def __init__(self, st: ShiftState, orders: dict[str, tuple[Order, dict[str, Any], str]], log: ChangeLog,
                 refunds: dict[str, Refund] | None = None) -> None:
        self.st, self.orders, self.log = st, orders, log
        self.refund_store = refunds if refunds is not None else {}

    def open_shift(self, till_id: str) -> Shift | None:
        found = next((s for s in self.st.shifts.values() if s.till_id == till_id and s.is_open), None)
        return copy.deepcopy(found)

    def get(self, shift_id: str) -> Shift:
        if shift_id not in self.st.shifts:
            raise NotFound(f"shift {shift_id} does not exist", field="shift")
        return copy.deepcopy(self.st.shifts[shift_id])

    def by_z_number(self, till_id: str, z_number: int) -> Shift:
        found = next((s for s in self.st.shifts.values() if s.till_id == till_id and s.z_number == z_number), None)
        if found is None:
            raise NotFound(f"no shift has Z number {z_number}", field="shift")
        return copy.deepcopy(found)

    def recent(self, till_id: str, limit: int = 50) -> list[Shift]:
        mine = [s for s in self.st.shifts.values() if s.till_id == till_id]
        return copy.deepcopy(sorted(mine, key=lambda s: (s.opened_at, s.id), reverse=True)[:limit])

    def add(self, sh: Shift) -> None:
        if sh.is_open and self.open_shift(sh.till_id) is not None:
            raise RuntimeError("UNIQUE constraint failed: one open shift per till")  # what SQLite says
        self.st.shifts[sh.id] = copy.deepcopy(sh)

    def save(self, sh: Shift) -> None:
        self.get(sh.id)
        self.st.shifts[sh.id] = copy.deepcopy(sh)

    def add_movement(self, m: CashMovement) -> None:
        self.st.movements.append(m)

    def movements(self, shift_id: str) -> list[CashMovement]:
        return sorted((m for m in self.st.movements if m.shift_id == shift_id), key=lambda m: (m.created_at, m.id))

    def attach_payments(self, shift_id: str | None, staff_id: str | None, payment_ids: list[str]) -> None:
        for pid in payment_ids:
            self.st.payments[pid] = (shift_id, staff_id)

    def sales(self, shift_id: str) -> list[SaleFact]:
        out = []
        for o, t, _ in self.orders.values():
            mine = [p for p in o.payments if self.st.payments.get(p.id, (None, None))[0] == shift_id]
            if not mine:
                continue
            staff = next((self.st.payments[p.id][1] for p in mine if self.st.payments[p.id][1]), None)
            out.append(SaleFact(
                order_id=o.id, invoice_number=o.invoice_number, display_id=o.display_id,
                currency_code=o.currency_code, canceled=o.status is OrderStatus.CANCELED,
                amount_due=sum((p.amount for p in mine), Decimal(0)),
                discount_total=Decimal(t.get("discount_total", "0")),
                taxes=tuple(SaleTax(code=x["code"], name=x.get("name", ""), rate=Decimal(x["rate"]),
                                    amount=Decimal(x["amount"])) for x in t.get("taxes", [])),
                payments=tuple((p.kind.value, p.amount) for p in mine), staff_id=staff))
        return sorted(out, key=lambda s: s.display_id)

    def refunds(self, shift_id: str) -> list[RefundFact]:
        sh = self.st.shifts.get(shift_id)
        if sh is None:
            return []
        out = []
        for x in sorted(self.refund_store.values(), key=lambda x: (x.created_at, x.id)):
            if x.created_at < sh.opened_at or (sh.closed_at is not None and x.created_at > sh.closed_at):
                continue
            currency = self.orders[x.order_id][0].currency_code
            out.extend(RefundFact(order_id=x.order_id, tender=t.kind.value, amount=t.amount, staff_id=x.staff_id,
                                  currency_code=currency) for t in x.tenders)
        return out

    def shift_of_order(self, order_id: str) -> str | None:
        if order_id not in self.orders:
            return None
        return next((self.st.payments[p.id][0] for p in self.orders[order_id][0].payments
                     if self.st.payments.get(p.id, (None, None))[0]), None)

    def add_drawer_opening(self, d: DrawerOpening) -> None:
        self.st.drawer.append(d)

    def drawer_openings(self, shift_id: str | None = None) -> list[DrawerOpening]:
        return [d for d in self.st.drawer if shift_id is None or d.shift_id == shift_id]
