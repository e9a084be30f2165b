"""Read-only lists on the plain ``sqlite3`` module, for the command line: `tilldesk order list --q`
and `catalog variants --q` must answer as whole processes in 0.3 s, and importing SQLAlchemy's ORM
alone takes longer than that on a till. The same statements as the repositories' (orders.list_rows,
catalog.search_variants), over the same search indexes, returning the same values;
tests/search/test_quick_read.py holds the two paths equal on a shop file full of edge cases.

Only a file that is Tilldesk's and already at this version's schema is read here: anything else
(missing, older and due a migration, another program's, unreadable) returns None from
:func:`connect_at_head`, and the caller takes the ordinary path, which migrates, refuses or explains.
Nothing here writes: the connection is ``query_only``."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.domain.listing import OrderListRow, display_name, full_name
from app.domain.outbox import OutboxKind
from app.persistence.schema_marks import APPLICATION_ID, SCHEMA_HEAD
from app.persistence.search_terms import COUNT_CAP, display_ids, like, match_terms

__all__ = ["connect_at_head", "order_rows", "variant_rows", "VariantRow", "stored_time"]


def connect_at_head(path: Path) -> sqlite3.Connection | None:
    """A query-only connection to ``path`` if it is a Tilldesk file at SCHEMA_HEAD, else None."""
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None
        # Opened read-write but only read, as db._recognise does: a read-only handle cannot open a
        # WAL file whose -shm is missing, and query_only refuses any write on this connection.
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
    except (OSError, ValueError, sqlite3.Error):
        return None
    try:
        con.execute("PRAGMA query_only = 1")
        con.execute("PRAGMA busy_timeout = 5000")  # the window may be committing a sale meanwhile
        if con.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise LookupError
        rows = con.execute("SELECT version_num FROM alembic_version").fetchall()
        if rows != [(SCHEMA_HEAD,)]:
            raise LookupError
    except (LookupError, sqlite3.Error):
        con.close()
        return None
    return con


def stored_time(value: datetime) -> str:
    """A bound as the rows store time (app.persistence.types.UTCDateTime), so text compares as time."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _in(values: list[Any]) -> str:
    return "(" + ", ".join("?" * len(values)) + ")"


def _page_ids(con: sqlite3.Connection, *, q: str | None, statuses: list[str] | None, start: datetime | None,
              end: datetime | None, sync_states: list[str] | None, limit: int, offset: int) -> tuple[list[str], int]:
    """As repositories.orders.OrderRepository._page: the ids of one page and the (capped) count."""
    q, wanted = display_ids(q)
    expr, short = match_terms(q)
    where: list[str] = []
    params: list[Any] = []
    for w in short:
        where.append("orders.search_text LIKE ? ESCAPE '\\'")
        params.append(like(w))
    if wanted:
        where.append(f"orders.display_id IN {_in(wanted)}")
        params.extend(wanted)
    if statuses:
        where.append(f"orders.status IN {_in(statuses)}")
        params.extend(statuses)
    if start:
        where.append("orders.created_at >= ?")
        params.append(stored_time(start))
    if end:
        where.append("orders.created_at < ?")
        params.append(stored_time(end))
    if sync_states:
        where.append(f"orders.id IN (SELECT outbox.order_id FROM outbox WHERE outbox.state IN {_in(sync_states)})")
        params.extend(sync_states)
    if expr:
        base = ("SELECT orders.id FROM orders_search JOIN orders ON orders.rowid = orders_search.rowid "
                "WHERE orders_search MATCH ?" + "".join(f" AND {w}" for w in where))
        base_params = [expr, *params]
        order_by = " ORDER BY orders_search.rowid DESC"
    else:
        base = "SELECT orders.id FROM orders" + (" WHERE " + " AND ".join(where) if where else "")
        base_params = params
        order_by = " ORDER BY orders.created_at DESC, orders.id DESC"
    if expr and not where:
        count_sql, count_params = "SELECT orders_search.rowid FROM orders_search WHERE orders_search MATCH ?", [expr]
    else:
        count_sql, count_params = base, base_params
    if expr or short:
        count_sql += f" LIMIT {COUNT_CAP}"
    count = con.execute(f"SELECT count(*) FROM ({count_sql})", count_params).fetchone()[0]
    ids = [r[0] for r in con.execute(base + order_by + " LIMIT ? OFFSET ?", [*base_params, limit, offset])]
    return ids, count


