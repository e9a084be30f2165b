"""Services end to end, on a real SQLite file and (where the file itself is not inspected) on
the in-memory unit of work too: every draft action, Mark Paid in one commit,
gapless invoice numbers, search, and totals frozen at payment."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.errors import InsufficientPayment, InvalidValue
from app.services import drafts, orders, queries
from app.services.errors import InputError
from app.services.settings import save_settings
from tests.conftest import (
    CUSTOMER_MAEVE,
    ESPRESSO_250,
    ESPRESSO_250_BARCODE,
    ESPRESSO_250_ID,
    EUR_COURIER,
    EUR_REGION,
    USD_PICKUP,
    create_draft,
    mark_paid,
    table_counts,
)


def rows(path: Path, sql: str, *args: object) -> list[tuple]:  # type: ignore[type-arg]
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def test_create_prices_the_draft_and_stores_it(shop) -> None:  # type: ignore[no-untyped-def]
    d = create_draft(shop, promo_codes=["WELCOME10"])
    assert d.display_id == 1 and d.status == "open" and d.is_editable
    assert [i.quantity for i in d.items] == [3, 1]
    assert d.items[0].variant_sku == ESPRESSO_250 and d.items[0].unit_price == Decimal(15)
    assert d.shipping_address.province == "us-ny" and d.shipping_address.phone == "+12125550100"
    t = d.totals
    # 45 + 2.50 items, 6.00 delivery, 10 % off items, NYC 8.875 % on the rest
    assert t.subtotal == Decimal("53.5") and t.discount_subtotal == Decimal("4.75")
    assert t.tax_total == Decimal("4.3265625") and t.total == Decimal("53.0765625")
    assert t.amount_due == Decimal("53.08")
    again = drafts.get_draft(d.id, shop.uow())
    assert again.totals == t and again.items == d.items


def test_every_draft_edit_end_to_end(app, db_path) -> None:  # type: ignore[no-untyped-def]
    d = create_draft(app)
    uow = app.uow
    d = drafts.update_draft({"draft_id": d.id, "email": "new@example.com", "metadata": {"note": "ring twice"},
                             "no_notification_order": True, "customer_id": CUSTOMER_MAEVE}, uow()).value
    assert (d.email, d.metadata, d.no_notification_order, d.customer_id) == (
        "new@example.com", {"note": "ring twice"}, True, CUSTOMER_MAEVE)
    d = drafts.add_line_item({"draft_id": d.id, "variant_barcode": ESPRESSO_250_BARCODE, "quantity": 2}, uow()).value
    assert len(d.items) == 2 and d.items[0].quantity == 5  # merged into the espresso line
    d = drafts.add_line_item({"draft_id": d.id, "variant_id": ESPRESSO_250_ID, "quantity": 1,
                              "unit_price": "12.00"}, uow()).value
    assert len(d.items) == 3 and d.items[2].is_custom_price
    item = d.items[1]
    d = drafts.update_line_item({"draft_id": d.id, "item_id": item.id, "quantity": 4, "unit_price": "3"}, uow()).value
    assert (d.items[1].quantity, d.items[1].unit_price) == (4, Decimal(3))
    d = drafts.remove_line_item({"draft_id": d.id, "item_id": item.id}, uow()).value
    assert item.id not in {i.id for i in d.items}
    d = drafts.set_shipping_method({"draft_id": d.id, "shipping_option_id": USD_PICKUP}, uow()).value
    assert [m.amount for m in d.shipping_methods] == [Decimal(0)]
    d = drafts.set_shipping_method({"draft_id": d.id, "shipping_option_id": USD_PICKUP, "amount": "4.5"}, uow()).value
    assert d.shipping_methods[0].amount == Decimal("4.5") and d.shipping_methods[0].is_custom_amount
    d = drafts.apply_promo_code({"draft_id": d.id, "code": "welcome10"}, uow()).value
    assert d.promo_codes == ("WELCOME10",) and d.totals.discount_subtotal == Decimal("8.7")  # 10 % of 75 + 12
    d = drafts.remove_promo_code({"draft_id": d.id, "code": "WELCOME10"}, uow()).value
    assert d.promo_codes == () and d.totals.discount_subtotal == 0
    d = drafts.set_shipping_method({"draft_id": d.id}, uow()).value
    assert d.shipping_methods == ()
    # A region takes only addresses in its own countries: moving to Europe moves the address too.
    d = drafts.update_draft({"draft_id": d.id, "region_id": EUR_REGION,
                             "shipping_address": {"first_name": "Jan", "country_code": "pl", "city": "Kraków"}},
                            uow()).value
    assert d.currency_code == "eur" and d.items[0].unit_price == Decimal("15.5") and d.is_tax_inclusive
    assert d.items[1].unit_price == Decimal(12)  # a custom price is kept as entered
    # every change was committed: a fresh start reads the same draft
    from app.bootstrap import start

    other = start(db_path)
    try:
        assert drafts.get_draft(d.id, other.uow()) == d
    finally:
        other.close()


def test_cancel_and_delete(app, db_path) -> None:  # type: ignore[no-untyped-def]
    a, b = create_draft(app), create_draft(app)
    c = drafts.cancel_draft(a.id, app.uow()).value
    assert c.canceled_at is not None and not c.is_editable
    assert drafts.delete_draft(b.id, app.uow()).value == b.id
    counts = table_counts(db_path)
    assert counts["draft_orders"] == 1 and counts["line_items"] == 2 and counts["addresses"] == 1
    with pytest.raises(Exception, match="does not exist"):
        drafts.get_draft(b.id, app.uow())


def test_mark_paid_writes_order_payments_invoice_outbox_and_completes_the_draft(app, db_path) -> None:  # type: ignore[no-untyped-def]
    d = create_draft(app)
    before = table_counts(db_path)
    o = mark_paid(app, d.id, {"kind": "card", "amount": "20.00", "reference": "AUTH-77"},
                  {"kind": "cash", "amount": "50"})
    after = table_counts(db_path)
    assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == {
        "orders": 1, "payments": 2, "outbox": 1, "invoice_sequences": 1, "counters": 1}
    assert o.invoice_number == f"TD-{datetime.now(UTC).year}-000001"
    assert o.display_id == 1 and o.status == "pending" and o.payment_status == "captured"
    # 53.50 + 8.875 % NYC tax = 58.248125, due 58.25
    assert o.totals.paid_total == d.totals.amount_due == Decimal("58.25")
    assert o.change_given == Decimal("11.75")
    assert o.sync is not None and o.sync.state == "queued"
    [(status, order_id, completed)] = rows(db_path, "SELECT status, order_id, completed_at FROM draft_orders")
    assert (status, order_id) == ("completed", o.id) and completed is not None
    assert rows(db_path, "SELECT order_id, state FROM outbox") == [(o.id, "queued")]
    assert sorted(rows(db_path, "SELECT kind, amount, amount_tendered, change_given, reference FROM payments")) == [
        ("card", "20", "20", "0", "AUTH-77"), ("cash", "38.25", "50", "11.75", None)]
    paid = drafts.get_draft(d.id, app.uow())
    assert paid.status == "completed" and paid.order_id == o.id and not paid.is_editable


def test_mark_paid_with_no_tender_records_one_other_tender_of_the_amount_due(shop) -> None:  # type: ignore[no-untyped-def]
    d = create_draft(shop)
    o = mark_paid(shop, d.id)
    assert [(p.kind.value, p.amount) for p in o.payments] == [("other", Decimal("58.25"))]


def test_order_lifecycle_through_services(shop) -> None:  # type: ignore[no-untyped-def]
    o1 = mark_paid(shop, create_draft(shop).id)
    o2 = mark_paid(shop, create_draft(shop).id)
    assert o1.allowed_actions == ("complete", "cancel", "refund")
    with pytest.raises(Exception, match="only a completed or refunded order can be archived"):
        orders.archive_order(o1.id, shop.uow()).value
    done = orders.complete_order(o1.id, shop.uow()).value
    assert done.status == "completed" and done.completed_at is not None
    assert orders.archive_order(o1.id, shop.uow()).value.status == "archived"
    assert orders.cancel_order(o2.id, shop.uow()).value.status == "canceled"
    with pytest.raises(Exception, match="only a pending order can be completed"):
        orders.complete_order(o2.id, shop.uow()).value
    assert orders.get_order(o2.id, shop.uow()).status == "canceled"


def test_invoice_numbers_are_gapless_and_a_failed_mark_paid_consumes_none(app, db_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    year = datetime.now(UTC).year
    ds = [create_draft(app) for _ in range(4)]
    first = mark_paid(app, ds[0].id)
    with pytest.raises(InsufficientPayment):
        mark_paid(app, ds[1].id, {"kind": "cash", "amount": "1"})
    # A failure after the number was drawn, inside the transaction, must roll the number back too.
    from app.persistence.repositories import SqlOutboxRepository as OutboxRepository

    def boom(self, order_id, now):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    with monkeypatch.context() as m:
        m.setattr(OutboxRepository, "enqueue", boom)
        with pytest.raises(RuntimeError):
            mark_paid(app, ds[1].id)
    assert drafts.get_draft(ds[1].id, app.uow()).status == "open"
    numbers = [first.invoice_number] + [mark_paid(app, d.id).invoice_number for d in ds[1:]]
    assert numbers == [f"TD-{year}-{n:06d}" for n in (1, 2, 3, 4)]
    assert rows(db_path, "SELECT prefix, year, last_value FROM invoice_sequences") == [("TD", year, 4)]
    assert table_counts(db_path)["orders"] == 4
    # a new prefix starts its own sequence; the old one is never reused
    save_settings({"invoice_prefix": "t2"}, app.uow())
    assert mark_paid(app, create_draft(app).id).invoice_number == f"T2-{year}-000001"
    save_settings({"invoice_prefix": "TD"}, app.uow())
    assert mark_paid(app, create_draft(app).id).invoice_number == f"TD-{year}-000005"


def test_search_drafts_and_orders(shop) -> None:  # type: ignore[no-untyped-def]
    a = create_draft(shop, email="zofia@example.pl",
                     shipping_address={"first_name": "Zofia", "last_name": "Łukasiewicz", "address_1": "5 Elm St",
                                       "city": "Buffalo", "country_code": "us", "province": "ny",
                                       "phone": "(716) 555-0188"})
    b = create_draft(shop, customer_id=CUSTOMER_MAEVE, email=None)
    c = create_draft(shop, email="cara@example.com")
    paid = mark_paid(shop, a.id)
    # a second order whose number (#2) differs from its draft's (#2 is b, this is #4)
    d = create_draft(shop, email="dora@example.com")
    paid_d = mark_paid(shop, d.id)
    assert (paid_d.display_id, d.display_id) == (2, 4)
    drafts.cancel_draft(c.id, shop.uow()).value

    def draft_ids(**q):  # type: ignore[no-untyped-def]
        return [e.id for e in queries.list_drafts(q, shop.uow()).entries]

    def order_ids(**q):  # type: ignore[no-untyped-def]
        return [e.id for e in queries.list_orders(q, shop.uow()).entries]

    assert draft_ids(q=f"#{b.display_id}") == [b.id]
    assert a.id in draft_ids(q=str(a.display_id))  # a bare number is text: phones and streets match too
    assert draft_ids(q="zofia@example.pl") == [a.id]
    assert draft_ids(q="łukasiewicz") == [a.id]
    assert draft_ids(q="maeve o'brien") == [b.id]  # the customer's name, not on the draft itself
    assert draft_ids(q="7165550188") == [a.id]
    assert draft_ids(q="+17165550188") == [a.id]
    assert draft_ids(status=["open"]) == [b.id]
    assert draft_ids(status=["completed"]) == [d.id, a.id]
    assert draft_ids(status=["canceled"]) == [c.id]
    page = queries.list_drafts({}, shop.uow())
    assert page.count == 4 and {e.status for e in page.entries} == {"open", "completed", "canceled"}

    assert order_ids(q=paid.invoice_number) == [paid.id]
    assert order_ids(q=paid.invoice_number.lower()) == [paid.id]
    assert order_ids(q=f"#{paid.display_id}") == [paid.id]
    assert order_ids(q="#2") == [paid_d.id]
    assert order_ids(q="#4") == []
    assert order_ids(q="#2 dora") == [paid_d.id]
    assert order_ids(q="#2 zofia") == []
    assert order_ids(q="zofia") == [paid.id]
    assert order_ids(q="7165550188") == [paid.id]
    assert order_ids(q="maeve") == []
    assert order_ids(status=["pending"]) == [paid_d.id, paid.id]
    assert order_ids(status=["completed"]) == []
    today = datetime.now().astimezone().date()
    assert order_ids(created_from=today.isoformat(), created_to=today.isoformat()) == [paid_d.id, paid.id]
    assert order_ids(created_to=(today - timedelta(days=1)).isoformat()) == []
    assert order_ids(created_from=(today + timedelta(days=1)).isoformat()) == []
    assert draft_ids(created_from=today, created_to=today, status=["open"]) == [b.id]
    assert queries.resolve_id("order", paid.invoice_number, shop.uow()) == paid.id
    assert queries.resolve_id("order", f"#{paid.display_id}", shop.uow()) == paid.id
    assert queries.resolve_id("draft", str(b.display_id), shop.uow()) == b.id
    [entry] = queries.list_orders({"q": paid.invoice_number}, shop.uow()).entries
    assert entry.total == paid.totals.total and entry.sync_state == "queued"


def test_search_customers(shop) -> None:  # type: ignore[no-untyped-def]
    def emails(q: str) -> list[str]:
        return [c.email for c in queries.search_customers(q, shop.uow())]

    assert emails("maeve") == ["maeve.obrien@example.com"]
    assert emails("O'Brien") == ["maeve.obrien@example.com"]
    assert emails("álvarez") == ["jose.alvarez@example.net"]
    assert emails("nguyễn") == ["lan.nguyen@example.com"]
    assert emails("7185550142") == ["maeve.obrien@example.com"]
    assert emails("+1 718 555 0142") == ["maeve.obrien@example.com"]
    assert emails("greenpointbakehouse") == ["orders@greenpointbakehouse.example"]
    assert emails("nobody-by-this-name") == []
    assert len(emails("")) > 5


def test_a_paid_draft_keeps_its_totals_when_the_catalog_changes(shop) -> None:  # type: ignore[no-untyped-def]
    d = create_draft(shop, promo_codes=["WELCOME10"])
    o = mark_paid(shop, d.id)
    before_order, before_draft = o.totals, drafts.get_draft(d.id, shop.uow()).totals
    uow = shop.uow()
    with uow:
        uow.catalog.upsert("tax_rates", [{"id": "txr_01KERPY4QPFQB6RNY1EWHB9D8F", "name": "NYC", "code": "US-NYC",
                                          "country_code": "us", "rate": "10"}])
        uow.catalog.upsert("promotions", [{"id": "promo_01KERQ8BH3X3C9F8J75Z8WHHF0", "code": "WELCOME10",
                                           "application_method": {"type": "percentage", "target_type": "items",
                                                                  "allocation": "across", "value": "50"}}])
        uow.commit()
    fresh = create_draft(shop, promo_codes=["WELCOME10"])
    assert fresh.totals.tax_total != before_draft.tax_total  # the catalog change is live for new drafts
    assert fresh.totals.discount_subtotal == Decimal("23.75")
    again = orders.get_order(o.id, shop.uow())
    assert again.totals == before_order
    assert drafts.get_draft(d.id, shop.uow()).totals == before_draft
    assert [e.total for e in queries.list_orders({}, shop.uow()).entries] == [before_order.total]


def test_eur_tax_inclusive_order(shop) -> None:  # type: ignore[no-untyped-def]
    d = create_draft(shop, region_id=EUR_REGION, items=[{"variant_sku": ESPRESSO_250, "quantity": 2}],
                     shipping_address={"first_name": "Jan", "last_name": "Kowalski", "address_1": "ul. Długa 1",
                                       "city": "Kraków", "country_code": "pl", "postal_code": "31-147"},
                     shipping_methods=[{"shipping_option_id": EUR_COURIER}])
    assert d.currency_code == "eur" and d.is_tax_inclusive
    # every price includes Polish VAT (23 %): 2 x 15.50 is what the tag says and the courier's
    # 19.90 is what the customer pays for it, tax inside
    assert d.totals.amount_due == Decimal("50.90")
    assert abs(d.totals.total - Decimal("50.90")) < Decimal("1e-15")
    assert abs(d.totals.tax_total - Decimal("50.90") * 23 / 123) < Decimal("1e-15")
    o = mark_paid(shop, d.id, {"kind": "cash", "amount": "60"})
    assert o.change_given == Decimal("9.10") and o.currency_code == "eur"


def test_new_customer_is_created_locally_and_similar_ones_are_found(shop) -> None:  # type: ignore[no-untyped-def]
    from app.services import customers

    body = {"email": "neu@example.com", "first_name": "Zoë", "last_name": "Müller", "phone": "+49 221 1234567",
            "address": {"address_1": "Ehrenstraße 1", "city": "Köln", "country_code": "de", "postal_code": "50672"}}
    similar = customers.similar_customers(body, shop.uow())
    assert [c.full_name for c in similar] == ["Zoë Müller"]  # the demo shop already has her
    created = customers.create_customer(body, shop.uow()).value
    assert created.id.startswith("cus_") and created.phone == "+492211234567"
    assert created.addresses[0].city == "Köln" and created.addresses[0].is_default_shipping
    with shop.uow() as uow:
        assert [c.id for c in uow.customers.created_locally()] == [created.id]
    with pytest.raises(InvalidValue, match="already exists") as err:
        customers.create_customer(body, shop.uow()).value
    assert err.value.field == "email"
    with pytest.raises(InputError) as bad:
        customers.create_customer({**body, "email": "neu2@example.com", "phone": "12"}, shop.uow()).value
    assert bad.value.errors[0].field == "phone"


def test_tax_inclusive_region_prices_every_line_and_shipping_with_tax_inside(shop) -> None:  # type: ignore[no-untyped-def]
    """A clerk in a tax-inclusive shop types what the customer pays: a catalog price, a custom
    item, a price override and the shipping amount all have the VAT inside (issue 14)."""
    europe = next(r for r in queries.regions(shop.uow()) if r.is_tax_inclusive)
    variant = next(v for v in queries.search_variants("", shop.uow(), 20) if v.price_in("eur"))
    option = next(o for o in queries.shipping_options(shop.uow(), europe.id) if o.amount > 0)
    d = drafts.create_draft({
        "region_id": europe.id, "shipping_address": {"first_name": "Zoë", "country_code": "de"},
        "items": [{"variant_id": variant.id, "quantity": 1}, {"title": "Gift wrap", "unit_price": "12.00", "quantity": 1},
                  {"variant_id": variant.id, "quantity": 1, "unit_price": "120.00"}],
        "shipping_methods": [{"shipping_option_id": option.id, "amount": "7.50"}]}, shop.uow()).value
    assert all(i.is_tax_inclusive for i in d.items) and d.shipping_methods[0].is_tax_inclusive
    expected = variant.price_in("eur") + Decimal("12.00") + Decimal("120.00") + Decimal("7.50")
    assert abs(d.totals.total - expected) < Decimal("1e-15")
    assert d.totals.amount_due == expected  # exactly the typed prices, not 23.997 more
    assert abs(d.totals.tax_total - expected * 19 / 119) < Decimal("1e-15")
