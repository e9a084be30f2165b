"""Shifts and their X and Z reports, on a real SQLite file and on the in-memory unit of work.
The expected figures are worked out by hand below, from the demo shop's prices and tax rates."""

from __future__ import annotations

import sqlite3
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from app.domain.errors import DomainError
from app.services import orders, refunds, shifts
from tests.conftest import ESPRESSO_250, USD_PICKUP, create_draft, db_fingerprint

CA_ADDRESS = {"first_name": "Cy", "last_name": "Ray", "address_1": "2 Elm St", "city": "Los Angeles",
              "country_code": "us", "province": "CA", "postal_code": "90001"}
ONE_ESPRESSO = {"items": [{"variant_sku": ESPRESSO_250, "quantity": 1}],
                "shipping_methods": [{"shipping_option_id": USD_PICKUP}]}


def pay(shop: Any, staff: str | None, *tenders: dict[str, str], **draft: Any) -> Any:
    d = create_draft(shop, **draft)
    return orders.mark_paid({"draft_id": d.id, "tenders": list(tenders), "staff_id": staff}, shop.uow()).value


def cash(amount: str) -> dict[str, str]:
    return {"kind": "cash", "amount": amount}


def card(amount: str) -> dict[str, str]:
    return {"kind": "card", "amount": amount, "reference": "slip"}


def refund(shop: Any, order: Any, staff: str, amount: str, *tenders: dict[str, str]) -> Any:
    return refunds.refund_order({"order_id": order.id, "amount": amount, "tenders": list(tenders), "staff_id": staff},
                                shop.uow()).value


def test_z_report_matches_the_figures_worked_out_by_hand(shop: Any) -> None:
    # A sale before any shift is open belongs to no shift and is not counted; nor is a refund of
    # it given before the shift opened.
    s0 = pay(shop, "stf_ann", cash("100"))
    refund(shop, s0, "stf_ann", "1.00", cash("1.00"))
    shifts.open_shift({"floats": {"cash": "150.00"}, "staff_id": "stf_ann"}, shop.uow())
    # S1, NY: 3 x 15.00 + 2.50 wrap + 6.00 delivery = 53.50, tax 8.875 % = 4.748125, due 58.25.
    # Paid with 100.00 cash: 58.25 stays in the drawer, 41.75 goes back as change.
    s1 = pay(shop, "stf_ann", cash("100"))
    # S2, CA, pick-up: 15.00, tax 7.25 % = 1.0875, due 16.09, all on card.
    pay(shop, "stf_bob", card("16.09"), shipping_address=CA_ADDRESS, **ONE_ESPRESSO)
    # S3, NY like S1 (58.25): 20.00 on card, 40.00 cash handed over, 38.25 kept, 1.75 change.
    pay(shop, "stf_bob", card("20.00"), cash("40.00"))
    # S4, NY pick-up: 15.00 + 1.33125 tax, due 16.33 in cash, then cancelled: it leaves the
    # sales figures, and its 16.33 goes back out of the drawer (the cancel refunds it in cash).
    s4 = pay(shop, "stf_ann", cash("16.33"), **ONE_ESPRESSO)
    refunds.cancel_order({"order_id": s4.id, "staff_id": "stf_ann"}, shop.uow())
    # A goodwill 5.00 back in cash on S1, and 10.00 on card on S0, sold before the shift: a refund
    # belongs to the shift it is given in, whenever the order was sold.
    refund(shop, s1, "stf_bob", "5.00", cash("5.00"))
    refund(shop, s0, "stf_ann", "10.00", card("10.00"))
    shifts.cash_in({"amount": "20.00", "reason": "change from the bank", "staff_id": "stf_ann"}, shop.uow())
    shifts.cash_out({"amount": "12.50", "reason": "window cleaner", "staff_id": "stf_bob"}, shop.uow())

    x = shifts.x_report(shop.uow())
    assert x.kind == "X" and x.z_number is None and all(t.counted is None for t in x.tenders)

    z = shifts.close_shift({"counted": {"cash": "248.00", "card": "26.09"}, "staff_id": "stf_bob"},
                           shop.uow()).value
    t = {line.tender: line for line in z.tenders}
    # cash: 150.00 float + 58.25 + 38.25 + 16.33 taken - 16.33 - 5.00 refunded + 20.00 in - 12.50 out = 249.00
    assert t["cash"].expected == D("249.00") and t["cash"].sales == D("112.83") and t["cash"].refunds == D("21.33")
    assert (t["cash"].cash_in, t["cash"].cash_out, t["cash"].opening_float) == (D("20.00"), D("12.50"), D("150.00"))
    assert t["cash"].counted == D("248.00") and t["cash"].difference == D("-1.00")  # short
    # card: 16.09 + 20.00 taken - 10.00 refunded = 26.09, counted exactly
    assert t["card"].expected == D("26.09") and t["card"].refunds == D("10.00") and t["card"].difference == 0
    assert z.difference_total == D("-1.00")
    # three live sales: 58.25 + 16.09 + 58.25
    assert z.sales_count == 3 and z.gross == D("132.59")
    # tax per rate, summed exactly then rounded once: NY 2 x 4.748125 = 9.49625 -> 9.50, CA 1.0875 -> 1.09
    assert [(x.rate, x.amount) for x in z.taxes] == [(D("7.25"), D("1.09")), (D("8.875"), D("9.50"))]
    assert z.tax_total == D("10.59") and z.net == D("122.00") == 2 * D("53.50") + D("15.00")
    assert z.net + z.tax_total == z.gross
    assert (z.cancelled_count, z.cancelled_total) == (1, D("16.33"))
    # the cancel's 16.33, the goodwill 5.00 and the card 10.00; not the 1.00 before the shift
    assert (z.refunds_count, z.refunds_total, z.discounts) == (3, D("31.33"), 0)
    assert (z.cash_in_total, z.cash_out_total) == (D("20.00"), D("12.50"))
    assert [(s.staff_id, s.sales, s.gross, s.refunds) for s in z.staff] == [
        ("stf_ann", 1, D("58.25"), D("26.33")), ("stf_bob", 2, D("74.34"), D("5.00"))]
    assert z.first_invoice == s1.invoice_number and z.last_invoice == s4.invoice_number
    assert s1.invoice_number.endswith("000002") and z.z_number == 1

    # The report is frozen with the shift; a reprint reads exactly the same figures.
    assert shifts.z_report(1, shop.uow()) == z
    assert shifts.current_shift(shop.uow()) is None
    listed = shifts.list_shifts(shop.uow())
    assert [(s.z_number, s.counted) for s in listed] == [(1, {"cash": D("248.00"), "card": D("26.09")})]


