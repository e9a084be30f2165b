"""Build a big shop's till file: a year of trading, for the scale benchmarks (not a test).

    python benchmarks/make_big_shop.py --variants 100000 --customers 200000 --orders 1000000 --out FILE

The file is made by the real migrations up to GENERATED_AT, filled with bulk inserts in big
transactions (journal and fsync off only while generating), then upgraded to the schema head by
the real migrations, whose progress it prints: so the search-index migration (0007) is run, and
timed, on the whole year. Seeded: the same arguments make the same rows.

The shop is the demo shop's (both regions: USD with tax on top, the tax-inclusive EUR one; its tax
rates, shipping options, promotions), with a generated catalog and customers. Orders are spread
over a year, 1 to 8 lines, some with a promotion, phone orders with an address and shipping; each
has its draft, lines, payment, invoice number and synced outbox entry; about 1 % are refunded
(refund with its credit note number). Totals come from the domain's price_draft, once per basket
shape (BASKETS of them), so money is exact."""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import big_shop_data as bs  # noqa: E402

from app.persistence import rows as r  # noqa: E402

#: The revision the bulk inserts are written for; the real migrations take the file on from there.
GENERATED_AT = "0006"
BASKETS = 3_000
YEAR = 2026
PREFIX = "TD"


def migrate(path: Path, revision: str) -> float:
    from alembic import command
    from alembic.config import Config

    from app.persistence import migration_progress
    from app.persistence.db import MIGRATIONS_DIR, make_engine

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = make_engine(path)
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 2 or done == total:
            last[0] = time.perf_counter()
            print(f"  migration: {done:,} of {total:,} rows indexed", flush=True)

    migration_progress.report = progress
    t0 = time.perf_counter()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        migration_progress.report = migration_progress._nobody
        engine.dispose()
    return time.perf_counter() - t0


def reference_data(con: sqlite3.Connection, data: dict[str, Any]) -> None:
    from app.persistence import records as rec

    for kind, row_cls, fn in (("regions", r.RegionRow, rec.region), ("tax_rates", r.TaxRateRow, rec.tax_rate),
                              ("sales_channels", r.SalesChannelRow, rec.sales_channel),
                              ("shipping_options", r.ShippingOptionRow, rec.shipping_option),
                              ("promotions", r.PromotionRow, rec.promotion)):
        bs.put(con, row_cls, [fn(d) for d in data[kind]])
    store = data["store"]
    settings = {"shop": {k: store.get(k) for k in ("name", "address_1", "address_2", "city", "postal_code",
                                                   "province", "country_code", "phone", "email", "tax_id", "footer")},
                **{k: store[k] for k in ("default_region_id", "default_sales_channel_id", "locale", "till_name")},
                "invoice_prefix": PREFIX, "demo_shop": False}
    bs.put(con, r.SettingRow, [{"key": k, "value": v} for k, v in settings.items()])


def catalog(con: sqlite3.Connection, rng: random.Random, n_variants: int, n_customers: int,
            ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from app.persistence import records as rec

    created = bs.start_of_year(YEAR - 1)
    prods = bs.products(rng, n_variants, created)
    bs.put(con, r.ProductRow, [rec.product(p) for p in prods])
    variants = [v for p in prods for v in rec.variants(p)]
    bs.put(con, r.VariantRow, variants)
    titles = {p["id"]: p["title"] for p in prods}
    flat = [{"id": v["id"], "product_id": v["product_id"], "product_title": titles[v["product_id"]],
             "title": v["title"], "sku": v["sku"], "barcode": v["barcode"], "prices": v["prices"]} for v in variants]
    custs = bs.customers(rng, n_customers, created)
    bs.put(con, r.CustomerRow, [rec.customer(c) for c in custs])
    bs.put(con, r.CustomerAddressRow, [dict(a, customer_id=c["id"]) for c in custs
                                       for a in rec.customer_addresses(c)])
    return flat, custs


_SQL = {
    "draft_orders": ("id display_id status email customer_id region_id currency_code sales_channel_id "
                     "shipping_address_id billing_address_id promo_codes no_notification_order idempotency_key "
                     "metadata order_id canceled_at completed_at created_at updated_at search_text staff_id"),
    "line_items": ("id draft_order_id position title subtitle variant_id product_id variant_sku variant_barcode "
                   "variant_title product_title unit_price quantity is_custom_price is_tax_inclusive metadata "
                   "created_at"),
    "shipping_methods": "id draft_order_id name amount shipping_option_id is_custom_amount is_tax_inclusive metadata",
    "addresses": ("id first_name last_name phone company address_1 address_2 city country_code province "
                  "postal_code metadata"),
    "orders": ("id display_id draft_order_id currency_code region_id invoice_number email customer_id status "
               "payment_status fulfillment_status external_id no_notification refunded_total totals canceled_at "
               "completed_at archived_at created_at search_text staff_id approver_id"),
    "payments": "id order_id kind amount amount_tendered change_given reference created_at staff_id shift_id",
    "outbox": ("id order_id kind subject_id state step data attempts last_error next_attempt_at server_order_id "
               "server_display_id created_at updated_at"),
    "refunds": ("id order_id credit_note_number amount shipping_amount extra_amount adjustment reason lines tenders "
                "is_cancellation staff_id created_at"),
}


def drop_indexes(con: sqlite3.Connection, tables: list[str]) -> list[str]:
    """The secondary indexes of the order tables, dropped while a year of rows goes in and made
    again afterwards (one sort each instead of a B-tree insert per row and index); returns the
    statements that make them again. Unique constraints that are part of a table stay."""
    marks = ", ".join("?" * len(tables))
    found = con.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                        f"AND tbl_name IN ({marks})", tables).fetchall()
    for name, _sql in found:
        con.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def _insert(con: sqlite3.Connection, table: str, rows: list[tuple[Any, ...]]) -> None:
    cols = _SQL[table].split()
    con.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
    rows.clear()


