"""Every item model passes pytest-qt's qtmodeltester, with rows in it."""

from __future__ import annotations

from app.services import drafts, orders, queries
from ui.models import CustomerResultsModel, DraftListModel, LineItemsModel, PaymentsModel, VariantResultsModel


def _paid_order(till):
    d = drafts.create_draft({"items": [{"variant_sku": "COF-HSE-ESP-250", "quantity": 2},
                                       {"title": "Gift note", "unit_price": "1.50", "quantity": 1}],
                             "promo_codes": ["WELCOME10"]}, till.uow()).value
    return d, orders.mark_paid({"draft_id": d.id, "tenders": [
        {"kind": "card", "amount": "10.00", "reference": "x1"}, {"kind": "cash", "amount": "50"}]}, till.uow()).value


def test_models_pass_qtmodeltester(qtmodeltester, qapp, till):
    d, o = _paid_order(till)
    drafts.create_draft({}, till.uow())

    lines = LineItemsModel()
    lines.set_items(d.items, d.currency_code)
    qtmodeltester.check(lines, force_py=True)
    lines.set_items(o.items, o.currency_code, editable=False)
    qtmodeltester.check(lines, force_py=True)

    listing = DraftListModel()
    listing.set_entries(queries.list_for_filter("all_drafts", None, till.uow).entries)
    assert listing.rowCount() == 2
    qtmodeltester.check(listing, force_py=True)
    listing.set_entries(queries.list_for_filter("all_orders", None, till.uow).entries)
    qtmodeltester.check(listing, force_py=True)

    variants = VariantResultsModel()
    variants.set_rows(queries.search_variants("kettle", till.uow()), "kettle")
    assert variants.rowCount() >= 2
    qtmodeltester.check(variants, force_py=True)

    customers = CustomerResultsModel()
    customers.set_rows(queries.search_customers("example", till.uow()), "example")
    assert customers.rowCount() >= 2
    qtmodeltester.check(customers, force_py=True)

    payments = PaymentsModel()
    payments.set_payments(o.payments, o.currency_code)
    assert payments.rowCount() == 2
    qtmodeltester.check(payments, force_py=True)


def test_empty_models_pass_qtmodeltester(qtmodeltester, qapp):
    for m in (LineItemsModel(), DraftListModel(), VariantResultsModel(), CustomerResultsModel(), PaymentsModel()):
        qtmodeltester.check(m, force_py=True)