def test_z_numbers_are_gapless_and_a_refused_close_uses_none(shop: Any) -> None:
    for expected in (1, 2, 3):
        shifts.open_shift({"floats": {"cash": "50"}}, shop.uow())
        for bad in ({"cash": "abc"}, {"card": "10"}, {"cash": "-1"}, {"cash": "1.234"}, {"coins": "1"}):
            with pytest.raises(DomainError):
                shifts.close_shift({"counted": bad}, shop.uow())
        assert shifts.close_shift({"counted": {"cash": "50"}}, shop.uow()).value.z_number == expected
    assert [s.z_number for s in shifts.list_shifts(shop.uow())] == [3, 2, 1]


def test_one_open_shift_and_cash_moves_need_one(shop: Any) -> None:
    with pytest.raises(DomainError, match="shift: no shift is open"):
        shifts.cash_in({"amount": "5", "reason": "x"}, shop.uow())
    with pytest.raises(DomainError, match="shift: no shift is open"):
        shifts.x_report(shop.uow())
    shifts.open_shift({"floats": {"cash": "10.00"}}, shop.uow())
    with pytest.raises(DomainError, match="shift: a shift is already open"):
        shifts.open_shift({"floats": {"cash": "10.00"}}, shop.uow())
    with pytest.raises(DomainError, match="amount: is more than the 10.00 cash"):
        shifts.cash_out({"amount": "10.01", "reason": "too much"}, shop.uow())
    with pytest.raises(DomainError, match="reason: is required"):
        shifts.cash_in({"amount": "5", "reason": "   "}, shop.uow())
    assert shifts.cash_out({"amount": "10.00", "reason": "all of it"}, shop.uow()).value.amount == D("10.00")


