"""Draft orders: read and written whole, as the domain's DraftOrder."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import selectinload

from app.domain.draft_order import DraftOrder
from app.domain.errors import NotFound

from .. import mapping as m
from .. import rows as r
from ._base import SqlRepository, display_ids, words

# A draft is always read with everything it holds.
_LOAD = (selectinload(r.DraftOrderRow.items), selectinload(r.DraftOrderRow.shipping_methods),
         selectinload(r.DraftOrderRow.shipping_address), selectinload(r.DraftOrderRow.billing_address))


class SqlDraftRepository(SqlRepository):
    def _row(self, draft_id: str) -> r.DraftOrderRow:
        row = self.s.get(r.DraftOrderRow, draft_id, options=_LOAD)
        if row is None:
            raise NotFound(f"draft order {draft_id} does not exist", field="id")
        return self._hold(row)

    def get(self, draft_id: str) -> DraftOrder:
        return m.draft(self._row(draft_id))

    def many(self, draft_ids: list[str]) -> dict[str, DraftOrder]:
        """The drafts of a list page in one query (and one per relation), not one query each."""
        if not draft_ids:
            return {}
        stmt = select(r.DraftOrderRow).where(r.DraftOrderRow.id.in_(draft_ids)).options(*_LOAD)
        return {row.id: m.draft(row) for row in self.s.scalars(stmt)}

    def by_display_id(self, display_id: int) -> DraftOrder:
        row_id = self.s.scalar(select(r.DraftOrderRow.id).where(r.DraftOrderRow.display_id == display_id))
        if row_id is None:
            raise NotFound(f"draft #{display_id} does not exist", field="id")
        return self.get(row_id)

    def add(self, draft: DraftOrder, search_text: str) -> None:
        self.log.draft(draft.id)
        row = r.DraftOrderRow(id=draft.id)
        m.apply_draft(draft, row, search_text)
        self.s.add(row)

    def save(self, draft: DraftOrder, search_text: str) -> None:
        self.log.draft(draft.id)
        m.apply_draft(draft, self._row(draft.id), search_text)

    def delete(self, draft_id: str) -> None:
        self.log.draft(draft_id)
        row = self._row(draft_id)
        addresses = [row.shipping_address, row.billing_address]
        self.s.delete(row)
        self.s.flush()
        for a in addresses:
            if a is not None:
                self.s.delete(a)

    def search(self, *, q: str | None = None, statuses: list[str] | None = None,
               start: datetime | None = None, end: datetime | None = None,
               limit: int = 100, offset: int = 0) -> tuple[list[DraftOrder], int]:
        q, wanted = display_ids(q)
        where: list[Any] = words(r.DraftOrderRow.search_text, q)
        if wanted:
            where.append(r.DraftOrderRow.display_id.in_(wanted))
        if statuses:
            conds: list[ColumnElement[bool]] = []
            for st in statuses:
                if st == "canceled":
                    conds.append(r.DraftOrderRow.canceled_at.is_not(None))
                elif st == "open":
                    conds.append(and_(r.DraftOrderRow.status == "open", r.DraftOrderRow.canceled_at.is_(None)))
                else:
                    conds.append(r.DraftOrderRow.status == st)
            where.append(or_(*conds))
        if start:
            where.append(r.DraftOrderRow.created_at >= start)
        if end:
            where.append(r.DraftOrderRow.created_at < end)
        count = self.s.scalar(select(func.count()).select_from(r.DraftOrderRow).where(*where)) or 0
        # The id breaks ties, so paging by offset never shows a row twice or skips one.
        stmt = (select(r.DraftOrderRow).where(*where)
                .order_by(r.DraftOrderRow.created_at.desc(), r.DraftOrderRow.id.desc())
                .limit(limit).offset(offset)
                .options(*_LOAD))
        return [m.draft(x) for x in self.s.scalars(stmt)], count
