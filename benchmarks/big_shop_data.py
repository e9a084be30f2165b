"""The parts of the big shop (benchmarks/make_big_shop.py): ids, rows in the stored formats,
the catalog, the customers, and the baskets whose totals the domain computes.

Every stored value goes through the app's own readers where it matters: records.* for the search
text of variants and customers, the column types' own bind functions for decimals, timestamps
and JSON, the domain's price_draft for every basket's totals."""

from __future__ import annotations

import random
import sqlite3
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "resources" / "tools"))

from bench_ui import SIZES, WORDS  # noqa: E402  (the window benchmark's catalog words)
from make_demo_shop import ean13_check_digit  # type: ignore[import-not-found]  # noqa: E402

from app.domain.address import Address  # noqa: E402
from app.domain.draft_order import DraftOrder, LineItem, ShippingMethod  # noqa: E402
from app.domain.pricing import price_draft  # noqa: E402
from app.persistence import mapping as m  # noqa: E402
from app.persistence import records as rec  # noqa: E402
from app.persistence import rows as r  # noqa: E402
from app.persistence.types import DecimalText, JSONText, UTCDateTime  # noqa: E402
from app.services.snapshot import totals_to_dict  # noqa: E402

_A = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS = [a + b for a in _A for b in _A]  # 10 bits at a time
_JSON, _TS, _DEC = JSONText(), UTCDateTime(), DecimalText()

FIRST = ("James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Susan Richard Jessica "
         "Joseph Sarah Thomas Karen Maeve José Zoë Łukasz Ayşe Jürgen François Thị Lan Priya Daniel Hannah "
         "Agnieszka Sanne Bram Søren Chloé Björn Małgorzata Ingrid Miguel Ana Yusuf Emre Leïla Renée").split()
LAST = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Wilson "
        "Anderson Taylor Moore O'Brien Álvarez Raman Okafor Kowalczyk Nguyễn Müller Yılmaz Weiß Żółć "
        "Wiśniewska Lefèvre Dubois de Vries van den Berg Østergaard Šimek Ćosić Papadopoulos").split()
CITIES: dict[str, list[tuple[str, str | None, str]]] = {
    "us": [("New York", "us-ny", "100"), ("Brooklyn", "us-ny", "112"), ("Los Angeles", "us-ca", "900")],
          "de": [("Köln", None, "506"), ("Berlin", None, "109")], "fr": [("Paris", None, "750")],
          "pl": [("Kraków", "pl-12", "30-"), ("Warszawa", "pl-14", "00-")], "nl": [("Utrecht", "nl-ut", "351")],
          "at": [("Wien", "at-9", "107")]}
EUR_PER_USD, CENT = Decimal("1.07"), Decimal("0.01")
PHONE = {"us": "+1212555", "de": "+4922147", "fr": "+3314782", "pl": "+4851238", "nl": "+3130231", "at": "+4315237"}


class Mint:
    """Medusa-style ids: the ULID time part from the row's own creation time, the random part a
    seeded counter, so ids sort by creation like the till's and the file is the same every run."""

    def __init__(self, seed: int) -> None:
        self.n = random.Random(seed).getrandbits(60) << 16
        self._ms, self._time = -1, ""

    def __call__(self, prefix: str, ms: int) -> str:
        self.n += 1
        n, p = self.n, _PAIRS
        if ms != self._ms:  # an order's ids share its moment: its time part is spelled once
            self._ms, self._time = ms, (p[(ms >> 40) & 1023] + p[(ms >> 30) & 1023] + p[(ms >> 20) & 1023]
                                        + p[(ms >> 10) & 1023] + p[ms & 1023])
        return (f"{prefix}_{self._time}{p[(n >> 70) & 1023]}{p[(n >> 60) & 1023]}{p[(n >> 50) & 1023]}"
                f"{p[(n >> 40) & 1023]}{p[(n >> 30) & 1023]}{p[(n >> 20) & 1023]}{p[(n >> 10) & 1023]}{p[n & 1023]}")