_ORDER_COLUMNS = """
SELECT o.id, o.display_id, o.status, o.email, json_extract(o.totals, '$.total'), o.currency_code, o.created_at,
       o.invoice_number, o.payment_status, d.email, c.first_name, c.last_name, bill.first_name, bill.last_name,
       ship.first_name, ship.last_name, ship.phone, bill.phone,
       (SELECT coalesce(sum(li.quantity), 0) FROM line_items AS li WHERE li.draft_order_id = d.id)
FROM orders AS o JOIN draft_orders AS d ON d.id = o.draft_order_id
LEFT OUTER JOIN customers AS c ON c.id = d.customer_id
LEFT OUTER JOIN addresses AS ship ON ship.id = d.shipping_address_id
LEFT OUTER JOIN addresses AS bill ON bill.id = d.billing_address_id
WHERE o.id IN """


def order_rows(con: sqlite3.Connection, *, q: str | None = None, statuses: list[str] | None = None,
               start: datetime | None = None, end: datetime | None = None, sync_states: list[str] | None = None,
               limit: int = 100, offset: int = 0) -> tuple[list[tuple[OrderListRow, str | None]], int]:
    """One page of the order list, newest first, each row with its sale's sync state, and the count."""
    found, count = _page_ids(con, q=q, statuses=statuses, start=start, end=end, sync_states=sync_states,
                             limit=limit, offset=offset)
    if not found:
        return [], count
    by_id: dict[str, OrderListRow] = {}
    for (oid, display_id, status, email, total, currency, created, invoice, paid, d_email, c_first, c_last,
         b_first, b_last, s_first, s_last, s_phone, b_phone, n_items) in con.execute(_ORDER_COLUMNS + _in(found),
                                                                                     found):
        by_id[oid] = OrderListRow(
            id=oid, display_id=display_id, status=status, email=email,
            customer_name=display_name(full_name(c_first, c_last), full_name(b_first, b_last),
                                       full_name(s_first, s_last), d_email),
            phone=s_phone or b_phone or None, total=Decimal(str(total)), currency_code=currency,
            created_at=None if created is None else datetime.fromisoformat(created), invoice_number=invoice,
            payment_status=paid, item_count=int(n_items))
    states = dict(con.execute(
        f"SELECT order_id, state FROM outbox WHERE kind = ? AND subject_id = '' AND order_id IN {_in(found)}",
        [OutboxKind.SALE.value, *found]).fetchall())
    return [(by_id[i], states.get(i)) for i in found], count


@dataclass(frozen=True, slots=True)
class VariantRow:
    """A variant as app.domain.catalog.Variant holds it, prices still as stored (JSON text)."""

    id: str
    product_id: str
    product_title: str
    title: str
    sku: str | None
    barcode: str | None
    prices_json: str | None


_VARIANT_COLUMNS = ("SELECT variants.id, variants.product_id, products.title, variants.title, variants.sku, "
                    "variants.barcode, variants.prices "
                    "FROM variants JOIN products ON products.id = variants.product_id")


def variant_rows(con: sqlite3.Connection, q: str, limit: int = 50) -> list[VariantRow]:
    """As repositories.catalog.CatalogRepository.search_variants: an exact SKU or barcode first (a
    scan), then title words through the trigram index, shorter words with LIKE."""
    q = q.strip()

    def rows(sql: str, params: list[Any]) -> list[VariantRow]:
        return [VariantRow(*r) for r in con.execute(sql, params)]

    if not q:
        return rows(_VARIANT_COLUMNS + " ORDER BY products.title LIMIT ?", [limit])
    exact = rows(_VARIANT_COLUMNS + " WHERE variants.sku = ? OR variants.barcode = ? LIMIT ?", [q, q, limit])
    expr, short = match_terms(q)
    sql, params = _VARIANT_COLUMNS, []
    where: list[str] = []
    if expr:
        sql += " JOIN variants_search ON variants_search.rowid = variants.rowid"
        where.append("variants_search MATCH ?")
        params.append(expr)
    for w in short:
        where.append("variants.search_text LIKE ? ESCAPE '\\'")
        params.append(like(w))
    if where:
        sql += " WHERE " + " AND ".join(where)
    rest = rows(sql + " ORDER BY products.title, variants.title, variants.id LIMIT ?", [*params, limit])
    seen: set[str] = set()
    out = []
    for row in [*exact, *rest]:
        if row.id not in seen:
            seen.add(row.id)
            out.append(row)
    return out[:limit]
