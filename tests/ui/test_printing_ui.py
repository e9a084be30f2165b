"""Printing from the window: invoices through a real QPrinter (PDF output read back with pypdf),
copies recorded and archived, the QtPdf preview, Save as PDF, the automatic receipt after Mark
Paid, and ESC/POS receipts to a socket server on 127.0.0.1 that captures the bytes."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.services import queries
from app.services.invoices import preview_document
from app.services.settings import save_settings

A4_WIDTH_PT = 595.3
RECEIPT_WIDTH_PT = 80 / 25.4 * 72


def pdf_printer(path: Path) -> QPrinter:
    p = QPrinter(QPrinter.PrinterMode.HighResolution)
    p.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    p.setOutputFileName(str(path))
    return p


def pay(window, *skus: str, amount: str = "500"):
    window.new_draft()
    return pay_open_draft(window, *skus, amount=amount)


def pay_open_draft(window, *skus: str, amount: str = "500"):
    ed = window.editor
    for sku in skus or ("COF-HSE-ESP-1K",):
        ed.add_variant(queries.search_variants(sku, window.app.uow())[0])
    ed.mark_paid()
    dlg = ed.payment_dialog
    dlg.rows[0].amount.setText(amount)
    dlg.accept()
    assert window.stack.currentWidget() is window.order_view
    return window.order_view.order


def prints(till, order_id: str) -> list[tuple[str, int, str | None]]:
    uow = till.uow()
    with uow:
        return [(r.kind, r.copy_number, r.destination) for r in uow.prints.for_order(order_id)]


def text_of(path_or_bytes) -> str:
    import io

    src = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else str(path_or_bytes)
    return "\n".join(page.extract_text() or "" for page in PdfReader(src).pages)


class CaptureServer:
    """A raw-printing (port 9100 style) server on 127.0.0.1 keeping every job's bytes."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.jobs: list[bytes] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while chunk := conn.recv(65536):
                    data += chunk
            self.jobs.append(data)
            self.done.set()

    def close(self) -> None:
        # shutdown wakes the blocked accept(); a bare close() would leave the port listening.
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.thread.join(5)


@pytest.fixture
def capture():
    server = CaptureServer()
    yield server
    server.close()


def test_invoice_prints_through_a_pdf_qprinter_and_a_reprint_is_copy_1(qtbot, window, till, tmp_path):
    order = pay(window)
    printing = window.printing
    first = tmp_path / "first.pdf"
    with qtbot.waitSignal(printing.printed, timeout=10000) as sig:
        printing.print_order(order.id, "a4", order.invoice_number, printer=pdf_printer(first), dialog=False)
    out = sig.args[0]
    assert out.printed.copy_number == 0 and out.pages == 1 and out.destination == str(first)
    assert window.statusBar().currentMessage().startswith(f"Printed invoice {order.invoice_number}")

    # What reached the printer: one A4 page named after the invoice, painted on white paper.
    reader = PdfReader(str(first))
    assert len(reader.pages) == 1
    assert order.invoice_number in reader.metadata.title
    page = reader.pages[0]
    assert abs(float(page.mediabox.width) - A4_WIDTH_PT) < 2
    images = page.images
    assert len(images) == 1
    img = images[0].image.convert("L")
    assert img.width >= 2000  # rendered at printer resolution (capped at 300 dpi), not screen
    assert img.getpixel((0, 0)) > 250 and img.getpixel((img.width - 1, img.height - 1)) > 250  # white, not transparent
    dark = sum(img.resize((400, 566)).histogram()[:128])
    assert dark > 400  # there is print on it
    # The archived original is the vector PDF with the invoice number as text.
    assert order.invoice_number in text_of(out.printed.archive_path) and "COPY" not in text_of(out.printed.archive_path)

    second = tmp_path / "second.pdf"
    with qtbot.waitSignal(printing.printed, timeout=10000) as sig:
        printing.print_order(order.id, "a4", order.invoice_number, printer=pdf_printer(second), dialog=False)
    again = sig.args[0]
    assert again.printed.copy_number == 1
    assert window.statusBar().currentMessage().startswith(f"Printed copy 1 of invoice {order.invoice_number}")
    assert "COPY 1" in text_of(again.printed.archive_path)
    assert prints(till, order.id) == [("a4", 0, str(first)), ("a4", 1, str(second))]
    archived = sorted(p.name for p in till.archive_dir.iterdir() if p.suffix == ".pdf")
    assert len(archived) == 2 and all(order.invoice_number in n for n in archived)
    assert second.stat().st_size > 10000


