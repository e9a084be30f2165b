"""`order exchange` and Mark Paid of the exchange draft, end to end as a script would use them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.cli.test_cli import bad, ok, run
from tests.cli.test_cli_refunds import paid_order, shop  # noqa: F401  (the fixture)
from tests.conftest import db_fingerprint


def test_exchange_prints_the_new_draft_and_its_credit_then_mark_paid_takes_the_rest(shop: Path,  # noqa: F811
                                                                                     tmp_path: Path) -> None:
    order = paid_order(shop, tmp_path)
    got = ok(run(shop, "order", "exchange", f"#{order['display_id']}", "--item", "1:1", "--restock"))
    assert got["credit"] == Decimal("16.33") and got["currency_code"] == "usd"
    assert got["credit_note_number"].startswith("TD-T1-CN-") and got["order"]["payment_status"] == "partially_refunded"
    draft = ok(run(shop, "draft", "show", got["draft_id"]))["draft_order"]
    assert draft["exchange_credit"] == Decimal("16.33") and draft["email"] == order["email"]
    ok(run(shop, "draft", "add-item", got["draft_id"], "--title", "Mug", "--unit-price", "30", "--quantity", "1"))
    # Without a tender the credit cannot pay 32.66: the rest is still due, nothing written.
    before = db_fingerprint(shop)
    assert "still due" in bad(run(shop, "draft", "mark-paid", got["draft_id"]))
    assert db_fingerprint(shop) == before
    paid = ok(run(shop, "draft", "mark-paid", got["draft_id"], "--tender", "cash=20"))["order"]
    assert [(p["tender"], p["amount"]) for p in paid["payments"]] == [("exchange_credit", Decimal("16.33")),
                                                                    ("cash", Decimal("16.33"))]


def test_exchange_refuses_bad_input_in_one_line_and_writes_nothing(shop: Path, tmp_path: Path) -> None:  # noqa: F811
    order = paid_order(shop, tmp_path)
    before = db_fingerprint(shop)
    assert "items.0.quantity" in bad(run(shop, "order", "exchange", order["id"], "--item", "1:4"))
    assert "LINE_ID:QTY" in bad(run(shop, "order", "exchange", order["id"], "--item", "1"))
    assert "no open exchange credit" in bad(run(shop, "order", "exchange", order["id"]))
    assert db_fingerprint(shop) == before
    assert "required: --tender" in bad(run(shop, "draft", "mark-paid", order["draft_order_id"]))
