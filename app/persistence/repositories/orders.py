"""Paid orders with their payments and the totals snapshot taken at Mark Paid."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.domain.errors import NotFound
from app.domain.order import Order

from .. import mapping as m
from .. import rows as r
from ._base import SqlRepository, display_ids, words


class SqlOrderRepository(SqlRepository):
    def _row(self, order_id: str) -> r.OrderRow:
        row = self.s.get(r.OrderRow, order_id, options=[selectinload(r.OrderRow.payments)])
        if row is None:
            raise NotFound(f"order {order_id} does not exist", field="id")
        return row

    def get(self, order_id: str) -> Order:
        return m.order(self._row(order_id))

    def totals_snapshot(self, order_id: str) -> dict[str, Any]:
        return dict(self._row(order_id).totals)

    def totals_of(self, order_ids: list[str]) -> dict[str, dict[str, Any]]:
        """The frozen totals of a list page's orders in one query."""
        if not order_ids:
            return {}
        stmt = select(r.OrderRow.id, r.OrderRow.totals).where(r.OrderRow.id.in_(order_ids))
        return {row_id: dict(totals) for row_id, totals in self.s.execute(stmt)}

    def by_display_id(self, display_id: int) -> Order:
        row_id = self.s.scalar(select(r.OrderRow.id).where(r.OrderRow.display_id == display_id))
        if row_id is None:
            raise NotFound(f"order #{display_id} does not exist", field="id")
        return self.get(row_id)

    def by_invoice_number(self, number: str) -> Order:
        row_id = self.s.scalar(select(r.OrderRow.id).where(r.OrderRow.invoice_number == number))
        if row_id is None:
            raise NotFound(f"no order has invoice number {number}", field="id")
        return self.get(row_id)

    def add(self, order: Order, totals: dict[str, Any], search_text: str) -> None:
        self.log.order(order.id)
        row = r.OrderRow(id=order.id, totals=totals, search_text=search_text)
        m.apply_order(order, row)
        self.s.add(row)

    def save(self, order: Order) -> None:
        self.log.order(order.id)
        m.apply_order(order, self._row(order.id))

    def search(self, *, q: str | None = None, statuses: list[str] | None = None,
               start: datetime | None = None, end: datetime | None = None, sync_states: list[str] | None = None,
               limit: int = 100, offset: int = 0) -> tuple[list[tuple[Order, dict[str, Any]]], int]:
        q, wanted = display_ids(q)
        where: list[Any] = words(r.OrderRow.search_text, q)
        if wanted:
            where.append(r.OrderRow.display_id.in_(wanted))
        if statuses:
            where.append(r.OrderRow.status.in_(statuses))
        if start:
            where.append(r.OrderRow.created_at >= start)
        if end:
            where.append(r.OrderRow.created_at < end)
        if sync_states:
            where.append(r.OrderRow.id.in_(select(r.OutboxRow.order_id).where(r.OutboxRow.state.in_(sync_states))))
        count = self.s.scalar(select(func.count()).select_from(r.OrderRow).where(*where)) or 0
        # The id breaks ties, so paging by offset never shows a row twice or skips one.
        stmt = (select(r.OrderRow).where(*where).order_by(r.OrderRow.created_at.desc(), r.OrderRow.id.desc())
                .limit(limit).offset(offset)
                .options(selectinload(r.OrderRow.payments)))
        return [(m.order(x), dict(x.totals)) for x in self.s.scalars(stmt)], count
