"""A page of the order, draft, customer and product lists costs a bounded number of SQL
statements, the same for 5 rows as for 100 (counted with SQLAlchemy's before_cursor_execute on a
real generated shop file): one statement per listed row is what made order search take seconds
on a year of orders. The slim order rows must say exactly what the full orders say."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from app.bootstrap import start
from app.services import orders, queries
from app.services.dto_builders import customer_name

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import make_big_shop  # noqa: E402


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    path = tmp_path_factory.mktemp("stmts") / "shop.sqlite"
    make_big_shop.build(path, variants=300, customers=200, n_orders=150, seed=11)
    a = start(path)
    try:
        yield a
    finally:
        a.close()


@contextmanager
def counted(app: Any) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    engine = app.db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def statements(app: Any, call: Callable[[int], Any], limit: int) -> tuple[int, Any]:
    with counted(app) as seen:
        result = call(limit)
    return len(seen), result


@pytest.mark.parametrize("q", [None, "com", "a", "#7"])
def test_an_order_page_costs_the_same_few_statements_at_any_size(app: Any, q: str | None) -> None:
    small, few = statements(app, lambda n: queries.list_orders({"q": q, "limit": n}, app.uow()), 5)
    large, many = statements(app, lambda n: queries.list_orders({"q": q, "limit": n}, app.uow()), 100)
    assert small == large <= 8, (small, large)
    if q != "#7":
        assert len(many.entries) > len(few.entries) >= 1


def test_a_draft_page_costs_the_same_few_statements_at_any_size(app: Any) -> None:
    # (A page with no phone order among its drafts skips loading addresses: one statement fewer.)
    small, few = statements(app, lambda n: queries.list_drafts({"limit": n}, app.uow()), 40)
    large, many = statements(app, lambda n: queries.list_drafts({"limit": n}, app.uow()), 150)
    assert len(many.entries) == 150 and len(few.entries) == 40
    assert small == large <= 14, (small, large)


def test_customer_and_product_searches_cost_the_same_at_any_size(app: Any) -> None:
    small, few = statements(app, lambda n: queries.search_customers("a", app.uow(), n), 5)
    large, many = statements(app, lambda n: queries.search_customers("a", app.uow(), n), 100)
    assert len(many) > len(few) == 5 and small == large <= 4, (small, large)
    small, few = statements(app, lambda n: queries.search_variants("a", app.uow(), n), 5)
    large, many = statements(app, lambda n: queries.search_variants("a", app.uow(), n), 100)
    assert len(many) > len(few) == 5 and small == large <= 4, (small, large)


def test_slim_order_rows_say_what_the_full_orders_say(app: Any) -> None:
    page = queries.list_orders({"limit": 150}, app.uow())
    assert len(page.entries) == 150 and page.count == 150
    assert [e.display_id for e in page.entries] == sorted((e.display_id for e in page.entries), reverse=True)
    for e in page.entries:
        detail = orders.get_order(e.id, app.uow())
        with app.uow() as uow:
            o = uow.orders.get(e.id)
            draft = uow.drafts.get(o.draft_order_id)
            name = customer_name(uow, draft)
        phone = next((a.phone for a in (draft.shipping_address, draft.billing_address) if a and a.phone), None)
        assert (e.total, e.customer_name, e.email, e.phone, e.item_count, e.invoice_number, e.status,
                e.payment_status, e.currency_code, e.created_at) == (
            detail.totals.total, name, o.email, phone, sum(i.quantity for i in draft.items), o.invoice_number,
            o.status.value, o.payment_status.value, o.currency_code, o.created_at)


@pytest.mark.parametrize("q", ["com", "example.com", "smith", "an", "TD-2026-0001", "no such order at all"])
def test_a_searched_count_is_every_matching_order(app: Any, q: str) -> None:
    """The count of a text search comes from the index alone when nothing else narrows it:
    it must be the number of orders whose text holds every word (here far under COUNT_CAP)."""
    import sqlite3

    con = sqlite3.connect(app.db.path)
    try:
        where = " AND ".join("search_text LIKE ?" for _ in q.split())
        expected = con.execute(f"SELECT count(*) FROM orders WHERE {where}",
                               [f"%{w.lower()}%" for w in q.split()]).fetchone()[0]
    finally:
        con.close()
    assert queries.list_orders({"q": q, "limit": 5}, app.uow()).count == expected
    if q == "com":
        assert expected > 5
