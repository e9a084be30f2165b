"""The Shift menu in the real window (offscreen): open with a float, cash in and out, no sale,
the X report preview, close with an over/short difference into a Z report read back from the PDF,
and the refusals (bad amounts name the field, nothing is written)."""

from __future__ import annotations

from decimal import Decimal

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from app.services import queries, shifts


def _text(pdf: bytes) -> str:
    import io

    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)


def _state(till):
    uow = till.uow()
    with uow:
        tid = shifts.till_id(uow)
        sh = uow.shifts.open_shift(tid) if tid else None
        moves = list(uow.shifts.movements(sh.id)) if sh else []
        recent = uow.shifts.recent(tid, 10) if tid else []
    return sh, moves, recent


def open_shift(window, amount: str = "150.00"):
    dlg = window.shift.open_shift()
    dlg.amount_edit.setText(amount)
    dlg.ok_button.click()
    return dlg


def pay_cash(window, amount: str, sku: str = "COF-HSE-ESP-1K"):
    window.new_draft()
    ed = window.editor
    ed.add_variant(queries.search_variants(sku, window.app.uow())[0])
    ed.mark_paid()
    dlg = ed.payment_dialog
    dlg.rows[0].amount.setText(amount)
    dlg.accept()
    return window.order_view.order


def test_open_shift_shows_in_status_bar_and_enables_the_menu(window, till):
    assert window.shift.status_label.text() == "No shift open"
    assert not window.shift.close_action.isEnabled() and window.shift.open_action.isEnabled()
    dlg = open_shift(window, "150.00")
    assert not dlg.isVisible()
    sh, _moves, _ = _state(till)
    assert sh is not None and sh.opening_float["cash"] == Decimal("150.00")
    label = window.shift.status_label.text()
    assert label.startswith("Shift open since ") and label.endswith("float 150.00")
    assert sh.opened_at.astimezone().strftime("%H:%M") in label
    assert window.shift.close_action.isEnabled() and not window.shift.open_action.isEnabled()


def test_open_shift_refuses_a_bad_float_and_writes_nothing(window, till):
    for bad, says in (("abc", "Cash float"), ("-5", "Cash float: must not be negative"),
                      ("1.234", "Cash float: has more than 2 decimals")):
        dlg = open_shift(window, bad)
        assert dlg.isVisible(), bad
        assert dlg.error_label.isVisibleTo(dlg) and dlg.error_label.text().startswith(says), dlg.error_label.text()
        assert "\n" not in dlg.error_label.text()
        assert _state(till)[0] is None  # nothing written
        dlg.reject()
    assert window.shift.status_label.text() == "No shift open"


def test_second_open_is_refused(window, till):
    open_shift(window)
    dlg = open_shift(window, "10")
    assert dlg.isVisible() and "already open" in dlg.error_label.text()
    assert len(_state(till)[2]) == 1


def test_cash_in_and_out_with_reasons_and_their_refusals(window, till):
    open_shift(window, "100.00")
    dlg = window.shift.move_cash("in")
    dlg.amount_edit.setText("20.00")
    dlg.reason_edit.setText("change brought in")
    dlg.ok_button.click()
    assert not dlg.isVisible()

    # refusals: no reason, zero, more than the drawer holds, not a number; nothing written by any
    for amount, reason, says in (("5.00", "  ", "Reason: is required"), ("0", "x", "Amount: must be more than zero"),
                                 ("500.00", "supplier", "Amount: is more than the 120.00 cash"),
                                 ("12,50", "milk", "Amount:")):
        bad = window.shift.move_cash("out")
        bad.amount_edit.setText(amount)
        bad.reason_edit.setText(reason)
        bad.ok_button.click()
        assert bad.isVisible() and bad.error_label.text().startswith(says), bad.error_label.text()
        assert bad.ok_button.isEnabled()  # can try again
        bad.reject()
    assert len(_state(till)[1]) == 1

    out = window.shift.move_cash("out")
    out.amount_edit.setText("12.50")
    out.reason_edit.setText("paid the milk supplier")
    out.ok_button.click()
    assert not out.isVisible()
    moves = _state(till)[1]
    assert [(m.kind.value, m.amount, m.reason) for m in moves] == [
        ("in", Decimal("20.00"), "change brought in"), ("out", Decimal("12.50"), "paid the milk supplier")]


def test_cash_moves_are_refused_without_an_open_shift(window, till):
    assert not window.shift.cash_in_action.isEnabled()
    dlg = window.shift.move_cash("in")  # even if reached some other way
    dlg.amount_edit.setText("5")
    dlg.reason_edit.setText("float top-up")
    dlg.ok_button.click()
    assert dlg.isVisible() and "no shift is open" in dlg.error_label.text()
    assert _state(till)[2] == []


def test_no_sale_needs_a_reason_and_is_recorded(window, till):
    dlg = window.shift.open_drawer()
    dlg.ok_button.click()
    assert dlg.isVisible() and dlg.error_label.text().startswith("Reason: is required")
    dlg.reason_edit.setText("customer needed change for parking")
    dlg.ok_button.click()
    assert not dlg.isVisible()
    uow = till.uow()
    with uow:
        rows = [(d.reason.value, d.note) for d in uow.shifts.drawer_openings()]
    assert rows == [("no_sale", "customer needed change for parking")]