def search_text(display_id: int, email: str | None, name: str, phone: str | None, invoice: str,
                shipped: bool) -> str:
    """app.services.dto_builders.search_text, for a draft whose customer (name, phone) is known and
    whose shipping address, when it has one, is that customer's."""
    digits = "".join(c for c in phone or "" if c.isdigit())
    parts = [f"#{display_id}", str(display_id), email or "", name]
    if shipped:
        parts += [name, "", phone or "", digits]
    if phone:
        parts += [phone, digits]
    parts.append(invoice)
    return " ".join(p.lower() for p in parts if p)


def orders(con: sqlite3.Connection, rng: random.Random, n: int, baskets: list[bs.Basket],
           custs: list[dict[str, Any]]) -> int:
    mint = bs.Mint(rng.getrandbits(32))
    start = bs.start_of_year(YEAR)
    span = 365 * 86400
    moments = sorted(rng.random() * span for _ in range(n))
    buf: dict[str, list[tuple[Any, ...]]] = {t: [] for t in _SQL}
    refunds = 0
    empty, zero = "{}", "0"
    for k, sec in enumerate(moments):
        display_id = k + 1
        at = start + timedelta(seconds=sec)
        ms = bs.ms_of(at)
        stamp = bs.ts(at)
        b = baskets[rng.randrange(len(baskets))]
        cust = custs[rng.randrange(len(custs))] if rng.random() < 0.8 or b.shipping else None
        draft_id, order_id = mint("order", ms), mint("order", ms)
        invoice = f"{PREFIX}-{YEAR}-{display_id:06d}"
        name = f"{cust['first_name']} {cust['last_name']}" if cust else ""
        phone = cust["phone"] if cust else None
        email = cust["email"] if cust else None
        text = search_text(display_id, email, name, phone, invoice, b.shipping is not None)
        addr_id = None
        if b.shipping and cust:
            a = cust["addresses"][0]
            addr_id = mint("addr", ms)
            buf["addresses"].append((addr_id, a["first_name"], a["last_name"], a["phone"], None, a["address_1"],
                                     None, a["city"], a["country_code"], a["province"], a["postal_code"], empty))
        buf["draft_orders"].append((
            draft_id, display_id, "completed", email, cust["id"] if cust else None, b.region.id,
            b.region.currency_code, None, addr_id, None, json.dumps([b.promo] if b.promo else []), 0, None,
            empty, order_id, None, stamp, stamp, stamp, text, None))
        ids = {}
        for pos, (v, qty) in enumerate(b.lines):
            line_id = mint("ordli", ms)
            ids[f"L{pos}"] = line_id
            buf["line_items"].append((
                line_id, draft_id, pos, v["product_title"], v["title"], v["id"], v["product_id"], v["sku"],
                v["barcode"], v["title"], v["product_title"], v["prices"][b.region.currency_code], qty, 0,
                int(b.region.is_tax_inclusive), empty, stamp))
        if b.shipping:
            ids["S"] = mint("ordsm", ms)
            buf["shipping_methods"].append((ids["S"], draft_id, b.shipping["name"], b.shipping["amount"],
                                            b.shipping["id"], 0, int(b.region.is_tax_inclusive), empty))
        refunded = rng.random() < 0.01
        due = bs.dec(b.due)
        cash = rng.random() < 0.4
        tendered = (b.due / 10).to_integral_value(rounding="ROUND_CEILING") * 10 if cash else b.due
        buf["orders"].append((
            order_id, display_id, draft_id, b.region.currency_code, b.region.id, invoice, email,
            cust["id"] if cust else None, "completed" if not refunded else "canceled",
            "refunded" if refunded else "captured", "fulfilled", None, 0, due if refunded else zero,
            bs.fill(b.totals_parts, ids), stamp if refunded else None, stamp, None, stamp, text, None, None))
        buf["payments"].append((mint("pay", ms), order_id, "cash" if cash else "card", due, bs.dec(tendered),
                                bs.dec(tendered - b.due), None, stamp, None, None))
        synced = k < n - 50  # the last few are still queued
        buf["outbox"].append((mint("sync", ms), order_id, "push_order", "", "synced" if synced else "queued",
                              4 if synced else 0, empty, 1 if synced else 0, None, None,
                              f"order_srv{display_id}" if synced else None, display_id if synced else None,
                              stamp, stamp))
        if refunded:
            refunds += 1
            ref_id = mint("ref", ms + 60_000)
            lines = [{"line_id": ids[f"L{i}"], "quantity": q, "amount": bs.dec(t)}
                     for i, ((_v, q), t) in enumerate(zip(b.lines, b.line_totals, strict=True))]
            shipping_total = b.total - sum(b.line_totals, Decimal(0))
            adjustment = b.due - b.total
            buf["refunds"].append((ref_id, order_id, f"{PREFIX}-CN-{YEAR}-{refunds:06d}", due, bs.dec(shipping_total),
                                   zero, bs.dec(adjustment), "customer changed their mind", bs.js(lines),
                                   bs.js([{"kind": "cash" if cash else "card", "amount": due, "reference": None}]),
                                   1, None, stamp))
            buf["outbox"].append((mint("sync", ms + 60_000), order_id, "push_refund", ref_id, "synced", 1, empty, 1,
                                  None, None, None, None, stamp, stamp))
        if len(buf["line_items"]) >= 200_000 or k == n - 1:
            for table in _SQL:
                if buf[table]:
                    _insert(con, table, buf[table])
            if k < n - 1:
                print(f"  orders: {k + 1:,} of {n:,}", flush=True)
    con.executemany("INSERT INTO counters (name, value) VALUES (?, ?)", [("order", n), ("draft_order", n)])
    con.executemany("INSERT INTO invoice_sequences (prefix, year, last_value) VALUES (?, ?, ?)",
                    [(PREFIX, YEAR, n), (f"{PREFIX}-CN", YEAR, refunds)])
    return refunds


