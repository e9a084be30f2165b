"""Shared fixtures for the core's tests: a fresh Tilldesk on a real SQLite file with the demo shop,
helpers to create drafts, and a fingerprint of the database to prove that nothing was written."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The real Medusa servers (marker ``medusa``): one session-wide v2 and one v1 per run, for every
# test directory. Nothing else starts a server in the suite; tests keep apart by fresh data
# (unique e-mails, region names and local ids), never by a server of their own.
from tests.medusa_harness.fixtures import medusa_catalog, medusa_server  # noqa: F401
from tests.medusa_v1_harness.fixtures import medusa_v1_catalog, medusa_v1_server  # noqa: F401

REPO = Path(__file__).resolve().parent.parent

# Stable ids of the built-in demo shop (resources/demo_shop.json).
USD_REGION = "reg_01KERPY18XHYC8TQNYHCQGW9B0"  # tax added on top, NYC 8.875 %, CA 7.25 %
EUR_REGION = "reg_01KERPY2GNX19WN2N2X2SPJPR8"  # tax-inclusive prices
USD_LOCAL_DELIVERY = "so_01KERQ65ADHDYWK9Q27EV9W8VJ"  # 6.00
USD_PICKUP = "so_01KERQ6575M8X5ZXJRFA80Q4AS"  # 0
EUR_COURIER = "so_01KERQ69P077JCHCSCVWY516FD"  # 19.90
ESPRESSO_250 = "COF-HSE-ESP-250"  # 15 USD, 15.50 EUR
ESPRESSO_250_BARCODE = "2481700000060"
ESPRESSO_250_ID = "variant_01KERPZ87P4YPMDQ5X7FVVJMTK"
CUSTOMER_MAEVE = "cus_01KERQ6D56730GE8XRWKNBAEQH"

NY_ADDRESS = {"first_name": "Ann", "last_name": "Lee", "address_1": "1 Main St", "city": "New York",
              "country_code": "us", "province": "NY", "postal_code": "10001", "phone": "+1 212 555 0100"}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "tilldesk.sqlite"


@pytest.fixture
def app(db_path: Path) -> Iterator[Any]:
    """A freshly started Tilldesk on its own SQLite file, demo shop loaded."""
    from app.bootstrap import start

    a = start(db_path, demo=True)
    try:
        yield a
    finally:
        a.close()


@pytest.fixture(params=["sqlite", "memory"])
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A shop with the demo catalog, for tests that only talk to the services: once on a real
    SQLite file, once on the in-memory FakeUnitOfWork (tests/fake_uow.py). Both answer ``uow()``."""
    from app.services.demo import load_demo_shop

    if request.param == "memory":
        from tests.fake_uow import FakeShop

        fake = FakeShop()
        assert load_demo_shop(fake.uow())
        yield fake
        return
    from app.bootstrap import start

    a = start(tmp_path / "tilldesk.sqlite", demo=True)
    try:
        yield a
    finally:
        a.close()


def draft_body(**overrides: Any) -> dict[str, Any]:
    """A typical phone order in the USD region: 3 x espresso and a custom gift wrap, NY address."""
    body: dict[str, Any] = {
        "email": "ann@example.com",
        "region_id": USD_REGION,
        "items": [{"variant_sku": ESPRESSO_250, "quantity": 3},
                  {"title": "Gift wrap", "unit_price": "2.50", "quantity": 1}],
        "shipping_address": dict(NY_ADDRESS),
        "shipping_methods": [{"shipping_option_id": USD_LOCAL_DELIVERY}],
    }
    body.update(overrides)
    return body


def create_draft(app: Any, **overrides: Any) -> Any:
    from app.services import drafts

    return drafts.create_draft(draft_body(**overrides), app.uow()).value


def mark_paid(app: Any, draft_id: str, *tenders: dict[str, Any]) -> Any:
    from app.services import orders

    return orders.mark_paid({"draft_id": draft_id, "tenders": list(tenders)}, app.uow()).value


def table_counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        # The search indexes (0007) and their shadow tables follow their tables: not records of their own.
        from app.persistence.search_index import INDEXED

        names = [n for n in names if not any(n == f or n.startswith(f + "_") for f in INDEXED.values())]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def db_fingerprint(path: Path) -> str:
    """A hash of every row of every table (read through SQLite, so the WAL counts too)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        h = hashlib.sha256()
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        for n in names:
            h.update(n.encode())
            # The search indexes' shadow tables (0007) have no rowid; ordered by every column instead.
            without_rowid = "WITHOUT ROWID" in (con.execute(
                "SELECT sql FROM sqlite_master WHERE name = ?", (n,)).fetchone()[0] or "").upper()
            order = "1" if without_rowid else "rowid"
            for row in con.execute(f'SELECT * FROM "{n}" ORDER BY {order}'):
                h.update(repr(row).encode())
        return h.hexdigest()
    finally:
        con.close()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
