"""Every bad input the issue lists, on the real entry point against a real SQLite file: exit 2,
one line on stderr naming the field, a short excerpt of what was given, the database unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.inproc import call, refused
from tests.conftest import ESPRESSO_250, USD_REGION, db_fingerprint, draft_body

BIG = "9" * 23
LONG = "x" * 1_000_000


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("edges") / "shop.sqlite"
    assert call("--db", str(db), "--demo", "catalog", "regions").code == 0
    for _ in range(2):
        res = call("--db", str(db), "draft", "create", stdin=json.dumps(draft_body()))
        assert res.code == 0, res
    return db


def v1(**over: Any) -> str:
    body: dict[str, Any] = {"region_id": USD_REGION, "email": "a@example.com",
                            "items": [{"title": "x", "unit_price": 100, "quantity": 1}]}
    body.update(over)
    return json.dumps(body)


CASES: list[tuple[tuple[str, ...], str | None, str]] = [
    # ids
    (("draft", "show", "#"), None, "id: '#' is not a display id"),
    (("draft", "show", "#-1"), None, "id: '#-1' is not a display id"),
    (("draft", "show", "²"), None, "id: "),
    (("draft", "show", "#²"), None, "is not a display id"),
    (("draft", "show", "#١"), None, "is not a display id"),
    (("draft", "show", "#１"), None, "is not a display id"),
    (("draft", "show", "#1_0"), None, "is not a display id"),
    (("draft", "show", BIG), None, "too large for a display id"),
    (("draft", "show", "#" + BIG), None, "too large for a display id"),
    (("order", "show", BIG), None, "too large for a display id"),
    (("draft", "show", ""), None, "id: is empty"),
    (("draft", "show", "x" * 5000), None, "too long for an id"),
    # --limit / --offset
    (("draft", "list", "--limit", str(10**30)), None, "argument --limit"),
    (("draft", "list", "--offset", str(10**30)), None, "argument --offset"),
    (("order", "list", "--offset", str(10**30)), None, "argument --offset"),
    (("order", "list", "--limit", "0"), None, "not between 1 and 1000"),
    (("catalog", "variants", "--limit", "1_0"), None, "use ASCII digits"),
    (("draft", "list", "--limit", "１０"), None, "use ASCII digits"),
    (("draft", "list", "--offset", "-1"), None, "argument --offset"),
    # dates
    (("draft", "list", "--from", "garbage"), None, "created_from: 'garbage' is not a date"),
    (("order", "list", "--to", "2024-13-45"), None, "created_to"),
    (("order", "list", "--from", "２０２４-01-01"), None, "created_from"),
    # JSON bodies
    (("draft", "create"), "[" * 100_000, "nested deeper"),
    (("draft", "create"), '{"a": ' * 50 + "1" + "}" * 50, "nested deeper"),
    (("draft", "update", "#1"), '{"metadata": {"a": "\\ud800"}}', "lone surrogate"),
    (("draft", "update", "#1"), '{"metadata": {"\\udfff": 1}}', "lone surrogate"),
    (("draft", "update", "#1"), '{"metadata": {"g": 1e400}}', "out of range"),
    (("draft", "update", "#1"), '{"metadata": {"g": 1e-400}}', "out of range"),
    (("draft", "create", "--medusa-v1"), v1(region_id=["x"]), "region_id: must be a text id"),
    (("draft", "create", "--medusa-v1"), v1(region_id=LONG[:10_000]), "region_id: region 'xxx"),
    (("draft", "create", "--medusa-v1"), v1(items=5), "items: must be a list"),
    (("draft", "create", "--medusa-v1"), v1(shipping_methods=["x"]), "shipping_methods.0: must be an object"),
    (("draft", "create", "--medusa-v1"), v1(shipping_methods=5), "shipping_methods: must be a list"),
    (("draft", "create", "--medusa-v1"), v1(shipping_address="x"), "shipping_address: must be an object"),
    (("draft", "create", "--medusa-v1"), v1(items=[5]), "items.0: must be an object"),
    (("draft", "create"), json.dumps(draft_body(region_id=LONG)), "region_id"),
    # quantities and money: ASCII digits only, no booleans
    (("draft", "create"), json.dumps(draft_body(items=[{"variant_sku": ESPRESSO_250, "quantity": True}])),
     "items.0.quantity: must be a whole number, not true or false"),
    (("draft", "create"), json.dumps(draft_body(items=[{"variant_sku": ESPRESSO_250, "quantity": "1_000"}])),
     "items.0.quantity"),
    (("draft", "create"), json.dumps(draft_body(items=[{"variant_sku": ESPRESSO_250, "quantity": "١٢"}])),
     "items.0.quantity"),
    (("draft", "create"), json.dumps(draft_body(items=[{"title": "x", "unit_price": "１２", "quantity": 1}])),
     "items.0.unit_price"),
    (("draft", "create"), json.dumps(draft_body(items=[{"title": "x", "unit_price": "12\u00a0", "quantity": 1}])),
     "items.0.unit_price"),
    (("draft", "create"), json.dumps(draft_body(items=[{"title": "x", "unit_price": True, "quantity": 1}])),
     "items.0.unit_price"),
    (("draft", "add-item", "#1", "--sku", ESPRESSO_250, "--quantity", "١٢"), None, "argument --quantity"),
    (("draft", "add-item", "#1", "--sku", ESPRESSO_250, "--quantity", "1_000"), None, "argument --quantity"),
    (("draft", "add-item", "#1", "--sku", ESPRESSO_250, "--quantity", BIG), None, "argument --quantity"),
    (("draft", "add-item", "#1", "--title", "x", "--unit-price", "1_000"), None, "argument --unit-price"),
    (("draft", "add-item", "#1", "--title", "x", "--unit-price", "٣"), None, "argument --unit-price"),
    (("draft", "add-item", "#1", "--title", "x", "--unit-price", "Infinity"), None, "argument --unit-price"),
    (("draft", "mark-paid", "#1", "--tender", "cash=1_000"), None, "--tender: '1_000' is not an amount"),
    (("draft", "mark-paid", "#1", "--tender", "cash=１００"), None, "--tender"),
    (("draft", "mark-paid", "#1", "--tender", "cash=1e3"), None, "--tender"),
    (("draft", "mark-paid", "#1", "--tender", "cash=100\u00a0"), None, "--tender"),
    (("draft", "mark-paid", "#1"), None, "required: --tender"),
    # shipping
    (("draft", "set-shipping", "#1", ""), None, "option_id: is empty"),
    (("draft", "set-shipping", "#1", "  "), None, "option_id: is empty"),
    # usage errors: one line naming the problem and pointing at --help
    (("draft",), None, "--help"),
    (("draft", "list", "--bogus"), None, "unrecognized arguments: --bogus (see `tilldesk --help`)"),
    (("nonsense",), None, "invalid choice: 'nonsense'"),
    (("draft", "add-item", "#1", "--quantity", "1"), None, "one of the arguments"),
    (("invoice", "#1"), None, "required: --out"),
    (("draft", "show", "\udcff"), None, "argument 5 is not valid UTF-8 text"),
]


@pytest.mark.parametrize(("args", "stdin", "words"), CASES, ids=[f"{i}-{c[0][:3]}" for i, c in enumerate(CASES)])
def test_bad_input_is_exit_2_one_short_line_and_changes_nothing(shop: Path, args: tuple[str, ...],
                                                                 stdin: str | None, words: str) -> None:
    before = db_fingerprint(shop)
    line = refused(call("--db", str(shop), *args, stdin=stdin))
    assert words in line, line
    assert "Error:" not in line and "Exception" not in line and "[SQL" not in line
    assert db_fingerprint(shop) == before


def test_a_long_value_is_quoted_as_a_short_excerpt(shop: Path) -> None:
    line = refused(call("--db", str(shop), "draft", "create", "--medusa-v1", stdin=v1(region_id=LONG)))
    assert len(line) < 200 and "…" in line


@pytest.mark.parametrize("where", ["before", "after"])
def test_global_options_work_before_and_after_the_subcommand(shop: Path, where: str) -> None:
    opts = ("--db", str(shop), "-v")
    args = (*opts, "draft", "list", "--limit", "1") if where == "before" else ("draft", "list", "--limit", "1", *opts)
    res = call(*args)
    assert res.code == 0, res
    assert json.loads(res.out)["limit"] == 1


def test_a_far_future_end_date_and_an_ancient_start_are_no_bounds(shop: Path) -> None:
    res = call("--db", str(shop), "draft", "list", "--from", "0001-01-01", "--to", "9999-12-31")
    assert res.code == 0, res
    assert json.loads(res.out)["count"] >= 2


def test_ascii_display_ids_and_amounts_still_work(shop: Path) -> None:
    res = call("--db", str(shop), "draft", "add-item", " #1 ", "--title", "Gift", "--unit-price", "2.50",
               "--quantity", "2")
    assert res.code == 0, res
    items = json.loads(res.out)["draft_order"]["items"]
    assert any(i["title"] == "Gift" and i["quantity"] == 2 for i in items)