def build(out: Path, *, variants: int, customers: int, n_orders: int, seed: int = 13) -> dict[str, float]:
    from app.persistence.db import SCHEMA_HEAD

    if out.exists():
        raise SystemExit(f"--out: {out} already exists; give a new file name")
    rng = random.Random(seed)
    figures: dict[str, float] = {}
    t0 = time.perf_counter()
    migrate(out, GENERATED_AT)
    con = sqlite3.connect(str(out), isolation_level=None)
    con.execute("PRAGMA journal_mode=OFF")  # only while generating: open_database sets WAL and FULL again
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-600000")
    con.execute("BEGIN")
    data = json.loads((bs.ROOT / "resources" / "demo_shop.json").read_text(encoding="utf-8"))
    reference_data(con, data)
    flat, custs = catalog(con, rng, variants, customers)
    con.execute("COMMIT")
    figures["catalog_s"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    shapes = bs.baskets(rng, min(BASKETS, max(n_orders // 5, 20)), flat, data)
    figures["baskets_s"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    con.execute("BEGIN")
    remake = drop_indexes(con, list(_SQL))
    figures["refunds"] = orders(con, rng, n_orders, shapes, custs)
    for sql in remake:
        con.execute(sql)
    con.execute("COMMIT")
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    figures["orders_s"] = time.perf_counter() - t1
    figures["migration_s"] = migrate(out, SCHEMA_HEAD)
    figures["total_s"] = time.perf_counter() - t0
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--variants", type=int, default=100_000)
    ap.add_argument("--customers", type=int, default=200_000)
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    for name in ("variants", "customers", "orders"):
        if getattr(a, name) < 1:
            ap.error(f"--{name} must be 1 or more")
    f = build(a.out, variants=a.variants, customers=a.customers, n_orders=a.orders, seed=a.seed)
    print(f"big shop: {a.orders:,} orders ({f['refunds']:.0f} refunded), {a.customers:,} customers, "
          f"{a.variants:,} variants in {f['total_s']:.0f} s (catalog {f['catalog_s']:.0f} s, baskets "
          f"{f['baskets_s']:.0f} s, orders {f['orders_s']:.0f} s, search-index migration {f['migration_s']:.0f} s)"
          f" -> {a.out} ({a.out.stat().st_size / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
