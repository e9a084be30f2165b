"""The pull's bulk writes on a real SQLite file: inserts, updates, variants a product no longer
has, deletions beyond SQLite's bound-parameter limit, non-ASCII text, and a bad page that leaves
nothing behind. Read back with plain sqlite3 as well as through the repository."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal

import pytest

from app.bootstrap import start
from app.persistence.repositories.catalog_bulk import BadRecord
from app.sync.store import SyncStore


@pytest.fixture
def shop(tmp_path):
    app = start(tmp_path / "bulk.sqlite", demo=False)
    yield app, SyncStore(app.uow), tmp_path / "bulk.sqlite"
    app.close()


def product(pid: str, title: str, variants: list[tuple[str, str, str, str]]) -> dict:
    return {"id": pid, "title": title, "handle": pid, "status": "published", "updated_at": "2026-11-02T10:00:00Z",
            "variants": [{"id": vid, "title": vt, "sku": sku, "barcode": None, "updated_at": "2026-11-02T10:00:00Z",
                          "prices": [{"currency_code": "EUR", "amount": amount}]} for vid, vt, sku, amount in variants]}


def rows(path, sql: str, *params) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_insert_then_update_replaces_fields_and_drops_variants_the_product_lost(shop):
    app, store, path = shop
    page = [product("prod_1", "Łódź Kaffee", [("v_1a", "Groß", "SKU-Ä1", "12.50"), ("v_1b", "Klein", "SKU-Ä2", "9.99")]),
            product("prod_2", "Crème brûlée", [("v_2a", "Default", "CB-1", "4.20")])]
    assert store.upsert_page("products", page, {"offset": 2}) == 2
    got = rows(path, "SELECT id, product_id, title, sku, prices, search_text FROM variants ORDER BY id")
    assert [(g[0], g[1], g[2], g[3]) for g in got] == [
        ("v_1a", "prod_1", "Groß", "SKU-Ä1"), ("v_1b", "prod_1", "Klein", "SKU-Ä2"), ("v_2a", "prod_2", "Default", "CB-1")]
    assert json.loads(got[0][4]) == {"eur": "12.50"}
    assert got[0][5] == "łódź kaffee groß sku-ä1"
    assert store.cursor("products") == {"offset": 2}

    # The product is renamed, one variant re-priced, one gone, one new.
    page2 = [product("prod_1", "Łódź Kaffee Spezial", [("v_1a", "Groß", "SKU-Ä1", "13.00"), ("v_1c", "Mittel", "SKU-Ä3", "11")])]
    store.upsert_page("products", page2, {"offset": 3})
    got = rows(path, "SELECT id, prices, search_text FROM variants WHERE product_id = 'prod_1' ORDER BY id")
    assert [g[0] for g in got] == ["v_1a", "v_1c"]
    assert json.loads(got[0][1]) == {"eur": "13.00"} and got[0][2] == "łódź kaffee spezial groß sku-ä1"
    assert rows(path, "SELECT title FROM products WHERE id = 'prod_1'") == [("Łódź Kaffee Spezial",)]
    assert rows(path, "SELECT count(*) FROM variants WHERE product_id = 'prod_2'") == [(1,)]
    with app.uow() as uow:
        v = uow.catalog.variant("v_1a")
    assert v.prices["eur"] == Decimal("13.00") and v.product_title == "Łódź Kaffee Spezial"


def test_other_kinds_upsert_in_bulk(shop):
    _app, store, path = shop
    store.upsert_page("regions", [{"id": "reg_1", "name": "Europa", "currency_code": "EUR", "countries": ["DE", "FR"],
                                   "is_tax_inclusive": True}], {})
    store.upsert_page("regions", [{"id": "reg_1", "name": "Europa Süd", "currency_code": "eur", "countries": ["it"]}], {})
    store.upsert_page("tax_rates", [{"id": "tr_1", "name": "MwSt", "code": "DE19", "rate": "19",
                                     "country_code": "DE"}], {})
    assert rows(path, "SELECT name, currency_code, countries, is_tax_inclusive FROM regions") == [
        ("Europa Süd", "eur", '["it"]', 0)]
    assert rows(path, "SELECT country_code, rate FROM tax_rates") == [("de", "19")]


def test_deletions_beyond_the_bound_parameter_limit(shop):
    """40,000 kept ids (SQLite refuses more than 32,766 bound parameters in one statement)."""
    _app, store, path = shop
    n = 40_000
    page = [product(f"prod_{i:05d}", f"Artikel {i}", [(f"var_{i:05d}", "Default", f"S{i}", "1.00")]) for i in range(n)]
    store.upsert_page("products", page, {})
    gone = {"prod_00007", "prod_39999", "prod_20000"}
    keep = {p["id"] for p in page} - gone
    assert store.delete_missing("products", keep) == 3
    assert rows(path, "SELECT count(*) FROM products") == [(n - 3,)]
    assert rows(path, "SELECT count(*) FROM variants") == [(n - 3,)]
    assert rows(path, "SELECT count(*) FROM variants WHERE id IN ('var_00007', 'var_39999', 'var_20000')") == [(0,)]
    assert store.local_ids("products") == keep


def test_deleting_customers_keeps_those_created_at_the_till(shop):
    app, store, path = shop
    store.upsert_page("customers", [{"id": "cus_1", "email": "zoë@example.com", "first_name": "Zoë"},
                                    {"id": "cus_2", "email": "jose@example.com", "first_name": "José"}], {})
    with app.uow() as uow:
        uow.catalog.upsert("customers", [{"id": "cus_local", "email": "søren@example.com"}], created_locally=True)
        uow.commit()
    assert store.delete_missing("customers", {"cus_2"}) == 1
    assert {r[0] for r in rows(path, "SELECT id FROM customers")} == {"cus_2", "cus_local"}


def test_a_bad_record_leaves_nothing_of_its_page(shop):
    _app, store, path = shop
    store.upsert_page("products", [product("prod_1", "Alt", [("v_1", "Default", "A", "1.00")])], {"offset": 1})
    bad = [product("prod_1", "Neu", [("v_1", "Default", "A", "2.00")]),
           product("prod_2", "Kaputt", [("v_2", "Default", "B", "zwei Euro")])]
    with pytest.raises(BadRecord) as err:
        store.upsert_page("products", bad, {"offset": 3})
    assert str(err.value) == "products record 'prod_2': an amount, price or rate is not a number"
    missing = [{"id": "prod_3", "variants": []}]
    with pytest.raises(BadRecord, match="products record 'prod_3': the field 'title' is missing"):
        store.upsert_page("products", missing, {"offset": 4})
    assert rows(path, "SELECT id, title FROM products") == [("prod_1", "Alt")]
    assert rows(path, "SELECT id, prices FROM variants") == [("v_1", '{"eur": "1.00"}')]
    assert store.cursor("products") == {"offset": 1}
