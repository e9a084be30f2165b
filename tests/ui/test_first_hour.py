"""The first hour at the till, by keyboard: F12 then the cash handed over pays at once, and a chosen
customer brings their saved shipping address without replacing one the clerk typed."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services import drafts, orders, queries

from .test_phone_order import pick_from_search, type_into

K = Qt.Key


def focused():
    return QApplication.focusWidget()


def test_f12_then_50_enter_pays_cash_50_and_gives_change(qtbot, window, till):
    window.new_draft()
    ed = window.editor
    ed.add_variant(queries.search_variants("COF-HSE-ESP-250", till.uow())[0])
    due = ed.draft.totals.amount_due
    assert 0 < due < 50

    qtbot.keyClick(window, K.Key_F12)
    dlg = ed.payment_dialog
    assert dlg is not None
    qtbot.waitUntil(lambda: focused() is dlg.rows[0].amount)
    qtbot.keyClicks(focused(), "50")  # replaces the prefilled amount due, never appends to it
    assert dlg.rows[0].amount.text() == "50"
    change = Decimal(50) - due
    assert dlg.change_label.text() == f"${change:.2f}"
    qtbot.keyClick(focused(), K.Key_Return)

    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.order_view)
    stored = orders.get_order(window.order_view.order.id, till.uow())
    assert [(p.kind.value, p.amount) for p in stored.payments] == [("cash", due)]
    assert stored.change_given == change and stored.totals.amount_due == 0
    assert window.errors_shown == []


def test_choosing_a_customer_fills_an_empty_shipping_address_and_saves_it(qtbot, window, till):
    qtbot.keyClick(window, K.Key_N, Qt.KeyboardModifier.ControlModifier)
    ed = window.editor
    pick_from_search(qtbot, ed.customer_search, "maeve")
    form = ed.shipping_form
    qtbot.waitUntil(lambda: form.fields["address_1"].text() == "187 Berry Street")  # her default
    assert form.fields["city"].text() == "Brooklyn" and form.fields["first_name"].text() == "Maeve"
    stored = drafts.get_draft(ed.draft.id, till.uow())
    assert stored.customer_id and stored.shipping_address.address_1 == "187 Berry Street"
    assert stored.billing_address.same_place_as(stored.shipping_address)  # billing same as shipping

    # The saved-address list still changes it: End picks her last (second) address.
    form.saved.setFocus()
    qtbot.keyClick(form.saved, K.Key_End)
    qtbot.waitUntil(lambda: drafts.get_draft(ed.draft.id, till.uow()).shipping_address.address_1
                    == "55 Water Street")
    assert form.fields["address_1"].text() == "55 Water Street"
    assert window.errors_shown == []


def test_choosing_a_customer_never_overwrites_a_typed_shipping_address(qtbot, window, till):
    qtbot.keyClick(window, K.Key_N, Qt.KeyboardModifier.ControlModifier)
    ed = window.editor
    qtbot.keyClick(window, K.Key_F8)
    for text in ("Ada", "Byron", "", ""):
        type_into(qtbot, text)
    qtbot.keyClick(focused(), K.Key_Tab)  # country: United States already
    for text in ("1 Main St", "", "Albany", "New York", "12207"):
        type_into(qtbot, text)
    qtbot.waitUntil(lambda: ed.draft.shipping_address is not None and ed.draft.shipping_address.postal_code == "12207")

    qtbot.keyClick(window, K.Key_F3)
    pick_from_search(qtbot, ed.customer_search, "maeve")
    assert ed.draft.email == "maeve.obrien@example.com"
    stored = drafts.get_draft(ed.draft.id, till.uow())
    assert stored.shipping_address.address_1 == "1 Main St" and stored.shipping_address.first_name == "Ada"
    assert ed.shipping_form.fields["address_1"].text() == "1 Main St"
    assert ed.shipping_form.saved.isVisible()  # her saved ones are still one pick away


def test_choosing_a_customer_keeps_an_address_still_being_typed(qtbot, window, till):
    qtbot.keyClick(window, K.Key_N, Qt.KeyboardModifier.ControlModifier)
    ed = window.editor
    qtbot.keyClick(window, K.Key_F8)
    qtbot.keyClicks(focused(), "Zed")  # no Tab: not committed yet
    ed.choose_customer(next(c for c in queries.search_customers("priya", till.uow())))
    assert ed.shipping_form.fields["first_name"].text() == "Zed"
    assert ed.shipping_form.fields["address_1"].text() == ""
    stored = drafts.get_draft(ed.draft.id, till.uow())
    assert stored.customer_id and (stored.shipping_address is None or stored.shipping_address.address_1 is None)


def test_after_mark_paid_the_order_stays_in_sight_in_the_today_view(qtbot, window, till):
    waiting = drafts.create_draft({}, till.uow()).value  # a draft another customer left open
    qtbot.keyClick(window, K.Key_N, Qt.KeyboardModifier.ControlModifier)
    ed = window.editor
    ed.add_variant(queries.search_variants("COF-HSE-ESP-250", till.uow())[0])
    qtbot.keyClick(window, K.Key_F12)
    qtbot.waitUntil(lambda: ed.payment_dialog is not None and focused() is ed.payment_dialog.rows[0].amount)
    qtbot.keyClicks(focused(), "50")
    qtbot.keyClick(focused(), K.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.order_view)
    paid = window.order_view.order

    assert window.current_filter() == "today" and window.filter_combo.currentText() == "Today"
    model, view = window.list_model, window.list_view
    ids = {model.entry(r).id: model.entry(r) for r in range(model.rowCount())}
    assert set(ids) == {paid.id, waiting.id}  # the paid order and the draft still open
    assert view.selectionModel().selectedRows()[0].row() == model.row_of(paid.id)
    assert model.state_text(ids[paid.id]).startswith("Paid")  # worded for people, not "Pending"

    # The offscreen platform does not hand activation back when the dialog closes (a desktop does).
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    # By keyboard: Ctrl+1 the open drafts (the paid one is not there), Ctrl+Shift+T back to Today.
    qtbot.keyClick(window, K.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.current_filter() == "open_drafts")
    assert [model.entry(r).id for r in range(model.rowCount())] == [waiting.id]
    qtbot.keyClick(window, K.Key_T, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.current_filter() == "today")
    assert focused() is view
    view.setCurrentIndex(model.index(model.row_of(paid.id), 0))
    qtbot.keyClick(view, K.Key_Return)
    assert window.stack.currentWidget() is window.order_view and window.order_view.order.id == paid.id
    assert window.errors_shown == []


def test_at_1280x800_placeholders_and_values_fit_or_show_whole_in_a_tooltip(qtbot, window, till):
    from ui.fit_text import fits

    window.resize(1280, 800)
    qtbot.keyClick(window, K.Key_N, Qt.KeyboardModifier.ControlModifier)
    ed = window.editor
    qtbot.waitUntil(lambda: ed.customer_search.width() > 0)
    fields = [window.search_box, ed.customer_search, ed.email_edit, ed.product_search,
              *(w for w in ed.shipping_form.fields.values() if hasattr(w, "placeholderText"))]
    assert [f.objectName() for f in fields if not fits(f)] == []  # every placeholder whole
    pick_from_search(qtbot, ed.customer_search, "maeve")
    qtbot.waitUntil(lambda: ed.email_edit.text() == "maeve.obrien@example.com")
    assert fits(ed.email_edit) and fits(ed.customer_search)

    long = "maeve.obrien.at.the.roastery.on.bedford.avenue@example.com"
    ed.email_edit.setText(long)  # too long for any field: the tooltip has all of it
    assert not fits(ed.email_edit) and ed.email_edit.toolTip().startswith(long)
    assert ed.shipping_form.fields["phone"].text() == "(718) 555-0142"  # her phone, as people read it


def test_window_invoice_and_receipt_write_the_us_address_the_same_way(qtbot, window, till):
    from io import BytesIO

    from pypdf import PdfReader

    from app.services.invoices import preview_document

    from .test_printing_ui import pay_open_draft

    qtbot.keyClick(window, K.Key_N, Qt.KeyboardModifier.ControlModifier)
    pick_from_search(qtbot, window.editor.customer_search, "maeve")
    qtbot.waitUntil(lambda: window.editor.shipping_form.fields["address_1"].text() == "187 Berry Street")
    order = pay_open_draft(window)
    assert "Brooklyn, NY 11249\nUnited States\n(718) 555-0142" in window.order_view.shipping.text()
    for kind in ("a4", "receipt"):
        text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(preview_document(order.id, kind, till.uow()))).pages)
        assert "11249 Brooklyn" not in text, kind
        if kind == "a4":  # the shop header and both addresses
            assert text.count("Brooklyn, NY 11249") == 3, text
            assert "(718) 555-0100" in text and "+17185550142" not in text
        else:  # the receipt's header: the shop
            assert "Brooklyn, NY 11249" in text, text