def test_print_buttons_are_enabled_on_an_order_and_ctrl_p_prints(qtbot, window, till, tmp_path):
    from PySide6.QtCore import Qt

    assert not window.order_view.print_button.isEnabled()
    order = pay(window)
    ov = window.order_view
    for b in ov.document_buttons.values():
        assert b.isEnabled() and "arrives" not in b.toolTip()
    window.printing.printer_factory = lambda _s: pdf_printer(tmp_path / "ctrl-p.pdf")
    save_settings({"print_dialog": False}, till.uow())
    with qtbot.waitSignal(window.printing.printed, timeout=10000):
        qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert (tmp_path / "ctrl-p.pdf").is_file()
    assert prints(till, order.id)[0][:2] == ("a4", 0)


def test_preview_shows_every_page_and_records_nothing_until_print(qtbot, window, till, tmp_path):
    skus = [v.sku for v in queries.search_variants("", till.uow())[:40]]
    order = pay(window, *skus, amount="5000")
    expected = len(PdfReader(__import__("io").BytesIO(preview_document(order.id, "a4", till.uow()))).pages)
    assert expected >= 2  # a long order: the preview must show more than its first page
    window.order_document("preview")
    dlg = window.printing.preview_dialog
    assert dlg is not None and dlg.isVisible()
    qtbot.addWidget(dlg)
    assert dlg.page_count == expected and dlg.pages_label.text() == f"{expected} pages"
    assert order.invoice_number in dlg.windowTitle()
    assert prints(till, order.id) == []  # looking is not printing
    window.printing.printer_factory = lambda _s: pdf_printer(tmp_path / "from-preview.pdf")
    save_settings({"print_dialog": False}, till.uow())
    with qtbot.waitSignal(window.printing.printed, timeout=10000):
        dlg.print_button.click()
    assert len(PdfReader(str(tmp_path / "from-preview.pdf")).pages) == expected
    assert prints(till, order.id)[0][:2] == ("a4", 0)


def test_save_as_pdf_writes_a_recorded_copy_and_never_replaces_a_file_unasked(qtbot, window, till, tmp_path,
                                                                                 monkeypatch):
    order = pay(window)
    target = tmp_path / "saved.pdf"
    asked: list[str] = []

    def choose(parent, caption, directory, filt, *a, **k):
        asked.append(directory)
        return str(target), filt

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    with qtbot.waitSignal(window.printing.saved, timeout=10000):
        window.order_document("save")
    assert asked and asked[0].endswith(f"{order.invoice_number}.pdf")
    assert order.invoice_number in text_of(target)
    assert prints(till, order.id) == [("a4", 0, str(target))]
    assert window.statusBar().currentMessage() == f"Saved invoice {order.invoice_number} as saved.pdf"

    # A name typed without '.pdf' whose '.pdf' file exists: the dialog never confirmed that one.
    existing = tmp_path / "keep.pdf"
    existing.write_bytes(b"not mine")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(tmp_path / "keep"), "")))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.No))
    window.order_document("save")
    assert existing.read_bytes() == b"not mine"
    assert len(prints(till, order.id)) == 1
    # Cancelling the dialog writes and records nothing.
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    window.order_document("save")
    assert len(prints(till, order.id)) == 1


def test_receipt_prints_automatically_after_mark_paid_exactly_once(qtbot, till, tmp_path):
    from ui.main_window import MainWindow

    save_settings({"auto_print_receipt": True, "print_dialog": True}, till.uow())
    w = MainWindow(till, synchronous=True)
    qtbot.addWidget(w)
    w.show()
    out = tmp_path / "receipt.pdf"
    w.printing.printer_factory = lambda _s: pdf_printer(out)
    seen: list[object] = []
    w.printing.printed.connect(seen.append)
    order = pay(w)
    assert len(seen) == 1  # no print dialog for the counter, whatever print_dialog says
    assert prints(till, order.id) == [("receipt", 0, str(out))]
    reader = PdfReader(str(out))
    assert len(reader.pages) == 1
    assert abs(float(reader.pages[0].mediabox.width) - RECEIPT_WIDTH_PT) < 2  # the 80 mm roll
    # A second sale prints its own receipt once, and nothing more for the first order.
    order2 = pay(w, "COF-HSE-ESP-1K")
    assert len(seen) == 2 and len(prints(till, order.id)) == 1 and len(prints(till, order2.id)) == 1