def ts(t: datetime) -> str:
    return _TS.process_bind_param(t, None) or ""


def js(v: Any) -> str:
    return _JSON.process_bind_param(v, None) or ""


def dec(v: Decimal) -> str:
    return _DEC.process_bind_param(v, None) or ""


def ms_of(t: datetime) -> int:
    return int(t.timestamp() * 1000)


def columns(con: sqlite3.Connection, table: str) -> list[str]:
    return [x[1] for x in con.execute(f'PRAGMA table_info("{table}")')]


def put(con: sqlite3.Connection, row_cls: type, values: Iterable[dict[str, Any]]) -> int:
    """Insert plain column values through the row's own column types (bools as 0/1, defaults
    filled in), only into the columns the file has at its revision."""
    table = row_cls.__table__  # type: ignore[attr-defined]
    have = set(columns(con, table.name))
    cols = [c for c in table.columns if c.name in have]
    keys = {c.name: next((k for k, a in row_cls.__mapper__.columns.items() if a is c), c.name)  # type: ignore[attr-defined]
            for c in cols}

    def bind(c: Any, d: dict[str, Any]) -> Any:
        v = d.get(keys[c.name], d.get(c.name))
        if v is None and c.default is not None and not callable(c.default.arg):
            v = c.default.arg
        elif v is None and c.default is not None:
            v = c.default.arg(None)
        if hasattr(c.type, "process_bind_param"):
            return c.type.process_bind_param(v, None)
        return int(v) if isinstance(v, bool) else v

    rows = [tuple(bind(c, d) for c in cols) for d in values]
    con.executemany(f'INSERT INTO "{table.name}" ({", ".join(c.name for c in cols)}) '
                    f'VALUES ({", ".join("?" * len(cols))})', rows)
    return len(rows)


def ean13(n: int) -> str:
    body = f"20{n:010d}"  # GS1 20-29: restricted circulation, never a real product's barcode
    return body + ean13_check_digit(body)