def test_close_shows_over_and_short_then_the_z_report(window, till, tmp_path):
    open_shift(window, "100.00")
    order = pay_cash(window, "500")
    due = sum((p.amount for p in order.payments), Decimal(0))  # what the sale put in the drawer
    w = window.shift
    dlg_in = w.move_cash("in")
    dlg_in.amount_edit.setText("20.00")
    dlg_in.reason_edit.setText("change")
    dlg_in.ok_button.click()

    w.close_shift()
    dlg = w.dialog
    assert dlg.objectName() == "closeShiftDialog" and dlg.isVisible()
    expected_cash = Decimal("100.00") + due + Decimal("20.00")  # computed by hand: float + sale + cash in
    assert dlg.expected_labels["cash"].text() == f"{expected_cash:.2f}"
    assert not dlg.close_button.isEnabled()  # cash must be counted first
    dlg.counted["cash"].setText(f"{expected_cash - Decimal('1.50'):.2f}")
    assert dlg.difference_labels["cash"].text() == "1.50 short"
    dlg.counted["cash"].setText(f"{expected_cash + Decimal('2.00'):.2f}")
    assert dlg.difference_labels["cash"].text() == "2.00 over"
    dlg.counted["card"].setText("0.00")
    assert dlg.difference_labels["card"].text() == "0.00 exact"

    # refusal: a bad card count names the field, the shift stays open
    dlg.counted["card"].setText("-1")
    assert dlg.difference_labels["card"].text() == "not an amount"
    dlg.close_button.click()
    assert dlg.isVisible() and dlg.error_label.text().startswith("Counted card slips: must not be negative")
    assert _state(till)[0] is not None

    dlg.counted["card"].setText("")
    dlg.close_button.click()
    assert not dlg.isVisible()
    sh, _m, recent = _state(till)
    assert sh is None and recent[0].z_number == 1
    assert recent[0].counted["cash"] == expected_cash + Decimal("2.00")
    assert w.status_label.text() == "No shift open"

    preview = w.preview_dialog
    assert preview is not None and preview.windowTitle() == "Z report 1 (A4)"
    text = _text(w.last_pdf)
    assert "Z report 1" in text and "Over" in text and "2.00" in text and f"{expected_cash:.2f}" in text

    # print it through a real QPrinter into a PDF file and read that back
    out = tmp_path / "z.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    w.print_pdf(w.last_pdf, "Z report 1", printer)
    assert len(PdfReader(str(out)).pages) >= 1

    # the last Z again on an 80 mm receipt
    w.last_z("receipt")
    page = PdfReader(__import__("io").BytesIO(w.last_pdf)).pages[0]
    assert round(float(page.mediabox.width)) == round(80 / 25.4 * 72)


def test_close_refuses_an_empty_cash_count(window, till):
    open_shift(window, "50")
    window.shift.close_shift()
    dlg = window.shift.dialog
    dlg.submitted.emit({"card": "10.00"})  # as if the button were pressed with no cash count
    assert dlg.isVisible() and dlg.error_label.text().startswith("Counted cash: is required")
    assert _state(till)[0] is not None


def test_x_report_preview_renders_off_the_ui_thread(qtbot, till):
    from ui.main_window import MainWindow

    w = MainWindow(till)  # threaded, as in real use
    qtbot.addWidget(w)
    w.ops.wait()
    shifts.open_shift({"floats": {"cash": "75.00"}}, till.uow())
    w.shift.refresh()
    w.ops.wait()
    assert w.shift.x_report_action.isEnabled()
    w.shift.x_report_action.trigger()
    qtbot.waitUntil(lambda: w.shift.preview_dialog is not None, timeout=20000)
    assert w.shift.preview_dialog.windowTitle() == "X report (A4)"
    assert "X report" in _text(w.shift.last_pdf) and "75.00" in _text(w.shift.last_pdf)
    w.close()


def test_mark_paid_is_refused_without_a_shift_when_the_till_requires_one(window, till):
    uow = till.uow()
    with uow:
        uow.settings.set(shifts.REQUIRE_SHIFT_KEY, True)
        uow.commit()
    window.new_draft()
    ed = window.editor
    ed.add_variant(queries.search_variants("COF-HSE-ESP-1K", till.uow())[0])
    ed.mark_paid()
    dlg = ed.payment_dialog
    dlg.rows[0].amount.setText("500")
    dlg.accept()
    assert window.stack.currentWidget() is window.editor  # still a draft
    assert window.errors_shown == ["shift: no shift is open on this till: open one before taking payments"]
    with till.uow() as uow:
        assert uow.shifts.recent(shifts.till_id(uow) or "none", 5) == []
    open_shift(window, "0")
    order = pay_cash(window, "500")
    uow = till.uow()
    with uow:
        sh = uow.shifts.open_shift(shifts.till_id(uow))
        assert [s.invoice_number for s in uow.shifts.sales(sh.id)] == [order.invoice_number]


def test_enter_in_a_count_field_neither_closes_the_shift_nor_the_dialog(window, till, qtbot):
    from PySide6.QtCore import Qt

    open_shift(window, "10.00")
    window.shift.close_shift()
    dlg = window.shift.dialog
    dlg.counted["cash"].setText("10.00")
    qtbot.keyClick(dlg.counted["cash"], Qt.Key.Key_Return)
    assert dlg.isVisible() and dlg.difference_labels["cash"].text() == "0.00 exact"
    assert _state(till)[0] is not None  # still open: only the button closes it
