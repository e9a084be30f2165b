"""In-memory refunds, staff and audit repositories for tests/fake_uow.py (the counter's records)."""

from __future__ import annotations

from dataclasses import replace

from app.domain.audit import AuditEntry, StoredEntry, canonical_json
from app.domain.errors import InvalidValue, NotFound
from app.domain.refunds import OrderReturn, Refund, RefundTender
from app.domain.staff import StaffMember
from tests.fake_base import _get, _Repo


class FakeRefundRepository(_Repo):
    def for_order(self, order_id: str) -> list[Refund]:
        return [x for x in self.st.refunds.values() if x.order_id == order_id]

    def get(self, refund_id: str) -> Refund:
        return _get(self.st.refunds, refund_id, f"refund {refund_id} does not exist", "id")  # type: ignore[no-any-return]

    def by_credit_note(self, number: str) -> Refund:
        found = [x for x in self.st.refunds.values() if x.credit_note_number == number]
        if not found:
            raise NotFound(f"no credit note has the number {number}", field="number")
        return found[0]

    def add(self, refund: Refund) -> None:
        if any(x.credit_note_number == refund.credit_note_number for x in self.st.refunds.values()):
            raise InvalidValue(f"credit note {refund.credit_note_number} exists", field="number")
        self.log.order(refund.order_id)
        self.st.refunds[refund.id] = refund

    def set_tenders(self, refund_id: str, tenders: tuple[RefundTender, ...]) -> None:
        refund = self.get(refund_id)
        self.log.order(refund.order_id)
        self.st.refunds[refund_id] = replace(refund, tenders=tenders)

    def returns_for_order(self, order_id: str) -> list[OrderReturn]:
        return [x for x in self.st.returns.values() if x.order_id == order_id]

    def get_return(self, return_id: str) -> OrderReturn:
        return _get(self.st.returns, return_id, f"return {return_id} does not exist", "id")  # type: ignore[no-any-return]

    def add_return(self, ret: OrderReturn) -> None:
        self.log.order(ret.order_id)
        self.st.returns[ret.id] = ret


class FakeStaffRepository(_Repo):
    def count_active(self) -> int:
        return sum(1 for m in self.st.staff.values() if m.active)

    def all(self) -> list[StaffMember]:
        return sorted(self.st.staff.values(), key=lambda m: m.name.casefold())

    def get(self, staff_id: str) -> StaffMember:
        return _get(self.st.staff, staff_id, f"no staff member with id {staff_id}", "staff")  # type: ignore[no-any-return]

    def by_name(self, name: str) -> StaffMember | None:
        key = " ".join(name.split()).casefold()
        return next((m for m in self.st.staff.values() if m.name.casefold() == key), None)

    def add(self, m: StaffMember) -> None:
        if self.by_name(m.name) is not None:
            raise InvalidValue(f"there is already a staff member called {m.name}", field="name")
        self.st.staff[m.id] = m

    def save(self, m: StaffMember) -> None:
        self.get(m.id)
        self.st.staff[m.id] = m


class FakeAuditRepository(_Repo):
    def head(self) -> AuditEntry | None:
        return self.st.audit[-1] if self.st.audit else None

    def append(self, e: AuditEntry) -> None:
        self.st.audit.append(e)

    def since(self, seq: int = 0, limit: int | None = None) -> list[AuditEntry]:
        out = [e for e in self.st.audit if e.seq > seq]
        return out[:limit] if limit else out

    def stored(self) -> list[StoredEntry]:
        return [StoredEntry(e.seq, e.at, e.till, e.staff_id, e.action, e.subject, canonical_json(e.details),
                            e.prev_hash, e.hash) for e in self.st.audit]
