"""The print log: every print and reprint of an invoice or receipt."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.domain import ids
from app.domain.prints import PrintRecord

from .. import rows as r
from ._base import SqlRepository


class SqlPrintRepository(SqlRepository):
    def count(self, order_id: str, kind: str) -> int:
        return self.s.scalar(select(func.count()).select_from(r.PrintRow)
                             .where(r.PrintRow.order_id == order_id, r.PrintRow.kind == kind)) or 0

    def record(self, order_id: str, kind: str, copy_number: int, archive_path: str | None,
               destination: str | None, now: datetime, *, staff_id: str | None = None,
               approver_id: str | None = None) -> None:
        self.log.prints()
        self.s.add(r.PrintRow(id=ids.new_id(ids.PREFIXES["print"]), order_id=order_id, kind=kind,
                              copy_number=copy_number, archive_path=archive_path, destination=destination,
                              printed_at=now, staff_id=staff_id, approver_id=approver_id))

    def for_order(self, order_id: str) -> list[PrintRecord]:
        return [PrintRecord(order_id=x.order_id, kind=x.kind, copy_number=x.copy_number,
                            archive_path=x.archive_path, destination=x.destination, printed_at=x.printed_at,
                            staff_id=x.staff_id, approver_id=x.approver_id)
                for x in self.s.scalars(select(r.PrintRow).where(r.PrintRow.order_id == order_id)
                                        .order_by(r.PrintRow.printed_at))]