def products(rng: random.Random, n_variants: int, created: datetime) -> list[dict[str, Any]]:
    """The catalog in the neutral record shape the pull and the demo loader write."""
    mint = Mint(rng.getrandbits(32))
    out, k = [], 0
    for p in range((n_variants + len(SIZES) - 1) // len(SIZES)):
        title = " ".join(rng.sample(WORDS, 3)) + f" {p}"
        variants = []
        for j, size in enumerate(SIZES):
            if k >= n_variants:
                break
            k += 1
            usd = Decimal(rng.randint(300, 9000)) / 100
            variants.append({"id": mint("variant", ms_of(created) + k), "title": size, "sku": f"BIG-{p:06d}-{j}",
                             "barcode": ean13(k), "prices": [
                                 {"currency_code": "usd", "amount": str(usd)},
                                 {"currency_code": "eur", "amount": str((usd * EUR_PER_USD).quantize(CENT))}]})
        out.append({"id": mint("prod", ms_of(created) + k), "title": title, "status": "published",
                    "variants": variants})
    return out


def customers(rng: random.Random, n: int, created: datetime) -> list[dict[str, Any]]:
    mint = Mint(rng.getrandbits(32))
    out = []
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        country = "us" if rng.random() < 0.6 else rng.choice(("de", "fr", "pl", "nl", "at"))
        city, province, postal = rng.choice(CITIES[country])
        phone = f"{PHONE[country]}{i:06d}"[:13]
        local = "".join(ch for ch in f"{first}.{last}".lower() if ch.isalnum() or ch == ".")
        cid = mint("cus", ms_of(created) + i)
        out.append({"id": cid, "email": f"{local}{i}@example.{rng.choice(('com', 'net', 'org'))}",
                    "first_name": first, "last_name": last, "phone": phone,
                    "company_name": f"{last} & Co" if rng.random() < 0.05 else None,
                    "addresses": [{"id": mint("cuaddr", ms_of(created) + i), "first_name": first, "last_name": last,
                                   "company": None, "address_1": f"{rng.randint(1, 999)} {rng.choice(WORDS)} Street",
                                   "address_2": None, "city": city, "province": province,
                                   "postal_code": f"{postal}{rng.randint(10, 99)}", "country_code": country,
                                   "phone": phone, "is_default_shipping": True, "is_default_billing": True}]})
    return out


@dataclass
class Basket:
    """One shape of order: its lines, shipping and promotion, priced once by the domain. Its
    totals JSON is kept split at the line ids, so each order fills in its own ids exactly."""
    region: Any
    lines: list[tuple[dict[str, Any], int]]  # (variant record with product title, quantity)
    shipping: dict[str, Any] | None
    promo: str | None
    country: str
    due: Decimal
    total: Decimal
    line_totals: list[Decimal]
    totals_parts: list[str]  # the JSON text between the line-id placeholders


def load_catalog(data: dict[str, Any]) -> tuple[dict[str, Any], list[Any], list[Any]]:
    regions = {d["currency_code"]: m.region(r.RegionRow(**rec.region(d))) for d in data["regions"]}
    rates = [m.tax_rate(r.TaxRateRow(**rec.tax_rate(d))) for d in data["tax_rates"]]
    promos = [m.promotion(r.PromotionRow(**rec.promotion(d))) for d in data["promotions"]]
    return regions, rates, promos


def baskets(rng: random.Random, n: int, variants: list[dict[str, Any]], data: dict[str, Any]) -> list[Basket]:
    regions, rates, promos = load_catalog(data)
    options = data["shipping_options"]
    out: list[Basket] = []
    while len(out) < n:
        cur = "usd" if rng.random() < 0.7 else "eur"
        region = regions[cur]
        country = "us" if cur == "usd" else rng.choice(region.countries)
        lines = [(rng.choice(variants), rng.choice((1, 1, 1, 2, 2, 3))) for _ in range(rng.randint(1, 8))]
        phone_order = rng.random() < 0.3
        shipping = rng.choice([o for o in options if o["region_id"] == region.id]) if phone_order else None
        promo = None
        if rng.random() < 0.12:
            promo = rng.choice(("WELCOME10", "FREESHIP" if shipping else "WELCOME10",
                                "SAVE5" if cur == "usd" else "EURO5"))
        items = [LineItem(id=f"\u2063L{k}\u2063", title=v["product_title"], quantity=q,
                          unit_price=Decimal(v["prices"][cur]), variant_id=v["id"], product_id=v["product_id"],
                          is_tax_inclusive=region.is_tax_inclusive) for k, (v, q) in enumerate(lines)]
        city, province, postal = CITIES[country][0]
        address = Address(id="a", first_name="x", country_code=country, province=province, city=city) \
            if phone_order else None
        draft = DraftOrder(id="d", display_id=1, region_id=region.id, currency_code=cur, items=items,
                           shipping_address=address, promo_codes=[promo] if promo else [],
                           shipping_methods=[ShippingMethod(id="\u2063S\u2063", name=shipping["name"],
                                                            amount=Decimal(shipping["amount"]),
                                                            shipping_option_id=shipping["id"],
                                                            is_tax_inclusive=region.is_tax_inclusive)]
                           if shipping else [])
        try:
            priced = price_draft(draft, region, rates, promos, strict=True)
        except Exception:  # a promotion that does not apply to this basket: the till refuses it too
            continue
        text = js(totals_to_dict(priced.totals, priced.adjustments))
        parts = text.split("\u2063")  # [..., "L0", ..., "L1", ...]: odd parts are placeholders
        by_id = {t.id: t.total for t in priced.totals.items}
        out.append(Basket(region=region, lines=lines, shipping=shipping, promo=promo, country=country,
                          due=priced.totals.amount_due, total=priced.totals.total,
                          line_totals=[by_id[it.id] for it in items], totals_parts=parts))
    return out


def fill(parts: list[str], ids: dict[str, str]) -> str:
    return "".join(ids[p] if i % 2 else p for i, p in enumerate(parts))


def start_of_year(year: int) -> datetime:
    return datetime(year, 1, 1, tzinfo=UTC)
