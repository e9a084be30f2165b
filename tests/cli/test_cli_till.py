"""`tilldesk till show|set` and `--till CODE` with --create/--demo: the code reaches the invoice
numbers, bad codes are one line naming the field with nothing written, and a code that numbered an
invoice cannot change."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from tests.cli.inproc import call
from tests.conftest import db_fingerprint, draft_body

YEAR = datetime.now(UTC).year


def _json(out: str) -> dict:  # type: ignore[type-arg]
    return json.loads(out)


def _sell(db: Path) -> str:
    made = call("--db", str(db), "draft", "create", stdin=json.dumps(draft_body()))
    assert made.code == 0, made.err
    paid = call("--db", str(db), "draft", "mark-paid", "#1", "--tender", "cash=500")
    assert paid.code == 0, paid.err
    return str(_json(paid.out)["order"]["invoice_number"])


def test_create_with_till_numbers_invoices_with_it(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    shown = call("--db", str(db), "--demo", "--till", "a1", "till", "show")
    assert shown.code == 0, shown.err
    assert _json(shown.out)["till_code"] == "A1"
    assert _sell(db) == f"TD-A1-{YEAR}-000001"
    invoice = call("--db", str(db), "order", "show", f"TD-A1-{YEAR}-000001")
    assert invoice.code == 0 and _json(invoice.out)["order"]["invoice_number"] == f"TD-A1-{YEAR}-000001"


def test_a_new_file_gets_the_default_code(tmp_path: Path) -> None:
    db = tmp_path / "b.sqlite"
    assert _json(call("--db", str(db), "--demo", "till", "show").out)["till_code"] == "T1"


def test_bad_codes_are_one_line_and_write_nothing(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    assert call("--db", str(db), "--demo", "--till", "A1", "till", "show").code == 0
    before = db_fingerprint(db)
    for argv in (("till", "set", "--code", "A-1"), ("till", "set", "--code", "CN"),
                 ("till", "set", "--code", "TOOLONG7"), ("till", "set", "--code", "B2", "--name", " ")):
        res = call("--db", str(db), *argv)
        assert res.code == 2 and len(res.lines) == 1, (argv, res.err)
        assert "till_code" in res.err or "till_name" in res.err
    res = call("--db", str(db), "--till", "B2", "till", "show")  # --till without --create
    assert res.code == 2 and "--till" in res.err and len(res.lines) == 1
    assert db_fingerprint(db) == before


def test_set_changes_the_code_until_it_numbered_an_invoice(tmp_path: Path) -> None:
    db = tmp_path / "d.sqlite"
    assert call("--db", str(db), "--demo", "till", "show").code == 0
    changed = call("--db", str(db), "till", "set", "--code", "B2", "--name", "Back room")
    assert changed.code == 0, changed.err
    assert (_json(changed.out)["till_code"], _json(changed.out)["till_name"]) == ("B2", "Back room")
    assert _sell(db) == f"TD-B2-{YEAR}-000001"
    before = db_fingerprint(db)
    refused = call("--db", str(db), "till", "set", "--code", "C3")
    assert refused.code == 2 and "B2" in refused.err and "till_code" in refused.err and len(refused.lines) == 1
    assert db_fingerprint(db) == before
