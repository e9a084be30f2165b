"""Staff accounts and the audit log."""

from __future__ import annotations

from sqlalchemy import func, select

from app.domain.audit import AuditEntry, StoredEntry, canonical_json
from app.domain.errors import InvalidValue, NotFound
from app.domain.staff import Role, StaffMember

from .. import rows as r
from ._base import SqlRepository


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _member(row: r.StaffRow) -> StaffMember:
    return StaffMember(id=row.id, name=row.name, role=Role(row.role), pin_hash=row.pin_hash, active=row.active,
                       failed_attempts=row.failed_attempts, locked_until=row.locked_until,
                       created_at=row.created_at)


class SqlStaffRepository(SqlRepository):
    def count_active(self) -> int:
        return self.s.scalar(select(func.count()).select_from(r.StaffRow).where(r.StaffRow.active.is_(True))) or 0

    def all(self) -> list[StaffMember]:
        return [_member(x) for x in self.s.scalars(select(r.StaffRow).order_by(r.StaffRow.name_key))]

    def get(self, staff_id: str) -> StaffMember:
        row = self.s.get(r.StaffRow, staff_id)
        if row is None:
            raise NotFound(f"no staff member with id {staff_id}", field="staff")
        return _member(row)

    def by_name(self, name: str) -> StaffMember | None:
        row = self.s.scalar(select(r.StaffRow).where(r.StaffRow.name_key == name_key(name)))
        return None if row is None else _member(row)

    def add(self, m: StaffMember) -> None:
        if self.by_name(m.name) is not None:
            raise InvalidValue(f"there is already a staff member called {m.name}", field="name")
        self.s.add(r.StaffRow(id=m.id, name=m.name, name_key=name_key(m.name), role=m.role.value,
                              pin_hash=m.pin_hash, active=m.active, failed_attempts=m.failed_attempts,
                              locked_until=m.locked_until, created_at=m.created_at))

    def save(self, m: StaffMember) -> None:
        row = self.s.get(r.StaffRow, m.id)
        if row is None:
            raise NotFound(f"no staff member with id {m.id}", field="staff")
        row.name, row.name_key, row.role, row.pin_hash = m.name, name_key(m.name), m.role.value, m.pin_hash
        row.active, row.failed_attempts, row.locked_until = m.active, m.failed_attempts, m.locked_until


def _entry(row: r.AuditRow) -> AuditEntry:
    import json

    return AuditEntry(seq=row.seq, at=row.at, till=row.till, staff_id=row.staff_id, action=row.action,
                      subject=row.subject, details=json.loads(row.details), prev_hash=row.prev_hash, hash=row.hash)


class SqlAuditRepository(SqlRepository):
    def head(self) -> AuditEntry | None:
        row = self.s.scalar(select(r.AuditRow).order_by(r.AuditRow.seq.desc()).limit(1))
        return None if row is None else _entry(row)

    def append(self, e: AuditEntry) -> None:
        self.s.add(r.AuditRow(seq=e.seq, at=e.at, till=e.till, staff_id=e.staff_id, action=e.action,
                              subject=e.subject, details=canonical_json(e.details), prev_hash=e.prev_hash,
                              hash=e.hash))
        self.s.flush()  # the next append in this unit of work reads this one as its head

    def since(self, seq: int = 0, limit: int | None = None) -> list[AuditEntry]:
        q = select(r.AuditRow).where(r.AuditRow.seq > seq).order_by(r.AuditRow.seq)
        return [_entry(x) for x in self.s.scalars(q.limit(limit) if limit else q)]

    def stored(self) -> list[StoredEntry]:
        """Every row as stored, in the order of the table's key, nothing parsed or trusted."""
        rows = self.s.execute(select(r.AuditRow.seq, r.AuditRow.at, r.AuditRow.till, r.AuditRow.staff_id,
                                     r.AuditRow.action, r.AuditRow.subject, r.AuditRow.details,
                                     r.AuditRow.prev_hash, r.AuditRow.hash).order_by(r.AuditRow.seq))
        return [StoredEntry(*row) for row in rows]