def test_mark_paid_needs_an_open_shift_only_when_the_till_says_so(app: Any, db_path: Path) -> None:
    paid = pay(app, None, cash("60"))  # default off: works as before, no shift
    assert paid.invoice_number
    from app.services.settings import load_settings, save_settings

    assert load_settings(app.uow()).require_shift is False
    save_settings({shifts.REQUIRE_SHIFT_KEY: True}, app.uow())
    d = create_draft(app)
    before = db_fingerprint(db_path)
    with pytest.raises(DomainError, match="shift: no shift is open"):
        orders.mark_paid({"draft_id": d.id, "tenders": [cash("60")]}, app.uow())
    assert db_fingerprint(db_path) == before
    sh = shifts.open_shift({"floats": {"cash": "0"}}, app.uow()).value.shift
    order = orders.mark_paid({"draft_id": d.id, "tenders": [cash("60")], "staff_id": "stf_cy"}, app.uow()).value
    con = sqlite3.connect(db_path)
    try:
        rows = con.execute("SELECT shift_id, staff_id FROM payments WHERE order_id = ?", (order.id,)).fetchall()
        earlier = con.execute("SELECT shift_id FROM payments WHERE order_id = ?", (paid.id,)).fetchall()
    finally:
        con.close()
    assert rows == [(sh.id, "stf_cy")] and earlier == [(None,)]


@pytest.mark.parametrize("body, field", [
    ({"floats": {"cash": "abc"}}, "float.cash"),
    ({"floats": {"cash": "-5"}}, "float.cash"),
    ({"floats": {"cash": "1.005"}}, "float.cash"),
    ({"floats": {"cash": 1.5}}, "float.cash"),
    ({"floats": {"bitcoin": "1"}}, "float.bitcoin"),
    ({"floats": {"cash": "1"}, "currency_code": "us"}, "currency_code"),
])
def test_bad_floats_are_refused_naming_the_field_and_write_nothing(app: Any, db_path: Path, body: dict[str, Any],
                                                                   field: str) -> None:
    before = db_fingerprint(db_path)
    with pytest.raises(DomainError) as exc:
        shifts.open_shift(body, app.uow())
    assert str(exc.value).startswith(field), str(exc.value)
    assert "\n" not in str(exc.value)
    assert db_fingerprint(db_path) == before


def test_the_database_itself_refuses_a_second_open_shift(app: Any, db_path: Path) -> None:
    sh = shifts.open_shift({"floats": {"cash": "5"}}, app.uow()).value.shift
    con = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            con.execute("INSERT INTO shifts (id, till_id, currency_code, opening_float, opened_at) "
                        "VALUES ('shift_2', ?, 'usd', '{}', '2026-01-01T00:00:00+00:00')", (sh.till_id,))
        # ...while a closed one beside it is fine (the index covers open shifts only)
        con.execute("INSERT INTO shifts (id, till_id, currency_code, opening_float, opened_at, closed_at, z_number) "
                    "VALUES ('shift_3', ?, 'usd', '{}', '2026-01-01T00:00:00+00:00', "
                    "'2026-01-01T01:00:00+00:00', 99)", (sh.till_id,))
        con.rollback()
    finally:
        con.close()


def test_sales_in_another_currency_are_named_not_added(shop: Any) -> None:
    from tests.conftest import EUR_COURIER, EUR_REGION

    shifts.open_shift({"floats": {"cash": "100"}, "currency_code": "usd"}, shop.uow())
    de = {"first_name": "Jo", "last_name": "K", "address_1": "Str 1", "city": "Berlin", "country_code": "de",
          "postal_code": "10115"}
    eur = create_draft(shop, region_id=EUR_REGION, shipping_address=de,
                       shipping_methods=[{"shipping_option_id": EUR_COURIER}])
    orders.mark_paid({"draft_id": eur.id, "tenders": [{"kind": "cash", "amount": "200"}]}, shop.uow())
    x = shifts.x_report(shop.uow())
    assert x.other_currencies == (("eur", 1),) and x.sales_count == 0 and x.expected_total == D("100")
