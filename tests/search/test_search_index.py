"""The trigram search indexes (migration 0007) on real SQLite files: a tiny big shop made by the
generator, searched by every field the window searches, case-insensitively, with non-ASCII
names; rows added or edited later are found (the triggers keep the index in step); and the
migration fills the index for rows already there, reporting its progress."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from app.bootstrap import start
from app.persistence import migration_progress
from app.persistence.db import SCHEMA_HEAD
from app.persistence.search_index import INDEXED
from app.services import queries
from tests.conftest import create_draft, mark_paid
from tests.migrations.make_schema_0001 import empty_at_revision

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import make_big_shop  # noqa: E402


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "shop.sqlite"
    make_big_shop.build(path, variants=200, customers=150, n_orders=100, seed=5)
    return path


def rows(path: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def orders_found(app: Any, q: str) -> set[int]:
    return {e.display_id for e in queries.list_orders({"q": q, "limit": 500}, app.uow()).entries}


def test_generated_file_is_at_head_with_exact_totals_and_refunds(big: Path) -> None:
    assert rows(big, "SELECT version_num FROM alembic_version") == [(SCHEMA_HEAD,)]
    assert rows(big, "SELECT count(*) FROM orders")[0][0] == 100
    assert rows(big, "SELECT count(DISTINCT currency_code) FROM orders")[0][0] == 2
    assert 1 <= rows(big, "SELECT min(c) FROM (SELECT count(*) c FROM line_items GROUP BY draft_order_id)")[0][0]
    assert rows(big, "SELECT max(c) FROM (SELECT count(*) c FROM line_items GROUP BY draft_order_id)")[0][0] <= 8
    app = start(big)
    try:
        from decimal import Decimal

        from app.services.snapshot import totals_from_dict

        with app.uow() as uow:
            found, _ = uow.orders.search(limit=100)
            for order, totals in found:
                t, _adj = totals_from_dict(totals)
                draft = uow.drafts.get(order.draft_order_id)
                assert {i.id for i in t.items} == {i.id for i in draft.items}  # the order's own line ids
                assert order.paid_total == t.amount_due
                assert sum((i.unit_price * i.quantity for i in draft.items), Decimal(0)) == t.item_subtotal
        # The counters go on from the generated year: the next draft and order take the next numbers.
        d = create_draft(app, items=[{"title": "Gift wrap", "unit_price": "2.50", "quantity": 1}])
        assert d.display_id == 101
        assert mark_paid(app, d.id).display_id == 101
    finally:
        app.close()


def test_every_index_is_in_step_with_its_table(big: Path) -> None:
    for table, fts in INDEXED.items():
        rows(big, f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")  # raises when out of step
        assert rows(big, f"SELECT count(*) FROM {fts}")[0][0] == rows(big, f"SELECT count(*) FROM {table}")[0][0]


def test_search_by_every_field_any_case(big: Path) -> None:
    o = dict(zip(("display_id", "invoice", "email", "first", "last", "phone"), rows(big, """
        SELECT o.display_id, o.invoice_number, o.email, c.first_name, c.last_name, c.phone
        FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.display_id LIMIT 1""")[0], strict=True))
    v = dict(zip(("sku", "barcode", "title"), rows(big, """
        SELECT v.sku, v.barcode, p.title FROM variants v JOIN products p ON p.id = v.product_id LIMIT 1""")[0],
        strict=True))
    app = start(big)
    try:
        assert orders_found(app, f"#{o['display_id']}") == {o["display_id"]}
        for q in (o["invoice"], o["invoice"].lower(), o["email"].upper(), o["phone"], o["phone"][-7:],
                  f"{o['first']} {o['last']}".upper()):
            assert o["display_id"] in orders_found(app, q), q
        for q in (o["email"][:8].upper(), o["phone"].lstrip("+"), f"{o['last']}".swapcase()):
            assert any(c.email == o["email"] for c in queries.search_customers(q, app.uow(), limit=500)), q
        for q in (v["sku"], v["barcode"], v["sku"].lower(), v["title"].upper(), v["title"].split()[0][:3]):
            assert any(x.sku == v["sku"] for x in queries.search_variants(q, app.uow(), limit=500)), q
        assert orders_found(app, "no-such-text-anywhere") == set()
    finally:
        app.close()


def test_non_ascii_names_and_rows_added_or_edited_later_are_found(tmp_path: Path) -> None:
    app = start(tmp_path / "t.sqlite", demo=True)
    try:
        assert {c.last_name for c in queries.search_customers("ŻÓŁĆ", app.uow())} == {"Żółć"}
        assert {c.last_name for c in queries.search_customers("müll", app.uow())} == {"Müller"}
        assert queries.search_customers("Brzęczyszczykiewicz", app.uow()) == []
        with app.uow() as uow:
            uow.catalog.upsert("customers", [{"id": "cus_new1", "email": "grzegorz@example.pl",
                                              "first_name": "Grzegorz", "last_name": "Brzęczyszczykiewicz",
                                              "phone": "+48 601 234 567"}])
            uow.commit()
        assert [c.id for c in queries.search_customers("BRZĘCZY", app.uow())] == ["cus_new1"]
        assert [c.id for c in queries.search_customers("601 234 567", app.uow())] == ["cus_new1"]
        with app.uow() as uow:  # edited (as a pull does): the old name is gone, the new one found
            uow.catalog.upsert("customers", [{"id": "cus_new1", "email": "grzegorz@example.pl",
                                              "first_name": "Grzegorz", "last_name": "Wąsowicz"}])
            uow.commit()
        assert queries.search_customers("brzęczy", app.uow()) == []
        assert [c.id for c in queries.search_customers("wąsow", app.uow())] == ["cus_new1"]
        paid = mark_paid(app, create_draft(app, email="zażółć@example.com").id)
        assert orders_found(app, "ZAŻÓŁĆ") == {paid.display_id}
        assert orders_found(app, paid.invoice_number) == {paid.display_id}
        with app.uow() as uow:
            uow.catalog.upsert("products", [{"id": "prod_x", "title": "Kaffeemühle Zürich", "variants": [
                {"id": "variant_x", "title": "Groß", "sku": "KM-ZH-1", "barcode": "2000000000015",
                 "prices": [{"currency_code": "usd", "amount": "99"}]}]}])
            uow.commit()
        assert [v.id for v in queries.search_variants("MÜHLE zür", app.uow())] == ["variant_x"]
        assert [v.id for v in queries.search_variants("km-zh", app.uow())] == ["variant_x"]
    finally:
        app.close()


def test_migration_fills_the_index_for_existing_rows_and_reports_progress(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    empty_at_revision(path, "0006")
    con = sqlite3.connect(path)
    con.executemany("INSERT INTO customers (id, email, first_name, last_name, phone, has_account, created_locally,"
                    " search_text) VALUES (?, ?, ?, ?, ?, 0, 0, ?)",
                    [(f"cus_{i}", f"p{i}@example.com", "Zoë", f"Name{i}", None, f"zoë name{i} p{i}@example.com")
                     for i in range(120)])
    con.commit()
    con.close()
    seen: list[tuple[int, int]] = []

    def heard(p: migration_progress.Progress) -> None:
        if p.revision == "0007" and p.total:  # what the migration reported from inside its revision
            seen.append((p.done, p.total))

    app = start(path, progress=heard)
    try:
        assert app.db.backup_path is not None and app.db.backup_path.exists()
        assert seen[0] == (0, 120) and seen[-1] == (120, 120)
        assert [d for d, _ in seen] == sorted(d for d, _ in seen)
        assert [c.id for c in queries.search_customers("name117", app.uow())] == ["cus_117"]
        assert len(queries.search_customers("ZOË", app.uow(), limit=500)) == 120
    finally:
        app.close()
