"""The command line end to end, as a script would use it: subprocesses, JSON on stdout, one line
on stderr and exit 2 for bad input, 1 for anything else."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import (
    ESPRESSO_250,
    ESPRESSO_250_ID,
    REPO,
    USD_LOCAL_DELIVERY,
    USD_REGION,
    db_fingerprint,
    draft_body,
)

NOISE = re.compile(r"\d\.\d*(0{6,}[1-9]|9{6,}\d)")  # 0.30000000000000004, 53.079999999


def run(db: Path, *args: str, stdin: str | None = None, demo: bool = False) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "ui", "--db", str(db), *(["--demo"] if demo else []), *args]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO), "TILLDESK_DB": "/nonexistent"}
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, cwd=REPO, env=env, timeout=120)


def ok(res: subprocess.CompletedProcess[str]) -> Any:
    assert res.returncode == 0, res.stderr
    assert not NOISE.search(res.stdout), NOISE.search(res.stdout)
    return json.loads(res.stdout, parse_float=Decimal)


def bad(res: subprocess.CompletedProcess[str], code: int = 2) -> str:
    assert res.returncode == code, (res.returncode, res.stdout, res.stderr)
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.stderr
    return lines[0]


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "shop.sqlite"
    ok(run(db, "catalog", "regions", demo=True))
    return db


def test_catalog_shapes(shop: Path) -> None:
    regions = ok(run(shop, "catalog", "regions"))
    assert regions["count"] == len(regions["regions"]) == 2
    variants = ok(run(shop, "catalog", "variants", "--q", ESPRESSO_250))
    assert variants["variants"][0]["sku"] == ESPRESSO_250
    assert variants["variants"][0]["prices"] == {"usd": Decimal(15), "eur": Decimal("15.5")}
    customers = ok(run(shop, "catalog", "customers", "--q", "álvarez"))
    assert [c["last_name"] for c in customers["customers"]] == ["Álvarez"]
    assert ok(run(shop, "catalog", "shipping-options", "--region", USD_REGION))["count"] == 3


def test_draft_lifecycle_shapes_and_exact_amounts(shop: Path) -> None:
    body = draft_body(promo_codes=["WELCOME10"])
    created = ok(run(shop, "draft", "create", "-", stdin=json.dumps(body)))
    assert set(created) == {"draft_order"}
    d = created["draft_order"]
    assert d["status"] == "open" and d["currency_code"] == "usd"
    assert d["total"] == Decimal("53.0765625") and d["tax_total"] == Decimal("4.3265625")
    assert d["amount_due"] == Decimal("53.08") and d["discount_subtotal"] == Decimal("4.75")
    for field in ("subtotal", "discount_total", "shipping_total", "tax_total", "total", "item_total",
                  "original_total", "paid_total", "refunded_total", "refundable_amount", "amount_due"):
        assert field in d
    assert d["raw_total"] == {"value": "53.0765625", "precision": 20}
    did = d["id"]

    shown = ok(run(shop, "draft", "show", f"#{d['display_id']}"))["draft_order"]
    assert shown["total"] == d["total"] and shown["id"] == did
    added = ok(run(shop, "draft", "add-item", did, "--sku", ESPRESSO_250, "--quantity", "2"))["draft_order"]
    assert added["items"][0]["quantity"] == 5
    listing = ok(run(shop, "draft", "list", "--status", "open"))
    assert set(listing) >= {"draft_orders", "count"} and listing["count"] >= 1
    assert did in [x["id"] for x in listing["draft_orders"]]

    paid = ok(run(shop, "draft", "mark-paid", did, "--tender", "card=50.00:AUTH-1", "--tender", "cash=50"))
    assert set(paid) == {"order"}
    o = paid["order"]
    assert o["invoice_number"].startswith("TD-") and o["status"] == "pending"
    due = o["amount_due"] if o["paid_total"] == 0 else o["paid_total"]
    assert [p["tender"] for p in o["payments"]] == ["card", "cash"]
    assert o["payments"][0]["reference"] == "AUTH-1"
    assert o["change_given"] == Decimal(100) - due
    # 75 + 2.50 items, 10 % off them, 6.00 delivery: 75.75 taxed at 8.875 %
    assert o["total"] == Decimal("82.4728125") and o["paid_total"] == Decimal("82.47")
    orders = ok(run(shop, "order", "list", "--q", o["invoice_number"]))
    assert orders["count"] == 1 and orders["orders"][0]["id"] == o["id"]
    assert ok(run(shop, "order", "show", o["invoice_number"]))["order"]["total"] == o["total"]
    assert ok(run(shop, "order", "complete", f"#{o['display_id']}"))["order"]["status"] == "completed"
    assert ok(run(shop, "order", "archive", o["id"]))["order"]["status"] == "archived"


def _body(**overrides: Any) -> str:
    return json.dumps(draft_body(**overrides))


def test_bad_input_exits_2_with_one_line_and_writes_nothing(shop: Path) -> None:
    d = ok(run(shop, "draft", "create", stdin=json.dumps(draft_body())))["draft_order"]
    before = db_fingerprint(shop)
    cases = [
        (("draft", "create"), "{not json", "not valid JSON"),
        (("draft", "create"), "", "empty"),
        (("draft", "create"), "[1, 2]", "JSON object"),
        (("draft", "create"), '{"items": [{"unit_price": NaN, "title": "x", "quantity": 1}]}', "NaN"),
        (("draft", "create"), _body(items=[{"variant_sku": "NOPE", "quantity": 1}]), "items.0.variant_sku"),
        (("draft", "create"), _body(items=[{"variant_barcode": "1", "quantity": 1}]), "items.0.variant_barcode"),
        (("draft", "create"), _body(items=[{"variant_id": "variant_X", "quantity": 1}]), "items.0.variant_id"),
        (("draft", "create"), _body(items=[{"variant_sku": ESPRESSO_250, "quantity": 0}]), "items.0.quantity"),
        (("draft", "create"), _body(items=[{"title": "x", "unit_price": -1, "quantity": 1}]), "items.0.unit_price"),
        (("draft", "create"), _body(email="nope"), "email"),
        (("draft", "create"), _body(shipping_address={"country_code": "qq"}), "shipping_address.country_code"),
        (("draft", "add-item", d["id"], "--sku", ESPRESSO_250, "--quantity", "-3"), None, "quantity"),
        (("draft", "add-item", d["id"], "--sku", ESPRESSO_250, "--quantity", "100000"), None, "quantity"),
        (("draft", "mark-paid", d["id"], "--tender", "cash=1"), None, "still due"),
        (("draft", "mark-paid", d["id"], "--tender", "cash=abc"), None, "not an amount"),
        (("draft", "mark-paid", d["id"], "--tender", "gold=5"), None, "--tender"),
        (("draft", "show", "#999"), None, "does not exist"),
        (("order", "show", "XX-2020-000001"), None, "invoice number"),
    ]
    for args, stdin, words in cases:
        line = bad(run(shop, *args, stdin=stdin))
        assert line.startswith("tilldesk: ") and words in line, (args, line)
    assert db_fingerprint(shop) == before
    # argparse's own usage errors are bad input too
    res = run(shop, "draft", "add-item", d["id"], "--quantity", "1")
    assert res.returncode == 2


def test_mark_paid_twice_exits_2(shop: Path) -> None:
    d = ok(run(shop, "draft", "create", stdin=json.dumps(draft_body())))["draft_order"]
    ok(run(shop, "draft", "mark-paid", d["id"], "--tender", "cash=500"))
    before = db_fingerprint(shop)
    assert "already paid" in bad(run(shop, "draft", "mark-paid", d["id"], "--tender", "cash=500"))
    assert "can no longer be changed" in bad(run(shop, "draft", "add-item", d["id"], "--sku", ESPRESSO_250))
    assert db_fingerprint(shop) == before


def test_a_file_that_is_not_a_database_exits_1(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"PK\x03\x04 this is a zip file, not a database" * 10)
    before = junk.read_bytes()
    line = bad(run(junk, "draft", "list"), code=1)
    assert "not an SQLite file" in line
    assert junk.read_bytes() == before


def test_medusa_v1_body_in_minor_units(shop: Path) -> None:
    v1 = {
        "email": "user@example.com", "region_id": USD_REGION, "no_notification_order": True, "status": "open",
        "metadata": {"car": "white"}, "discounts": [{"code": "WELCOME10"}],
        "shipping_methods": [{"option_id": USD_LOCAL_DELIVERY, "data": {}, "price": 450}],
        "items": [{"variant_id": ESPRESSO_250_ID, "quantity": 2, "metadata": {}},
                  {"title": "Gift card", "unit_price": 1999, "quantity": 1}],
        "shipping_address": {"first_name": "Arno", "last_name": "Willms", "phone": 12125550100,
                             "address_1": "14433 Kemmer Court", "city": "Albany", "province": "New York",
                             "postal_code": 12207, "country_code": "us", "metadata": {"car": "white"}},
    }
    d = ok(run(shop, "draft", "create", "--medusa-v1", stdin=json.dumps(v1)))["draft_order"]
    assert [i["unit_price"] for i in d["items"]] == [Decimal(15), Decimal("19.99")]
    assert d["shipping_methods"][0]["amount"] == Decimal("4.5") and d["shipping_methods"][0]["is_custom_amount"]
    assert d["promo_codes"] == ["WELCOME10"] and d["no_notification_order"] is True
    assert d["shipping_address"]["postal_code"] == "12207" and d["shipping_address"]["province"] == "us-ny"
    assert d["subtotal"] == Decimal("54.49")
    before = db_fingerprint(shop)
    for body, words in (({**v1, "items": [{"title": "x", "unit_price": 12.5, "quantity": 1}]}, "items.0.unit_price"),
                        ({**v1, "cart_id": "x"}, "cart_id"),
                        ({**v1, "region_id": "reg_NOPE"}, "region_id")):
        assert words in bad(run(shop, "draft", "create", "--medusa-v1", stdin=json.dumps(body)))
    assert db_fingerprint(shop) == before
