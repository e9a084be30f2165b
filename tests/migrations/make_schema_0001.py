"""Builds a Tilldesk database in the FIRST schema (alembic revision 0001) holding a few paid,
unsynced orders, the way a till that ran the first release would have left it.

The orders are made by today's services on a scratch database at head, then copied row by row
into a database that alembic took to revision 0001 only, column by column as 0001 knows them.

    python -m tests.migrations.make_schema_0001 [OUT]   (default: tests/migrations/fixtures/schema_0001.sqlite)
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

from alembic import command

from app.persistence.db import _alembic_config, make_engine

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "schema_0001.sqlite"


def empty_at_revision(path: Path, revision: str) -> None:
    engine = make_engine(path)
    try:
        cfg = _alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()


def paid_orders_at_head(path: Path, count: int) -> None:
    from app.bootstrap import start
    from app.services import drafts, orders

    app = start(path, demo=True)
    try:
        for n in range(count):
            d = drafts.create_draft({
                "email": f"customer{n}@example.com", "region_id": "reg_01KERPY18XHYC8TQNYHCQGW9B0",
                "items": [{"variant_sku": "COF-HSE-ESP-250", "quantity": n + 1},
                          {"title": "Gift wrap — ręcznie", "unit_price": "2.50", "quantity": 1}],
                "shipping_address": {"first_name": "Zoë", "last_name": f"Kowalska {n}", "address_1": "1 Main St",
                                     "city": "New York", "country_code": "us", "province": "NY"},
                "shipping_methods": [{"shipping_option_id": "so_01KERQ65ADHDYWK9Q27EV9W8VJ"}],
                "promo_codes": ["WELCOME10"] if n % 2 else [],
            }, app.uow()).value
            orders.mark_paid({"draft_id": d.id, "tenders": [{"kind": "cash", "amount": "500"}]}, app.uow())
        drafts.create_draft({"email": "open@example.com", "items": [{"variant_sku": "COF-HSE-ESP-250", "quantity": 1}]},
                            app.uow())
    finally:
        app.close()


def build(out: Path, paid: int = 3) -> Path:
    """Write a schema-0001 database with `paid` paid, unsynced orders and one open draft to `out`."""
    out = Path(out)
    if out.exists():
        out.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "head.sqlite"
        paid_orders_at_head(source, paid)
        empty_at_revision(out, "0001")
        con = sqlite3.connect(out)
        try:
            con.execute("PRAGMA foreign_keys=OFF")
            con.execute("ATTACH DATABASE ? AS src", (str(source),))
            tables = [r[0] for r in con.execute(
                "SELECT name FROM main.sqlite_master WHERE type='table' AND name != 'alembic_version'")]
            for t in tables:
                cols = [r[1] for r in con.execute(f'PRAGMA main.table_info("{t}")')]
                names = ", ".join(f'"{c}"' for c in cols)
                con.execute(f'INSERT INTO main."{t}" ({names}) SELECT {names} FROM src."{t}"')
            con.commit()
            con.execute("DETACH DATABASE src")
            # one self-contained file: no WAL beside it
            con.execute("PRAGMA journal_mode=DELETE")
            con.execute("VACUUM")
        finally:
            con.close()
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURE
    print(build(target))
