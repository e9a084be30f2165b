"""Address validation, persistence across a reopened window, undo/redo of line edits, the
threaded op helper, the order view and the settings dialog."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.bootstrap import start
from app.services import drafts, queries
from app.services.settings import load_settings

K = Qt.Key


def fill(qtbot, form, values: dict[str, str]) -> None:
    for name, text in values.items():
        w = form.fields[name]
        w.setFocus()
        if hasattr(w, "lineEdit") and w.lineEdit() is not None:
            w.lineEdit().selectAll()
            qtbot.keyClicks(w.lineEdit(), text)
            w.lineEdit().editingFinished.emit()
        else:
            w.selectAll()
            qtbot.keyClicks(w, text)
            qtbot.keyClick(w, K.Key_Tab)


def new_draft_with(window, *skus: str):
    window.new_draft()
    ed = window.editor
    for sku in skus:
        ed.add_variant(queries.search_variants(sku, window.app.uow())[0])
    return ed


def test_invalid_phone_and_province_are_shown_by_the_field_and_nothing_wrong_is_stored(qtbot, window, till):
    ed = new_draft_with(window, "COF-HSE-ESP-250")
    form = ed.shipping_form
    fill(qtbot, form, {"first_name": "Ada", "last_name": "Byron", "phone": "12345", "address_1": "1 Main St",
                       "city": "Albany", "province": "Atlantis", "postal_code": "12207"})
    form.flush()
    assert "not a valid phone number" in form.error_text("phone") or "not a phone number" in form.error_text("phone")
    assert form.errors["phone"].isVisible()
    stored = drafts.get_draft(ed.draft.id, till.uow())
    assert stored.shipping_address is None  # nothing half-valid reached the database

    fill(qtbot, form, {"phone": "(518) 555-0100"})
    form.flush()
    assert form.error_text("phone") == ""
    assert "Atlantis" in form.error_text("province") and "not a province" in form.error_text("province")
    assert drafts.get_draft(ed.draft.id, till.uow()).shipping_address is None

    fill(qtbot, form, {"province": "NY"})
    form.flush()
    assert form.error_text("province") == ""
    addr = drafts.get_draft(ed.draft.id, till.uow()).shipping_address
    assert (addr.phone, addr.province, addr.city) == ("+15185550100", "us-ny", "Albany")
    # "Billing same as shipping" is on for a new draft: the billing address followed.
    assert drafts.get_draft(ed.draft.id, till.uow()).billing_address.same_place_as(addr)
    # The stored province is shown by name.
    assert form.fields["province"].currentText() == "New York"


def test_required_fields_wait_until_reached(qtbot, window):
    ed = new_draft_with(window)
    form = ed.shipping_form
    fill(qtbot, form, {"address_1": "1 Main St"})
    form.flush()
    assert form.error_text("city") == ""  # not reached yet: no error shouted
    fill(qtbot, form, {"city": ""})
    form._touched.add("city")
    form.commit()
    assert "required" in form.error_text("city")


def test_half_entered_draft_survives_closing_and_reopening(qtbot, db_path):
    from ui.main_window import MainWindow

    app = start(db_path, demo=True)
    w = MainWindow(app, synchronous=True)
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitActive(w)
    ed = new_draft_with(w, "COF-KEN-NYE-250", "BRW-MOK-ALU-6")
    draft_id = ed.draft.id
    ed.edit_quantity()
    from PySide6.QtWidgets import QSpinBox
    spin = ed.lines_view.findChild(QSpinBox, "quantityEditor")
    qtbot.keyClicks(spin, "2")
    qtbot.keyClick(spin, K.Key_Return)
    qtbot.waitUntil(lambda: ed.draft.items[-1].quantity == 2)
    fill(qtbot, ed.shipping_form, {"first_name": "Priya", "last_name": "Raman", "phone": "+1 415 555 0134"})
    ed.promo_edit.setText("SAVE5")
    qtbot.keyClick(ed.promo_edit, K.Key_Return)
    # Close while the last address field is still inside its debounce: closing must save it.
    ed.shipping_form.fields["company"].setFocus()
    qtbot.keyClicks(ed.shipping_form.fields["company"], "Raman Studio")
    ed.shipping_form.fields["company"].editingFinished.emit()
    w.close()
    app.close()

    app2 = start(db_path)
    w2 = MainWindow(app2, synchronous=True)
    qtbot.addWidget(w2)
    w2.show()
    w2.activateWindow()
    qtbot.waitActive(w2)
    assert w2.list_model.rowCount() == 1 and w2.list_model.entry(0).id == draft_id
    w2.list_view.setFocus()
    w2.list_view.setCurrentIndex(w2.list_model.index(0, 0))
    qtbot.keyClick(w2.list_view, K.Key_Return)
    ed2 = w2.editor
    assert ed2.draft.id == draft_id
    assert [(i.variant_sku, i.quantity) for i in ed2.draft.items] == [("COF-KEN-NYE-250", 1), ("BRW-MOK-ALU-6", 2)]
    assert ed2.shipping_form.fields["first_name"].text() == "Priya"
    assert ed2.shipping_form.fields["company"].text() == "Raman Studio"
    assert ed2.shipping_form.fields["phone"].text() == "(415) 555-0134"  # read as people write it
    assert ed2.draft.shipping_address.phone == "+14155550134"  # stored raw
    assert ed2.draft.promo_codes == ("SAVE5",)
    assert ed2.lines_model.rowCount() == 2
    app2.close()


def test_delete_undo_redo_of_line_edits(qtbot, window):
    ed = new_draft_with(window, "COF-BRA-CER-250", "PAN-TEA-100-EGR")
    view = ed.lines_view
    view.setFocus()
    view.setCurrentIndex(ed.lines_model.index(0, 2))
    qtbot.keyClick(view, K.Key_Delete)
    assert [i.variant_sku for i in ed.draft.items] == ["PAN-TEA-100-EGR"]
    qtbot.keyClick(window, K.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert sorted(i.variant_sku for i in ed.draft.items) == ["COF-BRA-CER-250", "PAN-TEA-100-EGR"]
    # A price typed in the grid (validating delegate), then undone and redone.
    row = ed.lines_model.row_of(next(i.id for i in ed.draft.items if i.variant_sku == "PAN-TEA-100-EGR"))
    idx = ed.lines_model.index(row, ed.lines_model.COL_UNIT_PRICE)
    view.setCurrentIndex(idx)
    view.edit(idx)
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, "9.5")
    qtbot.keyClick(editor, K.Key_Return)
    tea = lambda: next(i for i in ed.draft.items if i.variant_sku == "PAN-TEA-100-EGR")  # noqa: E731
    qtbot.waitUntil(lambda: tea().unit_price == Decimal("9.5"))
    assert tea().is_custom_price
    view.setFocus()
    qtbot.keyClick(window, K.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert tea().unit_price == Decimal("12.00")
    qtbot.keyClick(window, K.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert tea().unit_price == Decimal("9.5")
    # Undo all the way back: the re-added coffee (new id) is removed again, then both lines.
    while ed.undo_stack.canUndo():
        ed.undo_stack.undo()
    assert ed.draft.items == ()


def test_bad_price_in_the_grid_is_refused(qtbot, window):
    ed = new_draft_with(window, "COF-BRA-CER-250")
    idx = ed.lines_model.index(0, ed.lines_model.COL_UNIT_PRICE)
    assert not ed.lines_model.setData(idx, "abc")
    assert not ed.lines_model.setData(ed.lines_model.index(0, ed.lines_model.COL_QTY), 0)
    assert ed.undo_stack.count() == 1  # only the add


def test_promo_feedback_unknown_and_scan_of_unknown_barcode(qtbot, window, till):
    ed = new_draft_with(window, "COF-BRA-CER-250")
    ed.promo_edit.setText("NOPE")
    qtbot.keyClick(ed.promo_edit, K.Key_Return)
    assert ed.promo_feedback.text().startswith("Unknown promo code")
    assert ed.draft.promo_codes == ()
    ed.product_search.setFocus()
    qtbot.keyClicks(ed.product_search, "0000000000000")
    qtbot.keyClick(ed.product_search, K.Key_Return)
    assert "No product matches" in ed.product_feedback.text()
    # A quantity typed before the scan: 3*barcode adds three at once.
    qtbot.keyClicks(ed.product_search, "3*2481700000428")
    qtbot.keyClick(ed.product_search, K.Key_Return)
    assert [(i.variant_sku, i.quantity) for i in ed.draft.items][-1] == ("BRW-DSC-TAB-12", 3)
    assert window.errors_shown == []


def test_threaded_op_helper_runs_off_the_ui_thread_and_reports_errors(qtbot, till):
    import threading

    from app.domain.changes import OpResult
    from ui.ops import OpRunner

    ops = OpRunner()
    seen: list[object] = []
    with qtbot.waitSignal(ops.changed, timeout=5000) as changed:
        def create() -> OpResult:
            made = drafts.create_draft({}, till.uow())
            return OpResult((threading.current_thread() is threading.main_thread(), made.value), made.changes)

        ops.run(create, success=lambda r: seen.append((r[0], threading.current_thread() is threading.main_thread())))
    assert seen == [(False, True)]  # the call ran on a worker; the callback on the UI thread
    assert changed.args[0].draft_ids
    with qtbot.waitSignal(ops.failed, timeout=5000) as failed:
        ops.run(lambda: drafts.get_draft("order_nope", till.uow()))
    assert "order_nope" in failed.args[0] or "not" in failed.args[0].lower()


def test_threaded_window_takes_an_order(qtbot, till):
    from ui.main_window import MainWindow

    w = MainWindow(till)  # the real, threaded op helper
    qtbot.addWidget(w)
    w.show()
    w.new_draft()
    qtbot.waitUntil(lambda: w.editor.draft is not None)
    ed = w.editor
    ed.product_search.setFocus()
    qtbot.keyClicks(ed.product_search, "2481700000015")
    qtbot.keyClick(ed.product_search, K.Key_Return)
    qtbot.waitUntil(lambda: len(ed.draft.items) == 1)
    qtbot.waitUntil(lambda: w.list_model.rowCount() == 1)
    w.close()


def test_order_view_shows_the_order_and_runs_lifecycle_steps(qtbot, window, till):
    ed = new_draft_with(window, "COF-HSE-ESP-1K")
    ed.mark_paid()
    dlg = ed.payment_dialog
    dlg.rows[0].amount.setText("60")
    dlg.accept()
    ov = window.order_view
    assert window.stack.currentWidget() is ov
    o = ov.order
    assert ov.facts["invoice_number"].text() == o.invoice_number
    assert ov.facts["state"].text() == "Paid · not yet fulfilled"
    assert "payment: captured" in ov.facts["state"].toolTip()  # Medusa's own value, one hover away
    assert ov.lines_model.rowCount() == 1 and ov.payments_model.rowCount() == 1
    assert ov.buttons["complete"].isVisibleTo(ov) and not ov.buttons["archive"].isVisibleTo(ov)
    ov.run_action("complete")
    assert ov.order.status == "completed" and ov.buttons["archive"].isVisibleTo(ov)
    ov.run_action("archive")
    assert ov.order.status == "archived"
    window.set_filter("all_orders")
    assert window.list_model.rowCount() == 1 and window.list_model.entry(0).invoice_number == o.invoice_number


def test_settings_dialog_saves_and_shows_field_errors(qtbot, window, till):
    from ui.settings_dialog import SettingsDialog

    dlg = SettingsDialog(till, window)
    qtbot.addWidget(dlg)
    dlg.edits["invoice_prefix"].setText("bad prefix!")
    dlg.save()
    assert dlg.errors["invoice_prefix"].text() and dlg.result() != dlg.DialogCode.Accepted
    dlg.edits["invoice_prefix"].setText("KC")
    dlg.edits["till_name"].setText("Counter 2")
    dlg.save()
    s = load_settings(till.uow())
    assert (s.till_name, s.invoice_prefix) == ("Counter 2", "KC")


def test_window_has_stable_names_shortcuts_and_sync_status(qtbot, window):
    names = ["draftList", "searchBox", "customerSearch", "productSearch", "lineItemsView", "shippingAddressForm",
             "billingAddressForm", "shippingMethodCombo", "promoCodeEdit", "totalsPanel", "markPaidButton",
             "printInvoiceButton", "syncStatusLabel"]
    from PySide6.QtWidgets import QWidget
    for n in names:
        w = window.findChild(QWidget, n)
        assert w is not None, n
        assert w.accessibleName() or w.toolTip(), n
    pb = window.findChild(QWidget, "printInvoiceButton")
    assert not pb.isEnabled() and "Print the invoice" in pb.toolTip()  # no paid draft on screen
    assert window.findChild(QWidget, "syncStatusLabel").text() == "Sync not configured"  # no server set: no worry shown
    window.set_sync_status("Online · 2 unsynced", "last sync 12:00")
    assert window.sync_label.text() == "Online · 2 unsynced"
    assert window.db_label.text() == "Database: t.sqlite"
    qtbot.keyClick(window, K.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.search_box


def test_about_box_shows_the_installed_version(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from importlib.metadata import version

    from PySide6.QtWidgets import QMessageBox

    window.about_action.trigger()
    box = window.findChild(QMessageBox, "aboutBox")
    assert box is not None and box.isVisible()
    assert f"Tilldesk {version('tilldesk')}" in box.text()
    assert str(window.app.db.path) in box.text()
    box.close()