def test_no_receipt_after_mark_paid_when_the_setting_is_off(qtbot, window, till, tmp_path):
    window.printing.printer_factory = lambda _s: pdf_printer(tmp_path / "never.pdf")
    order = pay(window)
    assert prints(till, order.id) == [] and not (tmp_path / "never.pdf").exists()


def test_receipt_goes_to_the_escpos_printer_and_an_unreachable_one_is_shown_plainly(qtbot, window, till, capture):
    save_settings({"escpos_host": "127.0.0.1", "escpos_port": capture.port}, till.uow())
    order = pay(window)
    with qtbot.waitSignal(window.printing.printed, timeout=10000) as sig:
        window.order_document("receipt")
    assert capture.done.wait(5)
    job = capture.jobs[0]
    assert job.startswith(b"\x1b@")  # ESC @: initialise
    assert order.invoice_number.encode() in job
    assert b"\x1dV" in job[-8:]  # GS V: cut
    assert sig.args[0].printed.copy_number == 0
    assert prints(till, order.id) == [("receipt", 0, f"escpos 127.0.0.1:{capture.port}")]
    assert window.statusBar().currentMessage().startswith(f"Printed receipt for invoice {order.invoice_number}")

    capture.done.clear()
    with qtbot.waitSignal(window.printing.printed, timeout=10000):
        window.order_document("receipt")
    assert capture.done.wait(5) and b"COPY 1" in capture.jobs[1]

    # Nobody listening any more: the error is said plainly and nothing is recorded.
    capture.close()
    window.order_document("receipt")
    assert window.errors_shown[-1].startswith(f"Receipt printer 127.0.0.1:{capture.port} is unavailable")
    assert "Something went wrong" not in window.errors_shown[-1]
    assert window.statusBar().currentMessage() == "Printing failed"
    assert len(prints(till, order.id)) == 2


def test_a_slow_receipt_printer_does_not_hold_up_the_window(qtbot, till, capture, monkeypatch):
    """Threaded: while the printer job hangs, the window keeps taking edits."""
    import ui.print_jobs as print_jobs
    from ui.main_window import MainWindow

    gate = threading.Event()
    real_send = print_jobs.send_to_network_printer
    on_ui_thread: list[bool] = []

    def slow_send(*a, **k):
        on_ui_thread.append(threading.current_thread() is threading.main_thread())
        gate.wait(30)
        return real_send(*a, **k)

    monkeypatch.setattr(print_jobs, "send_to_network_printer", slow_send)
    save_settings({"escpos_host": "127.0.0.1", "escpos_port": capture.port}, till.uow())
    w = MainWindow(till)
    qtbot.addWidget(w)
    w.show()
    try:
        w.new_draft()
        qtbot.waitUntil(lambda: w.editor.draft is not None)
        w.editor.add_variant(queries.search_variants("COF-HSE-ESP-1K", till.uow())[0])
        qtbot.waitUntil(lambda: len(w.editor.draft.items) == 1)
        w.editor.mark_paid()
        w.editor.payment_dialog.rows[0].amount.setText("500")
        w.editor.payment_dialog.accept()
        qtbot.waitUntil(lambda: w.order_view.order is not None and w.stack.currentWidget() is w.order_view)
        w.order_document("receipt")
        qtbot.waitUntil(lambda: bool(on_ui_thread))
        assert on_ui_thread == [False]
        # The printer is stuck; a new draft still opens.
        w.new_draft()
        qtbot.waitUntil(lambda: w.stack.currentWidget() is w.editor and w.editor.draft is not None)
        assert capture.jobs == []
        with qtbot.waitSignal(w.printing.printed, timeout=10000):
            gate.set()
        assert capture.done.wait(5)
    finally:
        gate.set()
        w.close()


