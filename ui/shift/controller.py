"""Shifts in the window: ``ShiftUi(window)`` adds the Shift menu, the open shift in the status bar,
and the dialogs for open, cash in/out, no sale, X report and close with its Z report.

Every service call (and every PDF render) runs on the window's op runner or this controller's own
(reports), off the UI thread; only painting pages onto a QPrinter happens on the UI thread, as for
invoices (ui/print_jobs.py)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog, QLabel

from app.domain.money import money_str
from app.domain.shift_report import ShiftReport
from app.services import drawer, shifts
from app.services.settings import load_settings
from app.services.shifts import ShiftDTO

from ..ops import OpRunner, describe_error
from ..pdf_preview import PdfPreviewDialog
from ..print_jobs import paint_pdf
from .dialogs import AmountReasonDialog, CloseShiftDialog

NO_SHIFT = "No shift open"
FORMAT_NAMES = {"a4": "A4", "receipt": "80 mm"}


def report_title(report: ShiftReport, fmt: str) -> str:
    what = f"Z report {report.z_number}" if report.kind == "Z" else "X report"
    return f"{what} ({FORMAT_NAMES[fmt]})"


class ShiftUi:
    def __init__(self, window: Any) -> None:
        self.window = window
        self.app = window.app
        # Reports render on their own runner: a long PDF never holds up the next edit.
        self.report_ops = OpRunner(window, synchronous=window.ops.synchronous)
        self.report_ops.failed.connect(window.show_error)
        self.current: ShiftDTO | None = None
        self.dialog: Any = None  # the dialog on screen (tests reach it here)
        self.preview_dialog: PdfPreviewDialog | None = None
        self.last_report: ShiftReport | None = None
        self.last_pdf: bytes | None = None
        self.status_label = QLabel(NO_SHIFT, window)
        self.status_label.setObjectName("shiftStatusLabel")
        self.status_label.setStyleSheet("padding-left: 12px;")
        self.status_label.setAccessibleName("Shift")
        window.statusBar().addPermanentWidget(self.status_label)  # temporary messages never hide it
        menu = window.menuBar().addMenu("S&hift")
        act = window._action
        self.open_action = act(menu, "&Open shift…", ["Ctrl+Shift+O"], self.open_shift,
                               "Open a shift with the counted float (Ctrl+Shift+O)")
        self.cash_in_action = act(menu, "Cash &in…", ["Ctrl+Shift+I"], lambda: self.move_cash("in"),
                                  "Put cash into the drawer, with a reason (Ctrl+Shift+I)")
        self.cash_out_action = act(menu, "Cash o&ut…", ["Ctrl+Shift+U"], lambda: self.move_cash("out"),
                                   "Take cash out of the drawer, with a reason (Ctrl+Shift+U)")
        menu.addSeparator()
        self.x_report_action = act(menu, "&X report…", ["Ctrl+Shift+X"], lambda: self.x_report("a4"),
                                   "The open shift's figures so far, A4 (Ctrl+Shift+X)")
        self.x_receipt_action = act(menu, "X report, 80 &mm…", [], lambda: self.x_report("receipt"),
                                    "The open shift's figures so far on an 80 mm receipt")
        self.close_action = act(menu, "&Close shift…", ["Ctrl+Shift+E"], self.close_shift,
                                "Count the drawer, close the shift and print the Z report (Ctrl+Shift+E)")
        self.z_receipt_action = act(menu, "Last &Z report, 80 mm…", [], lambda: self.last_z("receipt"),
                                    "The last Z report again, on an 80 mm receipt")
        menu.addSeparator()
        self.drawer_action = act(menu, "Open &drawer (no sale)…", ["Ctrl+Shift+D"], self.open_drawer,
                                 "Open the cash drawer without a sale; the reason is recorded (Ctrl+Shift+D)")
        self.refresh()

    # --- state ------------------------------------------------------------------------------
    def refresh(self) -> None:
        app = self.app
        self.window.ops.run(lambda: shifts.current_shift(app.uow()), success=self.show_shift)

    def show_shift(self, dto: ShiftDTO | None) -> None:
        self.current = dto
        is_open = dto is not None
        self.open_action.setEnabled(not is_open)
        for a in (self.cash_in_action, self.cash_out_action, self.x_report_action, self.x_receipt_action,
                  self.close_action):
            a.setEnabled(is_open)
        if dto is None:
            self.status_label.setText(NO_SHIFT)
            self.status_label.setToolTip("Shift ▸ Open shift (Ctrl+Shift+O) to start the day with a counted float")
            return
        sh = dto.shift
        since = sh.opened_at.astimezone().strftime("%H:%M")
        cash = sh.opening_float.get("cash")
        float_text = f" · float {money_str(cash, sh.currency_code)}" if cash is not None else ""
        self.status_label.setText(f"Shift open since {since}{float_text}")
        self.status_label.setToolTip(f"Opened {sh.opened_at.astimezone():%Y-%m-%d %H:%M}; "
                                     f"{len(dto.movements)} cash movement(s)")

    def _run_in_dialog(self, dlg: Any, fn: Any, done: Any) -> None:
        """Runs a service call for a dialog: a refusal shows in the dialog (naming the field)."""
        def refused(exc: Exception) -> bool:
            dlg.show_error(describe_error(exc))
            return True

        self.window.ops.run(fn, success=done, error=refused)

    def _open(self, dlg: Any) -> Any:
        dlg.finished.connect(lambda _r: dlg.deleteLater())
        self.dialog = dlg
        dlg.open()
        return dlg

    # --- actions ----------------------------------------------------------------------------
    def open_shift(self) -> AmountReasonDialog:
        dlg = AmountReasonDialog("Open shift", "Count the cash in the drawer: that is the float the shift "
                                 "starts with.", self.window, amount_label="Cash float", reason=False,
                                 ok_text="&Open shift")
        app = self.app

        def go(amount_text: str, _reason: str) -> None:
            floats = {"cash": amount_text or "0"}
            self._run_in_dialog(dlg, lambda: shifts.open_shift({"floats": floats}, app.uow()),
                                lambda dto: self._done(dlg, "Shift opened"))

        dlg.submitted.connect(go)
        return self._open(dlg)

    def move_cash(self, direction: str) -> AmountReasonDialog:
        into = direction == "in"
        dlg = AmountReasonDialog("Cash in" if into else "Cash out",
                                 "Cash put into the drawer during the shift." if into else
                                 "Cash taken out of the drawer during the shift.", self.window,
                                 ok_text="Cash &in" if into else "Cash &out")
        app = self.app
        fn = shifts.cash_in if into else shifts.cash_out

        def moved(m: Any) -> None:
            self._done(dlg, f"Cash {'in' if into else 'out'}: {self._money(m.amount)} ({m.reason})")

        def go(amount_text: str, reason: str) -> None:
            self._run_in_dialog(dlg, lambda: fn({"amount": amount_text, "reason": reason}, app.uow()), moved)

        dlg.submitted.connect(go)
        return self._open(dlg)

    def open_drawer(self) -> AmountReasonDialog:
        dlg = AmountReasonDialog("Open drawer", "Open the cash drawer without a sale. The reason is recorded.",
                                 self.window, amount_label=None, ok_text="Open &drawer")
        app = self.app

        def go(_amount: str, reason: str) -> None:
            self._run_in_dialog(dlg, lambda: drawer.open_drawer({"reason": reason}, app.uow()),
                                lambda d: self._done(dlg, f"Drawer opened (no sale)"
                                                          f"{': ' + d.error if d.error else ''}"))

        dlg.submitted.connect(go)
        return self._open(dlg)

    def _money(self, value: Any) -> str:
        return money_str(value, self.current.shift.currency_code) if self.current else str(value)

    def _done(self, dlg: Any, message: str) -> None:
        dlg.done_ok()
        self.window.statusBar().showMessage(message, 8000)
        self.refresh()

    def close_shift(self) -> None:
        """First the figures so far (off the UI thread), then the dialog that shows them."""
        app = self.app
        self.window.ops.run(lambda: shifts.x_report(app.uow()), success=self._show_close)

    def _show_close(self, report: ShiftReport) -> CloseShiftDialog:
        dlg = CloseShiftDialog(report, self.window)
        app = self.app

        def go(counted: dict[str, str]) -> None:
            self._run_in_dialog(dlg, lambda: shifts.close_shift({"counted": counted}, app.uow()), closed)

        def closed(z: ShiftReport) -> None:
            dlg.accept()
            self.window.statusBar().showMessage(f"Shift closed: Z report {z.z_number}", 10000)
            self.refresh()
            self.show_report(z, "a4")

        dlg.submitted.connect(go)
        return self._open(dlg)

    # --- reports ----------------------------------------------------------------------------
    def x_report(self, fmt: str) -> None:
        app = self.app
        self.report_ops.run(lambda: shifts.x_report(app.uow()), success=lambda r: self.show_report(r, fmt))

    def last_z(self, fmt: str) -> None:
        if self.last_report is not None and self.last_report.kind == "Z":
            self.show_report(self.last_report, fmt)
            return
        app = self.app

        def newest() -> ShiftReport:
            closed = [s for s in shifts.list_shifts(app.uow()) if s.z_number is not None]
            if not closed:
                from app.domain.errors import InvalidValue

                raise InvalidValue("no shift has been closed on this till yet", field="z_number")
            return shifts.z_report(max(s.z_number or 0 for s in closed), app.uow())

        self.report_ops.run(newest, success=lambda r: self.show_report(r, fmt))

    def show_report(self, report: ShiftReport, fmt: str) -> None:
        """Renders the PDF off the UI thread, then shows it in the preview (print or save from there)."""
        app = self.app
        self.window.statusBar().showMessage(f"Preparing the {report_title(report, fmt)}…", 0)

        def show(pdf: bytes) -> None:
            self.window.statusBar().clearMessage()
            self.last_report, self.last_pdf = report, pdf
            dlg = PdfPreviewDialog(pdf, report_title(report, fmt), self.window)
            dlg.setObjectName("shiftReportPreview")
            dlg.print_button.setToolTip("Print this report")
            dlg.save_button.setToolTip("Save this report as a PDF file")
            dlg.printRequested.connect(lambda: self.print_pdf(pdf, report_title(report, fmt)))
            dlg.saveRequested.connect(lambda: self.save_pdf(pdf, report, fmt))
            dlg.finished.connect(lambda _r: dlg.deleteLater())
            self.preview_dialog = dlg
            dlg.open()

        self.report_ops.run(lambda: shifts.report_pdf(report, fmt, app.uow()), success=show)

    def print_pdf(self, pdf: bytes, title: str, printer: QPrinter | None = None) -> None:
        printer = printer or self.window.printing.printer_factory(load_settings(self.app.uow()))
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and not printer.outputFileName():
            self.window.show_error("No printer is installed. Use Save as PDF…, or add a printer and choose it "
                                   "in Settings.")
            return
        printer.setDocName(title)
        try:
            pages = paint_pdf(printer, pdf)
        except Exception as exc:  # noqa: BLE001 - shown to staff
            self.window.show_error(f"{title} did not print: {exc}")
            return
        self.window.statusBar().showMessage(f"Printed the {title} ({pages} page{'s' if pages != 1 else ''})", 8000)

    def save_pdf(self, pdf: bytes, report: ShiftReport, fmt: str) -> None:
        stem = f"Z-{report.z_number}" if report.kind == "Z" else "X-report"
        name = f"{stem}{'-receipt' if fmt == 'receipt' else ''}.pdf"
        chosen, _f = QFileDialog.getSaveFileName(self.window, f"Save the {report_title(report, fmt)} as PDF",
                                                 str(Path.home() / name), "PDF files (*.pdf)")
        if not chosen:
            return
        path = Path(chosen)
        fd, tmp = tempfile.mkstemp(prefix=".tilldesk-", suffix=".pdf", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(pdf)
            os.replace(tmp, path)  # never half a PDF under the chosen name
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            self.window.show_error(f"Could not save {path.name}: {exc}")
            return
        self.window.statusBar().showMessage(f"Saved the {report_title(report, fmt)} as {path.name}", 8000)

    def shutdown(self) -> None:
        self.report_ops.shutdown()
