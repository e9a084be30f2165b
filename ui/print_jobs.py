"""Printing in the window: invoices and receipts to a system printer (QPrinter), receipts to a
network thermal printer (ESC/POS), a preview, and Save as PDF.

Rendering, archiving and recording a print (`print_document`) and talking to a network printer
run on a worker thread. Printing jobs have their OWN op runner, separate from the window's edit
queue: a receipt printer that takes ten seconds to time out must not hold up the next draft.
Only painting pages onto a QPrinter happens on the UI thread (Qt requires it); that is local
spooling, a fraction of a second a page.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRectF, QSizeF, Signal
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from app.bootstrap import App
from app.printing.escpos import PrinterUnavailableError, receipt_escpos_bytes, send_to_network_printer
from app.services import orders
from app.services.invoices import PrintedDocument, invoice_document, preview_document, print_document
from app.services.settings import TillSettings, load_settings

from .ops import OpRunner
from .pdf_preview import PdfPreviewDialog, load_pdf, render_page_on_white

KIND_NAMES = {"a4": "invoice", "receipt": "receipt"}
MAX_RENDER_DPI = 300  # more only makes bigger spool files: receipt and A4 text are sharp at 300
ESCPOS_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    printed: PrintedDocument
    destination: str
    pages: int = 0


def describe(kind: str, label: str, copy_number: int | None = None) -> str:
    """'invoice TD-2026-000001', 'copy 2 of invoice …', 'receipt for invoice …'."""
    what = f"invoice {label}" if kind == "a4" else f"receipt for invoice {label}"
    if copy_number:
        return f"copy {copy_number} of {'the ' if kind == 'receipt' else ''}{what}"
    return what


def paint_pdf(printer: QPrinter, pdf: bytes) -> int:
    """Paint every page of `pdf` onto `printer`, each page rendered at the printer's resolution
    (at most MAX_RENDER_DPI) onto white and fitted to the paper. Returns the pages painted."""
    doc, buf = load_pdf(pdf)
    try:
        first = doc.pagePointSize(0)
        # The paper follows the document (A4, or a receipt roll's width and length); FuzzyMatch
        # makes 'A4 from reportlab' the printer's A4 rather than a custom size.
        printer.setPageSize(QPageSize(QSizeF(first.width(), first.height()), QPageSize.Unit.Point, "",
                                      QPageSize.SizeMatchPolicy.FuzzyMatch))
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        printer.setFullPage(True)  # the PDF carries its own margins
        dpi = min(printer.resolution(), MAX_RENDER_DPI)
        painter = QPainter()
        if not painter.begin(printer):
            name = printer.printerName() or printer.outputFileName() or "the printer"
            raise OSError(f"Could not start printing on {name}")
        try:
            for page in range(doc.pageCount()):
                if page:
                    printer.newPage()
                image = render_page_on_white(doc, page, dpi)
                paper = printer.paperRect(QPrinter.Unit.DevicePixel)
                pt = doc.pagePointSize(page)
                scale = min(paper.width() / pt.width(), paper.height() / pt.height())
                target = QRectF(0, 0, pt.width() * scale, pt.height() * scale)
                painter.drawImage(target, image)
        finally:
            painter.end()
        return doc.pageCount()
    finally:
        doc.close()
        buf.close()


def _write_new_file(path: Path, data: bytes) -> None:
    # Written beside the target and renamed: a crash never leaves half a PDF under the chosen name.
    fd, tmp = tempfile.mkstemp(prefix=".tilldesk-", suffix=".pdf", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def escpos_receipt_job(app: App, order_id: str, host: str, port: int) -> PrintOutcome:
    """Worker thread: the receipt is sent first and recorded only once the printer took it, so a
    dead printer never leaves a recorded 'original' that nobody holds."""
    settings = load_settings(app.uow())
    order = orders.get_order(order_id, app.uow())
    uow = app.uow()
    with uow:
        copy_number = uow.prints.count(order_id, "receipt")
    data = receipt_escpos_bytes(invoice_document(order, settings, copy_number))
    send_to_network_printer(host, port, data, timeout=ESCPOS_TIMEOUT)
    destination = f"escpos {host}:{port}"
    return PrintOutcome(print_document(order_id, "receipt", app.uow(), app.archive_dir, destination=destination),
                        destination)


class PrintController(QObject):
    """Print, preview and save the documents of a paid order. `status` shows a line in the status
    bar; errors go to `error` (the window's one way of showing them)."""

    printed = Signal(object)  # PrintOutcome, after the job left Tilldesk
    saved = Signal(object)  # PrintOutcome, after Save as PDF wrote its file

    def __init__(self, app: App, parent: QWidget, *, synchronous: bool = False,
                 status: Callable[[str, int], None] | None = None,
                 error: Callable[[str], None] | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.parent_widget = parent
        self.ops = OpRunner(self, synchronous=synchronous)
        self._status = status or (lambda _m, _t: None)
        self._error = error or (lambda _m: None)
        self.ops.failed.connect(lambda message, _exc: self._fail(message))
        self.preview_dialog: PdfPreviewDialog | None = None
        # Tests (and a future 'print to file' setting) give a printer of their own here.
        self.printer_factory: Callable[[TillSettings], QPrinter] = make_printer

    def shutdown(self) -> None:
        self.ops.shutdown()

    def settings(self) -> TillSettings:
        return load_settings(self.app.uow())

    # --- printing ---------------------------------------------------------------------------
    def print_order(self, order_id: str, kind: str, label: str, *, printer: QPrinter | None = None,
                    dialog: bool | None = None) -> None:
        """Print the next copy of the invoice (kind 'a4') or receipt. A receipt goes to the ESC/POS
        printer when one is set; everything else through QPrinter, with the print dialog if the
        setting asks for it (and `dialog` does not say otherwise)."""
        s = self.settings()
        if kind == "receipt" and s.escpos_host and printer is None:
            host, port = s.escpos_host, s.escpos_port
            self._status(f"Printing {describe(kind, label)} on {host}:{port}…", 0)
            app = self.app
            self.ops.run(lambda: escpos_receipt_job(app, order_id, host, port),
                         success=lambda out: self._done(out, kind, label), error=self._printer_error)
            return
        printer = printer or self.printer_factory(s)
        if dialog if dialog is not None else s.print_dialog:
            dlg = QPrintDialog(printer, self.parent_widget)
            dlg.setObjectName("printDialog")
            dlg.setWindowTitle(f"Print {describe(kind, label)}")
            dlg.accepted.connect(lambda: self._render_and_paint(order_id, kind, label, printer))
            dlg.finished.connect(lambda _r: dlg.deleteLater())
            # Window-modal, not exec(): the window keeps running. QDialog's open(), because PySide6's
            # QPrintDialog.open() only exists as the (receiver, slot) overload.
            QDialog.open(dlg)
            return
        self._render_and_paint(order_id, kind, label, printer)

    def _render_and_paint(self, order_id: str, kind: str, label: str, printer: QPrinter) -> None:
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and not printer.outputFileName():
            # Qt's stand-in when no printer is installed: it would print into nothing.
            self._fail("No printer is installed. Use Save as PDF…, or add a printer and choose it in Settings.")
            return
        destination = printer.outputFileName() if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat \
            else printer.printerName()
        printer.setDocName(f"{KIND_NAMES[kind].capitalize()} {label}")
        self._status(f"Printing {describe(kind, label)}…", 0)
        app = self.app

        def paint(printed: PrintedDocument) -> None:
            try:
                pages = paint_pdf(printer, printed.pdf)
            except Exception as exc:  # noqa: BLE001 - shown; the copy stays archived
                self._fail(f"{exc}. The {KIND_NAMES[kind]} was archived as {printed.archive_path.name}.")
                return
            self._done(PrintOutcome(printed, destination, pages), kind, label)

        self.ops.run(lambda: print_document(order_id, kind, app.uow(), app.archive_dir, destination=destination),
                     success=paint)

    def _done(self, out: PrintOutcome, kind: str, label: str) -> None:
        where = f" on {out.destination}" if out.destination else ""
        self._status(f"Printed {describe(kind, label, out.printed.copy_number)}{where}", 10000)
        self.printed.emit(out)

    def _printer_error(self, exc: Exception) -> bool:
        if isinstance(exc, PrinterUnavailableError):
            self._fail(exc.strerror or str(exc))
            return True
        return False

    def _fail(self, message: str) -> None:
        self._status("Printing failed", 10000)
        self._error(message)

    # --- preview and save -------------------------------------------------------------------
    def preview(self, order_id: str, kind: str, label: str) -> None:
        app = self.app
        self._status(f"Preparing the preview of {describe(kind, label)}…", 0)

        def show(pdf: bytes) -> None:
            self._status("", 0)
            dlg = PdfPreviewDialog(pdf, f"Preview — {describe(kind, label)}", self.parent_widget)
            dlg.printRequested.connect(lambda: self.print_order(order_id, kind, label))
            dlg.saveRequested.connect(lambda: self.save_as_pdf(order_id, kind, label))
            dlg.finished.connect(lambda _r: dlg.deleteLater())
            self.preview_dialog = dlg
            dlg.open()

        self.ops.run(lambda: preview_document(order_id, kind, app.uow()), success=show)

    def save_as_pdf(self, order_id: str, kind: str, label: str) -> None:
        name = f"{label}{'-receipt' if kind == 'receipt' else ''}.pdf"
        # The dialog asks before replacing an existing file; nothing is written without that.
        chosen, _filter = QFileDialog.getSaveFileName(self.parent_widget, f"Save {describe(kind, label)} as PDF",
                                                      str(Path.home() / name), "PDF files (*.pdf)")
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
            # The dialog confirmed the name without '.pdf'; this one it never saw.
            if path.exists() and QMessageBox.question(
                    self.parent_widget, "Save as PDF", f"{path.name} already exists. Replace it?",
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                    QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:
                return
        app = self.app
        self._status(f"Saving {describe(kind, label)}…", 0)

        def job() -> PrintOutcome:
            printed = print_document(order_id, kind, app.uow(), app.archive_dir, destination=str(path))
            _write_new_file(path, printed.pdf)
            return PrintOutcome(printed, str(path))

        def done(out: PrintOutcome) -> None:
            self._status(f"Saved {describe(kind, label, out.printed.copy_number)} as {path.name}", 10000)
            self.saved.emit(out)

        self.ops.run(job, success=done)


def make_printer(settings: TillSettings) -> QPrinter:
    """The printer the settings name, or the system's default."""
    info = QPrinterInfo.printerInfo(settings.default_printer) if settings.default_printer else None
    if info is not None and not info.isNull():
        return QPrinter(info, QPrinter.PrinterMode.HighResolution)
    return QPrinter(QPrinter.PrinterMode.HighResolution)


__all__: list[Any] = ["PrintController", "PrintOutcome", "describe", "make_printer",
                      "paint_pdf"]
