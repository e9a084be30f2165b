"""Domain rules: drafts, the order lifecycle, tenders at Mark Paid, tax resolution, invoice numbers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from itertools import count

import pytest

from app.domain.address import Address
from app.domain.catalog import Region, TaxRate
from app.domain.draft_order import MAX_QUANTITY, DraftOrder, DraftStatus, LineItem, ShippingMethod
from app.domain.errors import AlreadyPaid, DraftNotOpen, InsufficientPayment, InvalidTransition, InvalidValue, NotFound
from app.domain.invoice_numbers import format_invoice_number, validate_prefix
from app.domain.order import FulfillmentStatus, Order, OrderStatus, PaymentStatus, TenderKind
from app.domain.payments import Tender, settle
from app.domain.tax import tax_lines_for

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
_seq = count(1)


def item(variant: str | None = "variant_A", qty: int = 1, price: str = "10", **kw) -> LineItem:  # type: ignore[no-untyped-def]
    return LineItem(id=f"ordli_{next(_seq)}", title="Espresso", quantity=qty, unit_price=Decimal(price),
                    variant_id=variant, **kw)


def draft(**kw) -> DraftOrder:  # type: ignore[no-untyped-def]
    return DraftOrder(id="order_D", display_id=7, region_id="reg_1", currency_code="usd", **kw)


# -- drafts ------------------------------------------------------------------------------------
def test_same_variant_at_the_same_price_merges_into_one_line() -> None:
    d = draft()
    first = d.add_item(item(qty=2))
    merged = d.add_item(item(qty=3))
    assert merged is first and len(d.items) == 1 and d.items[0].quantity == 5


def test_different_variant_price_custom_item_or_metadata_make_new_lines() -> None:
    d = draft()
    d.add_item(item("variant_A"))
    d.add_item(item("variant_B"))
    d.add_item(item("variant_A", price="9"))
    d.add_item(item(None))
    d.add_item(item(None))  # custom items never merge
    d.add_item(item("variant_A", is_custom_price=True))
    d.add_item(item("variant_A", metadata={"engraving": "Ann"}))
    assert len(d.items) == 7


def test_merging_cannot_push_a_line_over_the_maximum_quantity() -> None:
    d = draft()
    d.add_item(item(qty=MAX_QUANTITY))
    with pytest.raises(InvalidValue) as exc:
        d.add_item(item(qty=1))
    assert exc.value.field == "quantity"
    assert d.items[0].quantity == MAX_QUANTITY


@pytest.mark.parametrize("qty", [0, -1, MAX_QUANTITY + 1, True, False, 1.0, "2", None])
def test_bad_quantities_are_refused_on_new_lines(qty: object) -> None:
    with pytest.raises(InvalidValue) as exc:
        item(qty=qty)  # type: ignore[arg-type]
    assert exc.value.field == "quantity"


@pytest.mark.parametrize("qty", [0, -3, 10_001, True])
def test_bad_quantities_are_refused_on_update_and_leave_the_line(qty: object) -> None:
    d = draft()
    it = d.add_item(item(qty=2))
    with pytest.raises(InvalidValue):
        d.update_item(it.id, quantity=qty)  # type: ignore[arg-type]
    assert it.quantity == 2


def test_negative_or_non_decimal_prices_are_refused() -> None:
    with pytest.raises(InvalidValue) as exc:
        item(price="-0.01")
    assert exc.value.field == "unit_price"
    d = draft()
    it = d.add_item(item(price="5"))
    with pytest.raises(InvalidValue):
        d.update_item(it.id, unit_price=Decimal("-1"))
    with pytest.raises(InvalidValue):
        d.update_item(it.id, unit_price=1.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidValue):
        d.update_item(it.id, unit_price=Decimal("NaN"))
    assert it.unit_price == Decimal(5) and not it.is_custom_price
    with pytest.raises(InvalidValue):
        ShippingMethod(id="sm", name="Courier", amount=Decimal("-5"), shipping_option_id=None)


def test_a_price_override_marks_the_line_custom() -> None:
    d = draft()
    it = d.add_item(item(price="5"))
    d.update_item(it.id, unit_price=Decimal("4.5"), quantity=3)
    assert (it.unit_price, it.quantity, it.is_custom_price) == (Decimal("4.5"), 3, True)


def test_a_line_needs_a_title() -> None:
    with pytest.raises(InvalidValue):
        LineItem(id="x", title="  ", quantity=1, unit_price=Decimal(1))


def test_unknown_line_and_promo_code_are_not_found() -> None:
    d = draft()
    with pytest.raises(NotFound):
        d.remove_item("ordli_nope")
    with pytest.raises(NotFound):
        d.remove_promo_code("NOPE")


def test_promo_codes_are_case_insensitive_and_not_doubled() -> None:
    d = draft()
    d.apply_promo_code("welcome10")
    d.apply_promo_code(" WELCOME10 ")
    assert d.promo_codes == ["welcome10"]
    d.remove_promo_code("Welcome10")
    assert d.promo_codes == []


def _every_edit(d: DraftOrder, it: LineItem) -> list:  # type: ignore[type-arg]
    return [
        lambda: d.add_item(item()),
        lambda: d.update_item(it.id, quantity=2),
        lambda: d.remove_item(it.id),
        lambda: d.set_shipping_method(None),
        lambda: d.apply_promo_code("X"),
        lambda: d.remove_promo_code("X"),
        lambda: d.cancel(NOW),
    ]


def test_a_completed_draft_refuses_every_edit_and_a_second_payment() -> None:
    d = draft()
    it = d.add_item(item())
    d.complete("order_1", NOW)
    assert d.status is DraftStatus.COMPLETED and d.order_id == "order_1" and d.completed_at == NOW
    before = d.copy()
    for edit in _every_edit(d, it):
        with pytest.raises(DraftNotOpen):
            edit()
    with pytest.raises(AlreadyPaid):
        d.complete("order_2", NOW)
    assert d == before


def test_a_canceled_draft_refuses_every_edit_and_payment() -> None:
    d = draft()
    it = d.add_item(item())
    d.cancel(NOW)
    assert not d.is_editable
    for edit in _every_edit(d, it):
        with pytest.raises(DraftNotOpen):
            edit()
    with pytest.raises(DraftNotOpen):
        d.complete("order_1", NOW)
    assert d.order_id is None


def test_an_empty_draft_cannot_be_paid() -> None:
    with pytest.raises(InvalidValue) as exc:
        draft().complete("order_1", NOW)
    assert exc.value.field == "items"


def test_copy_is_deep_enough_that_edits_do_not_leak() -> None:
    d = draft()
    d.add_item(item(qty=1))
    c = d.copy()
    c.items[0].quantity = 9
    c.promo_codes.append("X")
    assert d.items[0].quantity == 1 and d.promo_codes == []


# -- order lifecycle ---------------------------------------------------------------------------
def order(**kw) -> Order:  # type: ignore[no-untyped-def]
    return Order(id="order_O", display_id=3, draft_order_id="order_D", currency_code="usd", region_id="reg_1",
                 invoice_number="TD-2026-000001", **kw)


def test_complete_only_from_pending() -> None:
    o = order()
    o.complete(NOW)
    assert o.status is OrderStatus.COMPLETED and o.completed_at == NOW
    for st in (OrderStatus.COMPLETED, OrderStatus.CANCELED, OrderStatus.ARCHIVED):
        with pytest.raises(InvalidTransition):
            order(status=st).complete(NOW)


def test_archive_only_completed_or_refunded() -> None:
    with pytest.raises(InvalidTransition) as exc:
        order().archive(NOW)
    assert "completed or refunded" in exc.value.message
    with pytest.raises(InvalidTransition):
        order(status=OrderStatus.CANCELED).archive(NOW)
    done = order(status=OrderStatus.COMPLETED)
    done.archive(NOW)
    assert done.status is OrderStatus.ARCHIVED and done.archived_at == NOW
    with pytest.raises(InvalidTransition):
        done.archive(NOW)
    refunded = order(payment_status=PaymentStatus.REFUNDED)
    refunded.archive(NOW)
    assert refunded.status is OrderStatus.ARCHIVED


@pytest.mark.parametrize("kw", [
    {"payment_status": PaymentStatus.REFUNDED},
    {"fulfillment_status": FulfillmentStatus.FULFILLED},
    {"fulfillment_status": FulfillmentStatus.PARTIALLY_SHIPPED},
    {"status": OrderStatus.CANCELED},
    {"status": OrderStatus.ARCHIVED},
])
def test_no_cancel_once_refunded_with_live_fulfillments_or_already_closed(kw: dict) -> None:  # type: ignore[type-arg]
    o = order(**kw)
    with pytest.raises(InvalidTransition):
        o.cancel(NOW)
    assert o.canceled_at is None


def test_cancel_a_pending_or_completed_order() -> None:
    # A partly refunded order may be canceled: its cancel refunds the rest (services.refunds).
    for o in (order(), order(status=OrderStatus.COMPLETED), order(payment_status=PaymentStatus.PARTIALLY_REFUNDED),
              order(fulfillment_status=FulfillmentStatus.CANCELED)):
        o.cancel(NOW)
        assert o.status is OrderStatus.CANCELED and o.canceled_at == NOW


# -- tenders -----------------------------------------------------------------------------------
def pay(due: str, *tenders: Tender, currency: str = "usd"):  # type: ignore[no-untyped-def]
    n = count(1)
    return settle(Decimal(due), currency, list(tenders), lambda: f"pay_{next(n)}", NOW)


def cash(a: str) -> Tender:
    return Tender(TenderKind.CASH, Decimal(a))


def card(a: str, ref: str | None = "AUTH1") -> Tender:
    return Tender(TenderKind.CARD, Decimal(a), ref)


def test_too_little_names_the_missing_amount() -> None:
    with pytest.raises(InsufficientPayment) as exc:
        pay("53.08", cash("50"))
    assert exc.value.field == "tenders"
    assert "3.08 USD is still due" in exc.value.message
    with pytest.raises(InsufficientPayment) as exc:
        pay("53.08", card("20"), cash("33.07"))
    assert "0.01 USD is still due" in exc.value.message


def test_card_over_the_amount_due_is_refused() -> None:
    with pytest.raises(InvalidValue) as exc:
        pay("10.00", card("10.01"))
    assert "only be given in cash" in exc.value.message
    with pytest.raises(InvalidValue):
        pay("10.00", Tender(TenderKind.OTHER, Decimal("6")), card("5"))


def test_cash_gives_change() -> None:
    [p] = pay("53.08", cash("100"))
    assert (p.kind, p.amount, p.amount_tendered, p.change_given) == (
        TenderKind.CASH, Decimal("53.08"), Decimal(100), Decimal("46.92"))


def test_split_card_and_cash_card_first_then_cash_with_change() -> None:
    ps = pay("53.08", cash("20"), card("30.00"), cash("10"))
    assert [p.kind for p in ps] == [TenderKind.CASH, TenderKind.CARD, TenderKind.CASH]
    assert sum(p.amount for p in ps) == Decimal("53.08")
    assert ps[1].amount == Decimal(30) and ps[1].reference == "AUTH1" and ps[1].change_given == 0
    assert ps[0].amount == Decimal(20) and ps[0].change_given == 0
    assert ps[2].amount == Decimal("3.08") and ps[2].change_given == Decimal("6.92")
    assert len({p.id for p in ps}) == 3


def test_exact_card_payment() -> None:
    [p] = pay("12.34", card("12.34"))
    assert p.amount == Decimal("12.34") and p.change_given == 0


@pytest.mark.parametrize("amount,currency", [("10.001", "usd"), ("100.5", "jpy"), ("1.0001", "kwd")])
def test_more_decimals_than_the_currency_has_are_refused(amount: str, currency: str) -> None:
    with pytest.raises(InvalidValue) as exc:
        pay("5", cash(amount), currency=currency)
    assert exc.value.field == "tenders.0.amount"
    assert currency.upper() in exc.value.message


def test_trailing_zeros_are_not_extra_decimals() -> None:
    [p] = pay("10", cash("10.000"))
    assert p.amount == Decimal(10)
    [p] = pay("1000", cash("1000.00"), currency="jpy")
    assert p.change_given == 0


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_zero_or_negative_tenders_are_refused(amount: str) -> None:
    with pytest.raises(InvalidValue):
        pay("5", cash("10"), card(amount))


# -- tax -----------------------------------------------------------------------------------------
US = Region(id="reg_us", name="US", currency_code="usd", countries=("us",))
RATES = [
    TaxRate("t1", "NYC", "US-NYC", "us", None, Decimal("8.875")),
    TaxRate("t2", "California", "US-CA", "us", "us-ca", Decimal("7.25")),
    TaxRate("t3", "VAT", "DE-VAT", "de", None, Decimal("19")),
]


def addr(country: str | None, province: str | None = None) -> Address:
    return Address(id="addr_1", country_code=country, province=province)


@pytest.mark.parametrize("province", ["us-ca", "US-CA", "ca", "CA"])
def test_a_province_rate_overrides_the_country_rate(province: str) -> None:
    [line] = tax_lines_for(US, addr("us", province), RATES)
    assert (line.code, line.rate) == ("US-CA", Decimal("7.25"))


def test_a_province_without_its_own_rate_uses_the_country_default() -> None:
    [line] = tax_lines_for(US, addr("US", "us-ny"), RATES)
    assert line.code == "US-NYC"
    [line] = tax_lines_for(US, addr("us"), RATES)
    assert line.code == "US-NYC"


def test_no_address_no_country_unknown_country_or_no_automatic_taxes_means_no_tax() -> None:
    assert tax_lines_for(US, None, RATES) == ()
    assert tax_lines_for(US, addr(None), RATES) == ()
    assert tax_lines_for(US, addr("jp"), RATES) == ()
    manual = Region(id="r", name="r", currency_code="usd", countries=("us",), automatic_taxes=False)
    assert tax_lines_for(manual, addr("us", "ca"), RATES) == ()


# -- invoice numbers -------------------------------------------------------------------------------
def test_invoice_number_format() -> None:
    assert format_invoice_number("TD", 2026, 1) == "TD-2026-000001"
    assert format_invoice_number("T2", 2027, 123456) == "T2-2027-123456"
    assert format_invoice_number("TD", 2026, 1234567) == "TD-2026-1234567"  # grows, never wraps


@pytest.mark.parametrize("prefix,expected", [("td", "TD"), (" till2 ", "TILL2"), ("ABCDEFGH", "ABCDEFGH")])
def test_valid_prefixes_are_upper_cased(prefix: str, expected: str) -> None:
    assert validate_prefix(prefix) == expected


@pytest.mark.parametrize("prefix", ["", "ABCDEFGHI", "T-D", "TD 1", "ÄB"])
def test_invalid_prefixes_are_refused(prefix: str) -> None:
    with pytest.raises(InvalidValue) as exc:
        validate_prefix(prefix)
    assert exc.value.field == "invoice_prefix"
