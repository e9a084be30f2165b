"""Bad input: each refused with a message naming the field, and nothing written to the database."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain.errors import DomainError
from app.persistence.db import DatabaseError, open_database
from app.services import drafts, orders
from tests.conftest import (
    ESPRESSO_250,
    NY_ADDRESS,
    create_draft,
    db_fingerprint,
    draft_body,
    file_hash,
    mark_paid,
)


def refused(app, db_path: Path, fn, field: str, words: str = "") -> DomainError:  # type: ignore[no-untyped-def]
    before = db_fingerprint(db_path)
    with pytest.raises(DomainError) as exc:
        fn()
    after = db_fingerprint(db_path)
    assert after == before, "a refused action wrote to the database"
    text = str(exc.value)
    assert field in text, text
    assert words.lower() in text.lower(), text
    assert "\n" not in text
    return exc.value


def addr(**kw):  # type: ignore[no-untyped-def]
    return {**NY_ADDRESS, **kw}


CREATE_CASES = {
    "unknown variant": ({"items": [{"variant_id": "variant_NOPE", "quantity": 1}]}, "items.0.variant_id", "does not exist"),
    "unknown sku": ({"items": [{"variant_sku": "NO-SUCH-SKU", "quantity": 1}]}, "items.0.variant_sku", "NO-SUCH-SKU"),
    "unknown barcode": ({"items": [{"variant_barcode": "0000000000000", "quantity": 1}]}, "items.0.variant_barcode", "0000000000000"),
    "quantity 0": ({"items": [{"variant_sku": ESPRESSO_250, "quantity": 0}]}, "items.0.quantity", "greater than or equal to 1"),
    "quantity negative": ({"items": [{"variant_sku": ESPRESSO_250, "quantity": -2}]}, "items.0.quantity", ""),
    "quantity absurd": ({"items": [{"variant_sku": ESPRESSO_250, "quantity": 10**7}]}, "items.0.quantity", "10000"),
    "quantity text": ({"items": [{"variant_sku": ESPRESSO_250, "quantity": "lots"}]}, "items.0.quantity", ""),
    "quantity fractional": ({"items": [{"variant_sku": ESPRESSO_250, "quantity": 1.5}]}, "items.0.quantity", ""),
    "negative price": ({"items": [{"title": "Refund", "unit_price": "-5", "quantity": 1}]}, "items.0.unit_price", "greater than or equal to 0"),
    "absurd price": ({"items": [{"title": "Yacht", "unit_price": "1e12", "quantity": 1}]}, "items.0.unit_price", ""),
    "nan price": ({"items": [{"title": "X", "unit_price": "NaN", "quantity": 1}]}, "items.0.unit_price", ""),
    "custom item without price": ({"items": [{"title": "X", "quantity": 1}]}, "items.0", "unit_price"),
    "invalid email": ({"email": "not-an-email"}, "email", ""),
    "unknown country": ({"shipping_address": addr(country_code="xx")}, "shipping_address.country_code", "ISO 3166-1"),
    "unknown province": ({"shipping_address": addr(province="Atlantis")}, "shipping_address.province", "Atlantis"),
    "province of another country": ({"shipping_address": addr(province="BY")}, "shipping_address.province", ""),
    "bad phone": ({"shipping_address": addr(phone="12345")}, "shipping_address.phone", "12345"),
    "phone letters": ({"shipping_address": addr(phone="call me")}, "shipping_address.phone", ""),
    "street without city": ({"shipping_address": addr(city=None)}, "shipping_address.city", "required"),
    "unknown region": ({"region_id": "reg_NOPE"}, "region_id", "does not exist"),
    "unknown customer": ({"customer_id": "cus_NOPE"}, "customer_id", "does not exist"),
    "unknown shipping option": ({"shipping_methods": [{"shipping_option_id": "so_NOPE"}]},
                                "shipping_methods.0.shipping_option_id", "does not exist"),
    "foreign shipping option": ({"shipping_methods": [{"shipping_option_id": "so_01KERQ69P077JCHCSCVWY516FD"}]},
                                "shipping_methods.0.shipping_option_id", "region"),
    "unknown promo code": ({"promo_codes": ["NOPE"]}, "promo_codes", "NOPE"),
    "promo for another currency": ({"promo_codes": ["EURO5"]}, "promo_codes", "EUR"),
    "currency mismatch": ({"currency_code": "eur"}, "currency_code", "USD"),
    "unknown field": ({"colour": "red"}, "colour", "not a field"),
}


@pytest.mark.parametrize("case", CREATE_CASES, ids=list(CREATE_CASES))
def test_create_draft_refuses_bad_input_and_writes_nothing(app, db_path, case: str) -> None:  # type: ignore[no-untyped-def]
    create_draft(app)  # the database is not empty: counters exist and must not move
    overrides, field, words = CREATE_CASES[case]
    refused(app, db_path, lambda: drafts.create_draft(draft_body(**overrides), app.uow()).value, field, words)


def test_every_bad_field_is_named_at_once(app, db_path) -> None:  # type: ignore[no-untyped-def]
    err = refused(app, db_path, lambda: drafts.create_draft(draft_body(
        email="nope", items=[{"variant_sku": ESPRESSO_250, "quantity": 0}],
        shipping_address=addr(country_code="zz")), app.uow()).value, "email")
    fields = {e.field for e in err.errors}  # type: ignore[attr-defined]
    assert {"email", "items.0.quantity", "shipping_address.country_code"} <= fields


def test_edits_refuse_bad_input_and_leave_the_draft_unchanged(app, db_path) -> None:  # type: ignore[no-untyped-def]
    d = create_draft(app)
    item = d.items[0].id
    cases = [
        (lambda: drafts.add_line_item({"draft_id": d.id, "variant_sku": "NOPE", "quantity": 1}, app.uow()).value, "variant_sku"),
        (lambda: drafts.add_line_item({"draft_id": d.id, "variant_barcode": "123", "quantity": 1}, app.uow()).value, "variant_barcode"),
        (lambda: drafts.add_line_item({"draft_id": d.id, "variant_sku": ESPRESSO_250, "quantity": 0}, app.uow()).value, "quantity"),
        (lambda: drafts.add_line_item({"draft_id": d.id, "variant_sku": ESPRESSO_250, "quantity": 9999}, app.uow()).value, "quantity"),
        (lambda: drafts.update_line_item({"draft_id": d.id, "item_id": item, "quantity": -1}, app.uow()).value, "quantity"),
        (lambda: drafts.update_line_item({"draft_id": d.id, "item_id": item, "quantity": 10001}, app.uow()).value, "quantity"),
        (lambda: drafts.update_line_item({"draft_id": d.id, "item_id": item, "unit_price": "-0.01"}, app.uow()).value, "unit_price"),
        (lambda: drafts.update_line_item({"draft_id": d.id, "item_id": "ordli_NOPE", "quantity": 2}, app.uow()).value, "item_id"),
        (lambda: drafts.update_draft({"draft_id": d.id, "email": "a@@b"}, app.uow()).value, "email"),
        (lambda: drafts.update_draft({"draft_id": d.id, "shipping_address": addr(province="ZZ")}, app.uow()).value, "province"),
        (lambda: drafts.update_draft({"draft_id": d.id, "billing_address": addr(phone="+1 000")}, app.uow()).value, "phone"),
        (lambda: drafts.apply_promo_code({"draft_id": d.id, "code": "EURO5"}, app.uow()).value, "promo_codes"),
        (lambda: drafts.remove_promo_code({"draft_id": d.id, "code": "SAVE5"}, app.uow()).value, "promo_codes"),
        (lambda: drafts.set_shipping_method({"draft_id": d.id, "shipping_option_id": "so_NOPE"}, app.uow()).value, "shipping_option_id"),
    ]
    for fn, field in cases:
        refused(app, db_path, fn, field)
    assert drafts.get_draft(d.id, app.uow()) == d


def test_mark_paid_with_too_little_names_the_missing_amount(app, db_path) -> None:  # type: ignore[no-untyped-def]
    d = create_draft(app)
    refused(app, db_path, lambda: mark_paid(app, d.id, {"kind": "cash", "amount": "58.24"}), "tenders",
            "0.01 USD is still due")
    refused(app, db_path, lambda: mark_paid(app, d.id, {"kind": "card", "amount": "60"}), "tenders", "cash")
    refused(app, db_path, lambda: mark_paid(app, d.id, {"kind": "cash", "amount": "60.001"}), "tenders.0.amount", "decimals")
    refused(app, db_path, lambda: mark_paid(app, d.id, {"kind": "cash", "amount": "0"}), "tenders.0.amount")
    refused(app, db_path, lambda: mark_paid(app, d.id, {"kind": "cheque", "amount": "60"}), "tenders.0.kind")
    assert drafts.get_draft(d.id, app.uow()) == d


def test_mark_paid_twice_and_editing_a_completed_draft_are_refused(app, db_path) -> None:  # type: ignore[no-untyped-def]
    d = create_draft(app)
    o = mark_paid(app, d.id)
    refused(app, db_path, lambda: mark_paid(app, d.id), "", "already paid")
    for fn in (lambda: drafts.add_line_item({"draft_id": d.id, "variant_sku": ESPRESSO_250, "quantity": 1}, app.uow()).value,
               lambda: drafts.update_line_item({"draft_id": d.id, "item_id": d.items[0].id, "quantity": 2}, app.uow()).value,
               lambda: drafts.remove_line_item({"draft_id": d.id, "item_id": d.items[0].id}, app.uow()).value,
               lambda: drafts.update_draft({"draft_id": d.id, "email": "x@example.com"}, app.uow()).value,
               lambda: drafts.apply_promo_code({"draft_id": d.id, "code": "WELCOME10"}, app.uow()).value,
               lambda: drafts.set_shipping_method({"draft_id": d.id}, app.uow()).value,
               lambda: drafts.cancel_draft(d.id, app.uow()).value):
        refused(app, db_path, fn, "", "completed and can no longer be changed")
    refused(app, db_path, lambda: drafts.delete_draft(d.id, app.uow()).value, "id", "was paid")
    assert orders.get_order(o.id, app.uow()) == o


def test_a_canceled_draft_cannot_be_paid(app, db_path) -> None:  # type: ignore[no-untyped-def]
    d = drafts.cancel_draft(create_draft(app).id, app.uow()).value
    refused(app, db_path, lambda: mark_paid(app, d.id), "", "canceled")


# -- the database file ---------------------------------------------------------------------------
def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("shopping list: beans, filters\n" * 50)
    before = file_hash(path)
    with pytest.raises(DatabaseError, match="not an SQLite file"):
        open_database(path)
    assert file_hash(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]


def test_a_truncated_sqlite_file_is_refused(tmp_path: Path, app, db_path) -> None:  # type: ignore[no-untyped-def]
    app.close()
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(db_path.read_bytes()[:100])
    with pytest.raises(DatabaseError):
        open_database(broken)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="folder"):
        open_database(tmp_path)


def _without_privileges() -> list[str] | None:
    """As root, permission bits are bypassed (CAP_DAC_OVERRIDE); setpriv runs the probe as root
    with every capability dropped, so the bits count again. None: no way to test it here."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    return [setpriv, "--bounding-set", "-all", "--inh-caps", "-all", "--ambient-caps", "-all", "--"]


