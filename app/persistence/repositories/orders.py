"""Paid orders with their payments and the totals snapshot taken at Mark Paid."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import aliased, selectinload

from app.domain.errors import NotFound
from app.domain.listing import OrderListRow, display_name, full_name
from app.domain.order import Order

from .. import mapping as m
from .. import rows as r
from ._base import COUNT_CAP, SqlRepository, display_ids, fts_table, like, match_terms, matches


class SqlOrderRepository(SqlRepository):
    def _row(self, order_id: str) -> r.OrderRow:
        row = self.s.get(r.OrderRow, order_id, options=[selectinload(r.OrderRow.payments)])
        if row is None:
            raise NotFound(f"order {order_id} does not exist", field="id")
        return self._hold(row)

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
        found, count = self._page(q=q, statuses=statuses, start=start, end=end, sync_states=sync_states,
                                  limit=limit, offset=offset)
        rows = {x.id: x for x in self.s.scalars(select(r.OrderRow).where(r.OrderRow.id.in_(found))
                                                 .options(selectinload(r.OrderRow.payments)))}
        return [(m.order(rows[i]), dict(rows[i].totals)) for i in found], count

    def list_rows(self, *, q: str | None = None, statuses: list[str] | None = None,
                  start: datetime | None = None, end: datetime | None = None, sync_states: list[str] | None = None,
                  limit: int = 100, offset: int = 0) -> tuple[list[OrderListRow], int]:
        """A page of the order list in three statements whatever its size: the count, the page's
        ids, and one joined SELECT of the columns a list shows (no draft, line or customer is
        loaded whole; the total is read out of the totals snapshot by SQLite)."""
        found, count = self._page(q=q, statuses=statuses, start=start, end=end, sync_states=sync_states,
                                  limit=limit, offset=offset)
        if not found:
            return [], count
        o, d, c = r.OrderRow, r.DraftOrderRow, r.CustomerRow
        ship, bill = aliased(r.AddressRow), aliased(r.AddressRow)
        items = (select(func.coalesce(func.sum(r.LineItemRow.quantity), 0))
                 .where(r.LineItemRow.draft_order_id == d.id).scalar_subquery())
        stmt = (select(o.id, o.display_id, o.status, o.email, func.json_extract(o.totals, "$.total"),
                       o.currency_code, o.created_at, o.invoice_number, o.payment_status,
                       d.email, c.first_name, c.last_name, bill.first_name, bill.last_name,
                       ship.first_name, ship.last_name, ship.phone, bill.phone, items)
                .join(d, d.id == o.draft_order_id)
                .outerjoin(c, c.id == d.customer_id)
                .outerjoin(ship, ship.id == d.shipping_address_id)
                .outerjoin(bill, bill.id == d.billing_address_id)
                .where(o.id.in_(found)))
        by_id = {}
        for (oid, display_id, status, email, total, currency, created, invoice, paid, d_email, c_first, c_last,
             b_first, b_last, s_first, s_last, s_phone, b_phone, n_items) in self.s.execute(stmt):
            by_id[oid] = OrderListRow(
                id=oid, display_id=display_id, status=status, email=email,
                customer_name=display_name(full_name(c_first, c_last), full_name(b_first, b_last),
                                           full_name(s_first, s_last), d_email),
                phone=s_phone or b_phone or None, total=Decimal(str(total)), currency_code=currency,
                created_at=created, invoice_number=invoice, payment_status=paid, item_count=int(n_items))
        return [by_id[i] for i in found], count

    def _page(self, *, q: str | None, statuses: list[str] | None, start: datetime | None,
              end: datetime | None, sync_states: list[str] | None, limit: int, offset: int) -> tuple[list[str], int]:
        """The ids of one page, newest first, and the count. A plain listing pages by the indexed
        created_at (the id breaks ties). A text search takes the trigram index's rowid order
        instead (0007): orders are only ever created at this till, in time order, so that is the
        creation order, and the query stops at `limit` however many of a million orders match."""
        q, wanted = display_ids(q)
        expr, short = match_terms(q)
        where: list[Any] = [r.OrderRow.search_text.like(like(w), escape="\\") for w in short]
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
        rowid: Any = literal_column("orders.rowid")
        if expr:
            fts = fts_table("orders_search")
            base = (select(r.OrderRow.id).select_from(fts).join(r.OrderRow, rowid == fts.c.rowid)
                    .where(matches("orders_search", expr), *where))
            newest_first = fts.c.rowid.desc()
        else:
            base = select(r.OrderRow.id).where(*where)
            newest_first = None  # the indexed created_at; the id breaks ties so paging never repeats a row
        if expr and not where:
            # Every index row is an order (tests/search checks they are in step): count the
            # matches in the index alone, without reading each matching order's row.
            count = self._count(select(fts.c.rowid).where(matches("orders_search", expr)), searched=True)
        else:
            count = self._count(base, searched=bool(expr or short))
        order = (newest_first,) if newest_first is not None else (r.OrderRow.created_at.desc(), r.OrderRow.id.desc())
        return list(self.s.scalars(base.order_by(*order).limit(limit).offset(offset))), count

    def _count(self, base: Any, *, searched: bool) -> int:
        if not searched:
            return self.s.scalar(select(func.count()).select_from(base.subquery())) or 0
        # A word as common as "com" matches most of a year's orders: counting them all would
        # cost more than the search. Searches count up to COUNT_CAP (the list shows that many+).
        return self.s.scalar(select(func.count()).select_from(base.limit(COUNT_CAP).subquery())) or 0