def test_settings_dialog_saves_the_printing_settings(qtbot, window, till):
    from app.services.settings import load_settings
    from ui.settings_dialog import SettingsDialog

    save_settings({"default_printer": "Back office laser"}, till.uow())
    dlg = SettingsDialog(till, window)
    qtbot.addWidget(dlg)
    # A printer that is switched off today is kept, not silently replaced by the default.
    assert dlg.printer.currentData() == "Back office laser" and "not found" in dlg.printer.currentText()
    assert dlg.printer.itemData(0) is None  # "(system default)"
    dlg.print_dialog.setChecked(False)
    dlg.auto_receipt.setChecked(True)
    dlg.escpos_host.setText(" 127.0.0.1 ")
    dlg.escpos_port.setValue(9101)
    dlg.printer.setCurrentIndex(0)
    dlg.save()
    s = load_settings(till.uow())
    assert (s.default_printer, s.print_dialog, s.auto_print_receipt, s.escpos_host, s.escpos_port) == \
        (None, False, True, "127.0.0.1", 9101)
    dlg2 = SettingsDialog(till, window)
    qtbot.addWidget(dlg2)
    dlg2.escpos_host.clear()
    dlg2.save()
    assert load_settings(till.uow()).escpos_host is None  # empty: receipts go through QPrinter again


def test_print_dialog_comes_first_and_cancelling_it_records_nothing(qtbot, till, tmp_path):
    """Threaded window: the dialog is shown before anything is rendered or recorded."""
    from PySide6.QtPrintSupport import QPrintDialog

    from ui.main_window import MainWindow

    w = MainWindow(till)
    qtbot.addWidget(w)
    w.show()
    try:
        w.new_draft()
        qtbot.waitUntil(lambda: w.editor.draft is not None)
        w.editor.add_variant(queries.search_variants("COF-HSE-ESP-1K", till.uow())[0])
        qtbot.waitUntil(lambda: len(w.editor.draft.items) == 1)
        w.editor.mark_paid()
        w.editor.payment_dialog.rows[0].amount.setText("500")
        w.editor.payment_dialog.accept()
        qtbot.waitUntil(lambda: w.order_view.order is not None and w.stack.currentWidget() is w.order_view)
        order = w.order_view.order
        out = tmp_path / "dialog.pdf"
        w.printing.printer_factory = lambda _s: pdf_printer(out)

        w.order_document("a4")  # print_dialog defaults to on
        dlg = w.findChild(QPrintDialog, "printDialog")
        assert dlg is not None and dlg.isVisible()
        dlg.reject()
        w.printing.ops.wait()
        assert prints(till, order.id) == [] and not out.exists()

        w.order_document("a4")
        dlg = [d for d in w.findChildren(QPrintDialog, "printDialog") if d.isVisible()][0]
        with qtbot.waitSignal(w.printing.printed, timeout=10000):
            dlg.accept()
        assert prints(till, order.id) == [("a4", 0, str(out))]
        assert order.invoice_number in PdfReader(str(out)).metadata.title
    finally:
        w.close()


def test_a_paid_draft_reopened_in_the_editor_prints_its_invoice(qtbot, window, till, tmp_path):
    window.new_draft()
    draft_id = window.editor.draft.id
    order = pay_open_draft(window)
    window.open_draft(draft_id)
    ed = window.editor
    assert window.stack.currentWidget() is ed and ed.draft.order_id == order.id
    assert ed.print_button.isEnabled()
    window.printing.printer_factory = lambda _s: pdf_printer(tmp_path / "from-editor.pdf")
    save_settings({"print_dialog": False}, till.uow())
    with qtbot.waitSignal(window.printing.printed, timeout=10000):
        ed.print_button.click()
    assert order.invoice_number in PdfReader(str(tmp_path / "from-editor.pdf")).metadata.title
    assert prints(till, order.id) == [("a4", 0, str(tmp_path / "from-editor.pdf"))]
    window.new_draft()  # an open draft has nothing to print
    assert not ed.print_button.isEnabled()
    window.order_document("a4")
    assert window.statusBar().currentMessage() == "Open a paid order to print its invoice"