READ_ONLY_PROBE = r"""
import sys
from app.persistence.db import DatabaseError, open_database
try:
    open_database(sys.argv[1])
except DatabaseError as exc:
    print("REFUSED", exc)
    sys.exit(3)
print("OPENED")
"""


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """pytest's tmp_path lives under a 0700 folder; an unprivileged probe needs a reachable one."""
    d = Path(tempfile.mkdtemp(prefix="tilldesk-ro-"))
    os.chmod(d, 0o755)
    try:
        yield d
    finally:
        os.chmod(d, 0o755)
        shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("how", ["file", "folder"])
def test_a_read_only_database_is_refused_and_left_unchanged(app, db_path: Path, shared_dir: Path, how: str) -> None:  # type: ignore[no-untyped-def]
    """Tested for real, also as root (see _without_privileges)."""
    create_draft(app)
    app.close()
    target = shared_dir / "tilldesk.sqlite"
    with sqlite3.connect(db_path) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    wrapper = _without_privileges()
    if wrapper is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    before = file_hash(target)
    # file: the database is read-only in a writable folder; folder: a writable file in a read-only
    # folder, where SQLite cannot create its journal
    os.chmod(target, 0o444 if how == "file" else 0o666)
    os.chmod(shared_dir, 0o755 if how == "file" else 0o555)
    names_before = sorted(p.name for p in shared_dir.iterdir())
    repo = Path(__file__).resolve().parents[2]
    cmd = [*wrapper, sys.executable, "-c", READ_ONLY_PROBE, str(target)]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, cwd=repo, timeout=60,
                             env={**os.environ, "PYTHONPATH": str(repo), "HOME": str(shared_dir)})
    finally:
        os.chmod(shared_dir, 0o755)
        os.chmod(target, 0o644)
    assert res.returncode == 3, res.stdout + res.stderr
    assert "read-only" in res.stdout, res.stdout
    assert file_hash(target) == before
    assert sorted(p.name for p in shared_dir.iterdir()) == names_before
    with sqlite3.connect(target) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
