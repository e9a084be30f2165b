"""The push step machine against ``FakeBackend``: the happy path, every resume path after an
unknown outcome or a crash, backoff, needs-attention, Retry and Discard. A real SQLite file."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import pytest

from app.bootstrap import start
from app.domain.money import decimal_str
from app.services import drafts, orders, queries
from app.sync.engine import STEPS, PushEngine, compare_totals, discard, retry
from app.sync.store import SyncStore, utcnow
from tests.sync.fakes import FakeBackend, SimulatedCrash, v2

TOTALS = ("total", "subtotal", "tax_total", "discount_total", "shipping_total", "item_total")


@pytest.fixture
def app(tmp_path):
    a = start(tmp_path / "till.sqlite", demo=True)
    yield a
    a.close()


def us_region(app):
    return next(r for r in queries.regions(app.uow()) if r.currency_code == "usd")


def paid_order(app, *, custom=True, customer_id=None, email="ana@example.com", qty=2):
    region = us_region(app)
    variant = queries.search_variants("", app.uow(), limit=1)[0]
    option = queries.shipping_options(app.uow(), region.id)[-1]
    items = [{"variant_id": variant.id, "quantity": qty}]
    if custom:
        items.append({"title": "Gift wrap", "unit_price": "2.50", "quantity": 1})
    body = {"region_id": region.id, "items": items, "shipping_methods": [{"shipping_option_id": option.id}],
            "shipping_address": {"first_name": "Zoë", "last_name": "Żółć", "address_1": "350 Fifth Avenue",
                                 "city": "New York", "province": "NY", "postal_code": "10118",
                                 "country_code": "us"}}
    if customer_id:
        body["customer_id"] = customer_id
    else:
        body["email"] = email
    draft = drafts.create_draft(body, app.uow()).value
    return orders.mark_paid({"draft_id": draft.id}, app.uow()).value


def fake_for(app, *orders_):
    all_variants = queries.search_variants("", app.uow(), limit=500)
    fake = FakeBackend({v.id: v.sku for v in all_variants})
    for o in orders_:
        fake.totals_by_local_id[o.id] = {k: decimal_str(getattr(o.totals, k)) for k in TOTALS}
    return fake


def engine(app, fake, **kw):
    return PushEngine(SyncStore(app.uow), v2(fake), rng=random.Random(1), unknown_floor=0.0, base_delay=0.001, **kw)


def run_until_settled(eng, rounds=20):
    for _ in range(rounds):
        due = eng.store.due(utcnow() + timedelta(days=1))
        if not due:
            return
        for oid in due:
            eng.push_one(oid)
    raise AssertionError("the outbox did not settle")


def check_synced_once(app, fake, order):
    entry = SyncStore(app.uow).for_order(order.id)
    assert entry.state == "synced", entry.last_error
    assert entry.step == STEPS
    (server,) = fake.orders_for(order.id)
    assert server["status"] == "pending" and server["payment_status"] == "captured"
    assert server["paid"] == Decimal(decimal_str(order.totals.total))
    assert entry.server_order_id == server["id"] and entry.server_display_id == server["display_id"]
    assert orders.get_order(order.id, app.uow()).sync.label == f"synced as #{server['display_id']}"
    return server


def test_happy_path_sends_a_complete_draft(app):
    order = paid_order(app)
    fake = fake_for(app, order)
    eng = engine(app, fake)
    (res,) = eng.push_due()
    assert res.state == "synced"
    server = check_synced_once(app, fake, order)
    body = server["body"]
    assert body["metadata"]["tilldesk_order_id"] == order.id
    assert body["metadata"]["tilldesk_invoice_number"] == order.invoice_number
    assert body["metadata"]["tilldesk_tenders"][0]["amount"] == decimal_str(order.payments[0].amount)
    assert body["items"][1] == {"title": "Gift wrap", "unit_price": Decimal("2.50"), "quantity": 1,
                                "metadata": {"tilldesk_line_id": order.items[1].id}}  # a return finds it by it
    assert body["shipping_address"]["first_name"] == "Zoë"
    assert body["shipping_methods"][0]["amount"] == order.shipping_methods[0].amount
    assert isinstance(body["items"][0]["quantity"], int)
    assert fake.calls.count("create_draft_order") == 1


@pytest.mark.parametrize("method", ["create_draft_order", "convert_draft_to_order",
                                    "create_payment_collection", "mark_payment_collection_paid"])
@pytest.mark.parametrize("mode", ["before", "after", "http500"])
def test_a_lost_step_resumes_without_duplicates(app, method, mode):
    order = paid_order(app)
    fake = fake_for(app, order)
    fake.fail(method, mode)
    eng = engine(app, fake)
    (first,) = eng.push_due()
    assert first.state == "in_progress" and first.transient
    entry = eng.store.for_order(order.id)
    assert entry.attempts == 1 and entry.next_attempt_at is not None
    assert (entry.data.get("pending") is not None) == (mode != "before")
    run_until_settled(eng)
    check_synced_once(app, fake, order)
    if mode != "before" and method == "create_draft_order":
        assert "find_by_local_id" in fake.calls


@pytest.mark.parametrize("method", ["create_draft_order", "convert_draft_to_order",
                                    "create_payment_collection", "mark_payment_collection_paid",
                                    "create_customer"])
def test_crash_after_the_server_acted_resumes_from_what_is_there(app, method):
    from app.domain.catalog import Customer
    with app.uow() as uow:
        uow.customers.add(Customer(id="cus_local1", email="new@example.com", first_name="Łucja"),
                                 created_locally=True)
        uow.commit()
    order = paid_order(app, customer_id="cus_local1")
    fake = fake_for(app, order)
    fake.fail(method, "crash")
    with pytest.raises(SimulatedCrash):
        engine(app, fake).push_due()
    # A fresh engine, as after a restart: only the database survived.
    eng = engine(app, fake)
    run_until_settled(eng)
    server = check_synced_once(app, fake, order)
    assert len(fake.customers) == 1
    (cust,) = fake.customers.values()
    assert server["customer_id"] == cust["id"]
    assert SyncStore(app.uow).customer("cus_local1").server_id == cust["id"]


def test_draft_found_as_converted_order_skips_to_payment(app):
    order = paid_order(app)
    fake = fake_for(app, order)
    fake.fail("create_draft_order", "crash")
    with pytest.raises(SimulatedCrash):
        engine(app, fake).push_due()
    (o,) = fake.orders_for(order.id)
    o["status"], o["is_draft_order"] = "pending", False  # someone converted it meanwhile
    run_until_settled(engine(app, fake))
    check_synced_once(app, fake, order)
    assert "convert_draft_to_order" not in fake.calls


def test_paid_on_the_server_but_crash_before_commit(app):
    order = paid_order(app)
    fake = fake_for(app, order)
    fake.fail("mark_payment_collection_paid", "crash")
    with pytest.raises(SimulatedCrash):
        engine(app, fake).push_due()
    run_until_settled(engine(app, fake))
    check_synced_once(app, fake, order)
    assert fake.calls.count("mark_payment_collection_paid") == 1
    assert len(fake.collections) == 1


def test_totals_mismatch_stops_with_a_readable_difference(app):
    order = paid_order(app)
    fake = fake_for(app, order)
    fake.totals_by_local_id[order.id]["total"] = decimal_str(order.totals.total + Decimal("0.05"))
    (res,) = engine(app, fake).push_due()
    assert res.state == "needs_attention"
    entry = SyncStore(app.uow).for_order(order.id)
    assert entry.state == "needs_attention" and entry.step == 2
    assert "total: shop server" in entry.last_error and "difference 0.05" in entry.last_error
    assert "convert_draft_to_order" not in fake.calls and not fake.collections


def test_differences_below_the_currency_rounding_are_accepted():
    class T:
        currency_code = "usd"

        class totals:
            total = Decimal("41.0201")
            subtotal = tax_total = discount_total = shipping_total = item_total = Decimal(0)
        items = ()
    ok, diffs = compare_totals({"total": Decimal("41.02")}, T)
    assert ok and diffs and "41.02" in diffs[0]
    ok, _ = compare_totals({"total": Decimal("41.03")}, T)
    assert not ok


def test_demo_only_variant_needs_attention_with_the_item_named(app):
    order = paid_order(app)
    fake = fake_for(app, order)
    fake.variants.clear()
    (res,) = engine(app, fake).push_due()
    assert res.state == "needs_attention"
    assert "not in the shop server's catalog" in res.error and order.items[0].variant_sku in res.error
    assert "create_draft_order" not in fake.calls


def test_variant_known_on_the_server_by_sku_is_sent_with_the_server_id(app):
    order = paid_order(app)
    fake = fake_for(app, order)
    sku = order.items[0].variant_sku
    fake.variants = {"variant_SERVER": sku}
    engine(app, fake).push_due()
    (server,) = fake.orders_for(order.id)
    assert server["body"]["items"][0]["variant_id"] == "variant_SERVER"


def test_permanent_refusal_needs_attention_then_retry_and_discard(app):
    order = paid_order(app)
    fake = fake_for(app, order)
    fake.fail("create_draft_order", "http400")
    (res,) = engine(app, fake).push_due()
    assert res.state == "needs_attention" and "fake refusal" in res.error
    store = SyncStore(app.uow)
    entry = store.for_order(order.id)
    assert store.due(utcnow() + timedelta(days=1)) == []
    retry(store, entry.id)
    run_until_settled(engine(app, fake))
    check_synced_once(app, fake, order)
    with pytest.raises(ValueError):
        discard(store, entry.id)


def test_discarded_orders_are_never_pushed(app):
    order = paid_order(app)
    fake = fake_for(app, order)
    store = SyncStore(app.uow)
    discard(store, store.for_order(order.id).id)
    assert engine(app, fake).push_due() == []
    assert store.counts()["discarded"] == 1 and not fake.orders


def test_backoff_grows_and_a_failing_server_is_not_hammered(app):
    a, b = paid_order(app), paid_order(app, email="bo@example.com")
    fake = fake_for(app, a, b)
    fake.fail("create_draft_order", "before", times=3)
    eng = PushEngine(SyncStore(app.uow), v2(fake), rng=random.Random(3), base_delay=10, max_delay=1000)
    results = eng.push_due()
    assert len(results) == 1  # stopped after the first transient failure
    delays = []
    for _ in range(2):
        entry = eng.store.for_order(a.id)
        delays.append((entry.next_attempt_at - entry.updated_at).total_seconds())
        eng.push_one(entry.id)
    entry = eng.store.for_order(a.id)
    assert entry.attempts == 3
    assert all(0 <= d <= 10 * 2 ** i + 1 for i, d in enumerate(delays))
    assert eng.store.due(utcnow()) == [eng.store.for_order(b.id).id]
