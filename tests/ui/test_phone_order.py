"""A whole phone order taken with the keyboard alone, ending as a paid order in the database."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services import drafts, orders, queries

K = Qt.Key


def focused():
    return QApplication.focusWidget()


def type_into(qtbot, text: str, then: Qt.Key | None = Qt.Key.Key_Tab) -> None:
    w = focused()
    qtbot.keyClicks(w, text)
    if then is not None:
        qtbot.keyClick(w, then)


def pick_from_search(qtbot, field, text: str, downs: int = 0) -> None:
    assert focused() is field
    qtbot.keyClicks(field, text)
    qtbot.waitUntil(field.results_visible)
    for _ in range(downs):
        qtbot.keyClick(field, K.Key_Down)
    qtbot.keyClick(field, K.Key_Return)


def test_phone_order_by_keyboard_ends_as_paid_order(qtbot, window, till):
    ed = window.editor
    qtbot.keyClick(window, K.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert ed.draft is not None and focused() is ed.customer_search

    # Find the customer by part of the name; choosing moves on to the product search.
    pick_from_search(qtbot, ed.customer_search, "maeve")
    assert ed.draft.email == "maeve.obrien@example.com"
    assert focused() is ed.product_search

    # Three items by type-ahead search (Down picks the second result), one by barcode scan.
    pick_from_search(qtbot, ed.product_search, "kochere", downs=1)
    pick_from_search(qtbot, ed.product_search, "moka pot")
    pick_from_search(qtbot, ed.product_search, "chocolate peru")
    qtbot.keyClicks(ed.product_search, "2481700000817")  # the scanner types digits, then Enter at once
    qtbot.keyClick(ed.product_search, K.Key_Return)
    skus = [i.variant_sku for i in ed.draft.items]
    assert skus == ["COF-ETH-KOC-250-FG", "BRW-MOK-ALU-3", "PAN-CHO-70-PER", "SVC-GFT-WRP-STD"]
    assert focused() is ed.product_search and ed.product_search.text() == ""

    # F4 edits the quantity of the line just scanned; the typed "3" replaces the 1, never makes 13.
    qtbot.keyClick(window, K.Key_F4)
    editor = focused()
    assert editor.objectName() == "quantityEditor"
    qtbot.keyClicks(editor, "3")
    qtbot.keyClick(editor, K.Key_Return)
    qtbot.waitUntil(lambda: ed.draft.items[-1].quantity == 3)
    assert [i.quantity for i in ed.draft.items] == [1, 1, 1, 3]

    # Shipping address: choosing her filled it with her default saved one, already stored on the
    # draft. F8 jumps to it; Tab walks its fields in dictation order without changing anything.
    qtbot.waitUntil(lambda: ed.draft.shipping_address is not None and ed.draft.shipping_address.postal_code == "11249")
    assert ed.shipping_form.fields["address_1"].text() == "187 Berry Street"
    qtbot.keyClick(window, K.Key_F8)
    assert focused() is ed.shipping_form.fields["first_name"]
    for _ in range(10):
        qtbot.keyClick(focused(), K.Key_Tab)
    # Focus left the form onto "billing same as shipping": Space unticks it and jumps to billing.
    assert focused() is ed.same_as_shipping
    qtbot.keyClick(focused(), K.Key_Space)
    assert focused() is ed.billing_form.fields["first_name"]
    for text in ("Maeve", "O'Brien", "Halloran & Finch LLP", "212 555 0199"):
        type_into(qtbot, text)
    qtbot.keyClick(focused(), K.Key_Tab)
    for text in ("55 Water Street", "Floor 9", "New York", "NY", "10041"):
        type_into(qtbot, text)
    qtbot.waitUntil(lambda: ed.draft.billing_address is not None and ed.draft.billing_address.postal_code == "10041")

    # Shipping method (F6, arrows), promo code (F7, Enter).
    qtbot.keyClick(window, K.Key_F6)
    assert focused() is ed.shipping_combo
    qtbot.keyClick(focused(), K.Key_Down)
    qtbot.keyClick(focused(), K.Key_Down)
    assert ed.draft.shipping_methods and ed.draft.shipping_methods[0].name == "Local delivery"
    qtbot.keyClick(window, K.Key_F7)
    type_into(qtbot, "WELCOME10", then=K.Key_Return)
    assert ed.draft.promo_codes == ("WELCOME10",)
    assert "WELCOME10 applied" in ed.promo_feedback.text()

    draft_id = ed.draft.id
    expected = drafts.get_draft(draft_id, till.uow()).totals
    assert ed.totals.text("amount_due") == f"${expected.amount_due}"

    # Mark Paid with F12: card for 30.00 with a slip number, then cash for the rest with change.
    qtbot.keyClick(window, K.Key_F12)
    dlg = ed.payment_dialog
    assert dlg is not None and dlg.isVisible()
    qtbot.waitUntil(lambda: focused() is dlg.rows[0].amount)  # ready for the cash handed over
    qtbot.keyClick(focused(), K.Key_Backtab)
    assert focused() is dlg.rows[0].kind
    qtbot.keyClick(focused(), K.Key_Down)  # tender kind: cash -> card
    assert dlg.rows[0].kind.currentData() == "card"
    qtbot.keyClick(focused(), K.Key_Tab)
    type_into(qtbot, "30.00")
    type_into(qtbot, "4242", then=None)
    qtbot.keyClick(focused(), K.Key_T, Qt.KeyboardModifier.ControlModifier)  # add a tender: cash, rest prefilled
    assert len(dlg.rows) == 2 and dlg.rows[1].kind.currentData() == "cash"
    qtbot.keyClick(focused(), K.Key_Tab)
    type_into(qtbot, "100", then=None)
    change = Decimal(100) - (expected.amount_due - Decimal("30.00"))
    assert dlg.change_label.text() == f"${change:.2f}"
    qtbot.keyClick(focused(), K.Key_Return)

    # A paid order, with the services' own totals, and the order view on screen.
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.order_view)
    paid = window.order_view.order
    stored = orders.get_order(paid.id, till.uow())
    assert stored.payment_status == "captured" and stored.invoice_number
    assert stored.totals.total == expected.total and stored.totals.paid_total == expected.amount_due
    assert stored.totals.amount_due == 0
    assert stored.totals.discount_total == expected.discount_total > 0
    assert [(p.kind.value, p.amount, p.reference) for p in stored.payments] == [
        ("card", Decimal("30.00"), "4242"), ("cash", expected.amount_due - Decimal("30.00"), None)]
    assert stored.change_given == change
    assert stored.shipping_address.province == "us-ny" and stored.shipping_address.phone == "+17185550142"
    assert stored.billing_address.company == "Halloran & Finch LLP" and stored.billing_address.province == "us-ny"
    assert drafts.get_draft(draft_id, till.uow()).status == "completed"

    # The same order built through the services alone comes to the same totals.
    variants = {v.sku: v for v in queries.search_variants("", till.uow(), 500)}
    same = drafts.create_draft({
        "customer_id": stored.customer_id, "email": stored.email,
        "items": [{"variant_id": i.variant_id, "quantity": i.quantity} for i in stored.items],
        "shipping_address": {k: v for k, v in stored.shipping_address.to_dict().items() if k not in ("id", "metadata")},
        "shipping_methods": [{"shipping_option_id": stored.shipping_methods[0].shipping_option_id}],
        "promo_codes": ["WELCOME10"]}, till.uow()).value
    assert same.totals.total == stored.totals.total
    assert variants  # the catalog search answered for an empty query too
    assert window.errors_shown == []
