"""Many drafts and orders in a real Tilldesk file, fast: one real sale made through the services,
then its rows copied with executemany (new ids, display ids, invoice numbers and times).

For the window's paged lists (tests/ui/test_paged_list.py) and the start-up and memory benchmark
(benchmarks/bench_boot.py). Not pretty data: every copy has the template's lines and totals."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ESPRESSO = "COF-HSE-ESP-250"
USD_REGION = "reg_01KERPY18XHYC8TQNYHCQGW9B0"


def _template(path: Path) -> tuple[str, str]:
    """A demo shop with one paid order and one open draft: their ids (order, open draft)."""
    from app.bootstrap import start
    from app.services import drafts, orders

    app = start(path, demo=True)
    try:
        body = {"email": "bulk@example.com", "region_id": USD_REGION,
                "items": [{"variant_sku": ESPRESSO, "quantity": 2}]}
        paid = drafts.create_draft(body, app.uow()).value
        order = orders.mark_paid({"draft_id": paid.id, "tenders": [{"kind": "cash", "amount": "100"}]},
                                 app.uow()).value
        open_draft = drafts.create_draft(body, app.uow()).value
        return order.id, open_draft.id
    finally:
        app.close()


def _rows(con: sqlite3.Connection, table: str, where: str, arg: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    cur = con.execute(f'SELECT * FROM "{table}" WHERE {where} = ?', (arg,))  # noqa: S608 - fixed names
    return [d[0] for d in cur.description], cur.fetchall()


def _insert(con: sqlite3.Connection, table: str, cols: Sequence[str], rows: Iterator[tuple[Any, ...]]) -> None:
    sql = f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})'  # noqa: S608
    con.executemany(sql, rows)


def _stamp(t: datetime) -> str:
    return t.astimezone(UTC).isoformat(timespec="microseconds")


def _copies(cols: list[str], rows: list[tuple[Any, ...]], n: int, first: int,
            change: Any) -> Iterator[tuple[Any, ...]]:
    for i in range(first, first + n):
        for j, row in enumerate(rows):
            d = dict(zip(cols, row, strict=True))
            change(d, i, j)
            yield tuple(d[c] for c in cols)


def add_bulk(path: Path, *, orders: int, open_drafts: int = 0, newest: datetime | None = None,
             spacing: timedelta = timedelta(seconds=30), batch: int = 20000) -> None:
    """Make ``path`` (a new file) a demo shop plus ``orders`` paid orders, one every ``spacing``
    going back from ``newest`` (default: a minute ago), and ``open_drafts`` open drafts."""
    order_id, draft_id = _template(path)
    newest = newest or datetime.now(UTC) - timedelta(minutes=1)
    con = sqlite3.connect(str(path))
    try:
        o_cols, o_rows = _rows(con, "orders", "id", order_id)
        paid_draft = o_rows[0][o_cols.index("draft_order_id")]
        d_cols, d_rows = _rows(con, "draft_orders", "id", paid_draft)
        od_cols, od_rows = _rows(con, "draft_orders", "id", draft_id)
        l_cols, l_rows = _rows(con, "line_items", "draft_order_id", paid_draft)
        ol_cols, ol_rows = _rows(con, "line_items", "draft_order_id", draft_id)
        p_cols, p_rows = _rows(con, "payments", "order_id", order_id)
        base = 1_000_000

        def at(i: int) -> str:
            return _stamp(newest - spacing * i)

        def draft(d: dict[str, Any], i: int, _j: int) -> None:
            d.update(id=f"draft_bulk{i:08d}", display_id=base + i, order_id=f"order_bulk{i:08d}",
                     created_at=at(i), updated_at=at(i), completed_at=at(i),
                     search_text=f"{d['search_text']} customer{i % 5000:04d}")

        def line(d: dict[str, Any], i: int, j: int) -> None:
            d.update(id=f"item_bulk{i:08d}_{j}", draft_order_id=f"draft_bulk{i:08d}", created_at=at(i))

        def order(d: dict[str, Any], i: int, _j: int) -> None:
            d.update(id=f"order_bulk{i:08d}", display_id=base + i, draft_order_id=f"draft_bulk{i:08d}",
                     invoice_number=f"BULK-{i:08d}", created_at=at(i), completed_at=at(i),
                     search_text=f"{d['search_text']} bulk-{i:08d} customer{i % 5000:04d}")

        def payment(d: dict[str, Any], i: int, j: int) -> None:
            d.update(id=f"pay_bulk{i:08d}_{j}", order_id=f"order_bulk{i:08d}", created_at=at(i), shift_id=None)

        def open_draft(d: dict[str, Any], i: int, _j: int) -> None:
            d.update(id=f"draft_open{i:08d}", display_id=base * 100 + i, created_at=at(i), updated_at=at(i))

        def open_line(d: dict[str, Any], i: int, j: int) -> None:
            d.update(id=f"item_open{i:08d}_{j}", draft_order_id=f"draft_open{i:08d}")

        for first in range(0, orders, batch):
            n = min(batch, orders - first)
            _insert(con, "draft_orders", d_cols, _copies(d_cols, d_rows, n, first, draft))
            _insert(con, "line_items", l_cols, _copies(l_cols, l_rows, n, first, line))
            _insert(con, "orders", o_cols, _copies(o_cols, o_rows, n, first, order))
            _insert(con, "payments", p_cols, _copies(p_cols, p_rows, n, first, payment))
            con.commit()
        if open_drafts:
            _insert(con, "draft_orders", od_cols, _copies(od_cols, od_rows, open_drafts, 0, open_draft))
            _insert(con, "line_items", ol_cols, _copies(ol_cols, ol_rows, open_drafts, 0, open_line))
            con.commit()
    finally:
        con.close()
