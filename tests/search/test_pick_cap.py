"""A type-ahead pick list (products, customers) is sorted by name from at most PICK_CAP matches,
the newest (app/persistence/repositories/_base.py): below the cap it is every match in name
order, as before; above it the newest matches in name order, and an exact SKU or barcode is
found whatever the cap. The cap is lowered to 3 so a handful of rows on a real file shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.bootstrap import start
from app.persistence.repositories import _base
from app.services import queries

NAMES = ["Echo", "Alpha", "Delta", "Bravo", "Charlie"]  # added in this order: Charlie is the newest


@pytest.fixture
def app(tmp_path: Path):
    a = start(tmp_path / "t.sqlite")
    with a.uow() as uow:
        for i, name in enumerate(NAMES):
            uow.catalog.upsert("products", [{"id": f"prod_k{i}", "title": f"Knife {name}", "variants": [
                {"id": f"variant_k{i}", "title": "One", "sku": f"KN-{i}", "barcode": f"200000000001{i}",
                 "prices": [{"currency_code": "usd", "amount": "9"}]}]}])
            uow.catalog.upsert("customers", [{"id": f"cus_k{i}", "email": f"k{i}@example.com",
                                              "first_name": "Kim", "last_name": f"Knifer {name}"}])
        uow.commit()
    yield a
    a.close()


def titles(app) -> list[str]:
    return [v.product_title for v in queries.search_variants("knif", app.uow(), 20)]


def test_below_the_cap_every_match_in_name_order(app):
    assert titles(app) == [f"Knife {n}" for n in sorted(NAMES)]
    assert [c.last_name for c in queries.search_customers("knife", app.uow())] == [
        f"Knifer {n}" for n in sorted(NAMES)]


def test_above_the_cap_the_newest_matches_in_name_order(app, monkeypatch):
    monkeypatch.setattr(_base, "PICK_CAP", 3)
    newest = sorted(NAMES[-3:])  # Delta, Bravo, Charlie were added last
    assert titles(app) == [f"Knife {n}" for n in newest]
    assert [c.last_name for c in queries.search_customers("knife", app.uow())] == [f"Knifer {n}" for n in newest]


def test_an_exact_sku_or_barcode_is_found_whatever_the_cap(app, monkeypatch):
    monkeypatch.setattr(_base, "PICK_CAP", 1)
    assert [v.id for v in queries.search_variants("KN-0", app.uow(), 20)][0] == "variant_k0"
    assert [v.id for v in queries.search_variants("2000000000011", app.uow(), 20)][0] == "variant_k1"
