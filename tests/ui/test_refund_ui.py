"""Refunds through the window (real widgets offscreen, a real SQLite file): a partial refund of
one line with its credit note printed and read back, over-refunds and bad input refused with
nothing written, and the cancel of a paid order."""

from __future__ import annotations

from decimal import Decimal

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.domain.money import round_money
from app.services import orders, queries, refund_quote, refunds
from ui.display import money

from .test_printing_ui import A4_WIDTH_PT, RECEIPT_WIDTH_PT, pdf_printer, text_of

SKU = "COF-HSE-ESP-1K"


def paid_order(window, qty: int = 3, amount: str = "500"):
    window.new_draft()
    ed = window.editor
    ed.add_variant(queries.search_variants(SKU, window.app.uow())[0], qty)
    ed.mark_paid()
    dlg = ed.payment_dialog
    dlg.rows[0].amount.setText(amount)
    dlg.accept()
    assert window.stack.currentWidget() is window.order_view
    return window.order_view.order


def stored(till, order_id: str):
    uow = till.uow()
    with uow:
        return uow.orders.get(order_id), uow.refunds.for_order(order_id), uow.refunds.returns_for_order(order_id)


def open_refund(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dlg = window.refunds.dialog
    assert dlg is not None and dlg.isVisible()
    return dlg


def test_partial_refund_of_one_line_prints_its_credit_note(qtbot, window, tmp_path):
    o = paid_order(window, qty=3)
    assert window.refunds.button.isVisible() and not window.refunds.box.isVisible()
    line = o.items[0]
    dlg = open_refund(qtbot, window)
    assert dlg.quantities[0].maximum() == 3
    assert dlg.total is None and not dlg.refund_button.isEnabled()

    dlg.quantities[0].setValue(1)
    # One unit of three gives back its share of the line's total, rounded to the currency.
    one = round_money(line.total / 3, o.currency_code)
    assert dlg.total == one
    assert dlg.total_label.text() == money(one, o.currency_code)
    dlg.quantities[0].setValue(2)
    assert dlg.total == round_money(line.total * 2 / 3, o.currency_code)
    dlg.quantities[0].setValue(1)
    dlg.reason.setText("bag split")
    dlg.restock.setChecked(True)
    assert dlg.tender_kind() == "cash"  # the original tender comes first
    assert "original" in dlg.tender.currentText()

    window.printing.printer_factory = lambda _s: pdf_printer(tmp_path / "cn.pdf")
    qtbot.mouseClick(dlg.refund_button, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible()

    order, refs, rets = stored(window.app, o.id)
    assert order.payment_status.value == "partially_refunded"
    assert order.refunded_total == one
    assert len(refs) == 1 and refs[0].amount == one and refs[0].reason == "bag split"
    assert [(t.kind.value, t.amount) for t in refs[0].tenders] == [("cash", one)]
    assert [(ln.line_id, ln.quantity) for ln in rets[0].lines] == [(line.id, 1)] and rets[0].restock

    number = refs[0].credit_note_number
    shown = window.order_view.order
    assert shown.payment_status == "partially_refunded"
    rows = window.refunds.history.row_texts()
    assert window.refunds.box.isVisible()
    assert [r[1] for r in rows] == ["Refund", f"Return: 1 × {line.title} (restocked)"]
    assert rows[0][2] == number and rows[0][6] == "bag split" and rows[0][5] == "—"

    offer = window.refunds.print_offer
    assert offer is not None and number in offer.text()
    a4 = next(b for b in offer.buttons() if b.text() == "Print &A4")
    qtbot.mouseClick(a4, Qt.MouseButton.LeftButton)
    # The printer got the A4 pages (painted as images); the archived original reads back.
    page = PdfReader(str(tmp_path / "cn.pdf")).pages[0]
    assert abs(float(page.mediabox.width) - A4_WIDTH_PT) < 2
    first = window.refunds.last_printed
    assert first is not None and first.number == number and first.copy_number == 0
    text = text_of(first.archive_path)
    assert number in text and o.invoice_number in text and "COPY" not in text
    # A reprint from the order's list is marked COPY.
    window.printing.printer_factory = lambda _s: pdf_printer(tmp_path / "copy.pdf")
    window.refunds.history.creditNoteRequested.emit(number)
    receipt = next(b for b in window.refunds.print_offer.buttons() if b.text() == "Print &80 mm")
    qtbot.mouseClick(receipt, Qt.MouseButton.LeftButton)
    page = PdfReader(str(tmp_path / "copy.pdf")).pages[0]
    assert abs(float(page.mediabox.width) - RECEIPT_WIDTH_PT) < 2
    again = window.refunds.last_printed
    assert again.kind == "receipt" and number in text_of(again.archive_path)

    # What is left: two units, the dialog offers no more.
    dlg = open_refund(qtbot, window)
    assert dlg.quantities[0].maximum() == 2


def test_over_refund_and_bad_input_are_refused_and_nothing_is_written(qtbot, window):
    o = paid_order(window, qty=2)
    dlg = open_refund(qtbot, window)
    dlg.quantities[0].setValue(5)
    assert dlg.quantities[0].value() == 2  # the spin box never goes past what is refundable
    dlg.quantities[0].setValue(0)

    dlg.amount.setText("abc")
    assert dlg.problem_label.text() == "Plain amount: 'abc' is not an amount"
    assert not dlg.refund_button.isEnabled()
    dlg.amount.setText("1.234")
    assert dlg.problem_label.text().startswith("Plain amount: more than 2 decimals")
    too_much = o.totals.paid_total + 1
    dlg.amount.setText(str(too_much))
    assert dlg.problem_label.text().startswith("Plain amount:") and "not yet refunded" in dlg.problem_label.text()
    assert not dlg.refund_button.isEnabled()
    window.refunds.submit(dlg)  # even if the click got through: nothing is written
    assert stored(window.app, o.id)[1] == []

    dlg.amount.setText("")
    dlg.quantities[0].setValue(2)
    dlg.quantities[0].setValue(3)
    assert dlg.quantities[0].value() == 2 and dlg.problem_label.text() == ""
    dlg.quantities[0].setValue(2)
    dlg.tender.setCurrentIndex(dlg.tender.findText("Card"))
    assert dlg.problem_label.text() == "Card reference: a card refund needs the card terminal's reference"
    assert not dlg.refund_button.isEnabled()
    dlg.reference.setText("VISA 0001")
    assert dlg.problem_label.text() == "" and dlg.refund_button.isEnabled()

    # Meanwhile one unit went back at another till: this dialog's two are now an over-refund.
    one_item = {"order_id": o.id, "items": [{"line_id": o.items[0].id, "quantity": 1}]}
    one = refund_quote.quote_refund(one_item, window.app.uow())
    refunds.refund_order({**one_item, "tenders": [{"kind": "cash", "amount": str(one)}]}, window.app.uow())
    qtbot.mouseClick(dlg.refund_button, Qt.MouseButton.LeftButton)
    assert dlg.isVisible()
    assert dlg.problem_label.text().startswith(f"Quantity of {o.items[0].title}:")
    order, refs, rets = stored(window.app, o.id)
    assert len(refs) == 1 and len(rets) == 1 and order.refunded_total == one
    assert order.payment_status.value == "partially_refunded"


def test_cancel_of_a_paid_order_through_the_window_refunds_it(qtbot, window, monkeypatch):
    o = paid_order(window, qty=2, amount="500")
    asked: list[str] = []

    def yes(_parent, _title, text, *_a):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    qtbot.mouseClick(window.order_view.buttons["cancel"], Qt.MouseButton.LeftButton)
    assert "goes back through the original tenders" in asked[0]
    order, refs, _ = stored(window.app, o.id)
    assert order.status.value == "canceled" and order.payment_status.value == "refunded"
    assert len(refs) == 1 and refs[0].is_cancellation and refs[0].amount == o.totals.paid_total
    assert sum((t.amount for t in refs[0].tenders), Decimal(0)) == o.totals.paid_total
    shown = window.order_view.order
    assert shown.status == "canceled"
    assert not window.refunds.button.isVisible() and not window.refunds.action.isEnabled()
    rows = window.refunds.history.row_texts()
    assert rows[0][1] == "Cancellation" and rows[0][2] == refs[0].credit_note_number
    offer = window.refunds.print_offer  # the cancellation's credit note is offered like a refund's
    assert offer is not None and refs[0].credit_note_number in offer.text()
    assert orders.get_order(o.id, window.app.uow()).refunds[0].id == refs[0].id


def test_the_refund_runs_off_the_ui_thread(qtbot, window, monkeypatch):
    import threading

    from ui.ops import OpRunner

    o = paid_order(window, qty=2)
    window.ops = OpRunner(window)  # the threaded runner the real window uses
    ran_on: list[str] = []
    real = refunds.refund_order

    def recording(cmd, uow):
        ran_on.append(threading.current_thread().name)
        return real(cmd, uow)

    monkeypatch.setattr(refunds, "refund_order", recording)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.refunds.dialog is not None and window.refunds.dialog.isVisible())
    dlg = window.refunds.dialog
    dlg.quantities[0].setValue(1)
    assert dlg.pending and not dlg.refund_button.isEnabled()  # no click on a figure still being worked out
    qtbot.waitUntil(lambda: dlg.total is not None and dlg.refund_button.isEnabled())
    total = dlg.total
    qtbot.mouseClick(dlg.refund_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.refunds.print_offer is not None)  # offered once the refund is in
    assert ran_on and ran_on[0] != threading.current_thread().name
    order, refs, _ = stored(window.app, o.id)
    assert len(refs) == 1 and order.refunded_total == total
    window.ops.shutdown()


def test_the_order_view_names_who_refunded(qtbot, window):
    from app.services import staff

    o = paid_order(window, qty=2)
    staff.add_staff("Ana Lima", "owner", "4821", window.app.uow())
    window.app.actor = staff.sign_in("Ana Lima", "4821", window.app.uow()).value
    dlg = open_refund(qtbot, window)
    dlg.quantities[0].setValue(1)
    qtbot.mouseClick(dlg.refund_button, Qt.MouseButton.LeftButton)
    _, refs, _ = stored(window.app, o.id)
    assert refs[0].staff_id == window.app.actor.staff_id
    window.refunds.staff_names.clear()  # as after a restart: the name is looked up again
    window.open_order(o.id)
    assert [r[5] for r in window.refunds.history.row_texts()] == ["Ana Lima", "Ana Lima"]


def test_errors_name_the_field_as_the_dialog_shows_it():
    from ui.refund.dialog import field_label

    assert field_label("items.1.quantity", ["Espresso", "Moka Pot"]) == "Quantity of Moka Pot"
    assert field_label("tenders.0.reference") == "Card reference"
    assert field_label("tenders.0.amount") == "Tender"
    assert field_label("tenders") == "Tender"
    assert field_label("amount") == "Plain amount"
    assert field_label("shipping") == "Shipping"
    assert field_label(None) == ""
