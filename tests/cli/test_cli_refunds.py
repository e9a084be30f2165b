"""`order refund`, `order cancel --tender`, `credit-note` and the refunds in `order show`, end to
end as a script would use them; credit notes and the CANCELLED invoice read back from the PDFs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.cli.test_cli import bad, ok, run
from tests.conftest import db_fingerprint, draft_body

YEAR = datetime.now(UTC).year


def paid_order(db: Path, tmp: Path) -> dict[str, Any]:
    body = tmp / "draft.json"
    body.write_text(json.dumps(draft_body()))
    draft = ok(run(db, "draft", "create", str(body)))["draft_order"]
    return ok(run(db, "draft", "mark-paid", draft["id"], "--tender", "card=58.25:AUTH-9"))["order"]  # type: ignore[no-any-return]


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    db = tmp_path / "shop.sqlite"
    ok(run(db, "catalog", "regions", demo=True))
    return db


def text(pdf: Path) -> str:
    return " ".join(p.extract_text() for p in PdfReader(pdf).pages)


def test_refund_a_unit_print_its_credit_note_then_cancel(shop: Path, tmp_path: Path) -> None:
    order = paid_order(shop, tmp_path)
    esp = order["items"][0]["id"]
    got = ok(run(shop, "order", "refund", f"#{order['display_id']}", "--item", f"{esp}:1",
                 "--tender", "card=16.33:RF-1", "--restock", "--reason", "dented bag"))
    assert got["credit_note_number"] == f"TD-T1-CN-{YEAR}-000001"
    assert got["refund"]["amount"] == Decimal("16.33") and got["refund"]["note"] == "dented bag"
    assert got["refund"]["items"] == [{"item_id": esp, "quantity": 1, "amount": Decimal("16.33")}]
    assert got["order"]["payment_status"] == "partially_refunded"

    shown = ok(run(shop, "order", "show", order["id"]))["order"]
    assert shown["summary"]["refunded_total"] == Decimal("16.33")
    assert [r["credit_note_number"] for r in shown["refunds"]] == [f"TD-T1-CN-{YEAR}-000001"]
    assert shown["returns"][0]["items"] == [{"item_id": esp, "quantity": 1, "received_quantity": 1}]
    assert shown["returns"][0]["restock"] is True

    a4, roll = tmp_path / "cn.pdf", tmp_path / "cn-roll.pdf"
    made = ok(run(shop, "credit-note", got["credit_note_number"], "--out", str(a4)))["credit_note"]
    assert made["copy_number"] == 0 and Path(made["archive_path"]).exists()
    page = text(a4)
    for expected in ("CREDIT NOTE", f"TD-T1-CN-{YEAR}-000001", f"for invoice {order['invoice_number']}",
                     "Bedford House Espresso", "$16.33", "Card (RF-1)", "dented bag", "back in stock"):
        assert expected in page, expected
    assert "COPY" not in page
    again = ok(run(shop, "credit-note", got["credit_note_number"], "--out", str(roll), "--format", "receipt"))
    assert again["credit_note"]["copy_number"] == 0  # the first receipt print is an original too
    ok(run(shop, "credit-note", got["credit_note_number"], "--out", str(roll), "--format", "receipt", "--force"))
    assert "COPY 1" in text(roll)
    w, _h = PdfReader(roll).pages[0].mediabox.upper_right
    assert round(float(w)) == 227  # 80 mm

    cancelled = ok(run(shop, "order", "cancel", order["id"], "--tender", "card:VOID-7"))
    assert cancelled["order"]["status"] == "canceled" and cancelled["order"]["payment_status"] == "refunded"
    assert cancelled["credit_note_number"] == f"TD-T1-CN-{YEAR}-000002"
    assert cancelled["refund"]["amount"] == Decimal("41.92")
    assert cancelled["order"]["summary"]["refunded_total"] == Decimal("58.25")
    inv = tmp_path / "inv.pdf"
    ok(run(shop, "invoice", order["id"], "--out", str(inv)))
    assert "CANCELLED" in text(inv)


@pytest.mark.parametrize("args, needle", [
    (["--item", "1:4", "--tender", "cash=10"], "items.0.quantity"),
    (["--amount", "99", "--tender", "cash=99"], "amount"),
    (["--item", "1:1", "--tender", "cash=16.00"], "tenders"),
    (["--item", "x", "--tender", "cash=1"], "--item"),
    (["--item", "9:1", "--tender", "cash=1"], "lines 1 to 2"),
    (["--item", "1:1", "--tender", "cash=abc"], "--tender"),
])
def test_bad_refunds_exit_2_with_one_line_and_write_nothing(shop: Path, tmp_path: Path, args: list[str],
                                                            needle: str) -> None:
    order = paid_order(shop, tmp_path)
    before = db_fingerprint(shop)
    line = bad(run(shop, "order", "refund", order["id"], *args))
    assert needle in line
    assert db_fingerprint(shop) == before


def test_unknown_credit_note_is_bad_input(shop: Path, tmp_path: Path) -> None:
    line = bad(run(shop, "credit-note", "TD-CN-1999-000001", "--out", str(tmp_path / "x.pdf")))
    assert "TD-CN-1999-000001" in line and not (tmp_path / "x.pdf").exists()
