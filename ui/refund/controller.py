"""Refunds in the window: the Refund… action (Ctrl+R) and button on the order view, the dialog
run through the window's op runner (off the UI thread), the offer to print the credit note (A4
or the 80 mm roll) and the order view's list of refunds, returns and credit notes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QGroupBox, QMenu, QMessageBox, QPushButton, QVBoxLayout

from app.services import credit_notes, exchanges, refund_quote, refunds
from app.services.dto import OrderDTO

from ..display import money
from ..print_jobs import paint_pdf
from .dialog import RefundDialog
from .history import RefundHistory, refund_rows

if TYPE_CHECKING:
    from ..main_window import MainWindow

SHORTCUT = "Ctrl+R"
FORMATS = (("a4", "Print &A4"), ("receipt", "Print &80 mm"))


class RefundUi(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.view = window.order_view
        self.dialog: RefundDialog | None = None
        self.print_offer: QMessageBox | None = None
        self.staff_names: dict[str, str] = {}
        self.last_printed: credit_notes.PrintedCreditNote | None = None
        self.last_exchange: exchanges.ExchangeDTO | None = None
        self._seen: tuple[str, int] = ("", 0)  # the order last shown and its number of refunds

        self.button = QPushButton("&Refund…", self.view)
        self.button.setObjectName("refundOrderButton")
        self.button.setToolTip(f"Refund items, the shipping or an amount of this order ({SHORTCUT})")
        self.button.clicked.connect(self.open_dialog)
        self.button.setVisible(False)
        # Beside the lifecycle buttons (Complete, Cancel, Archive), before the documents.
        self.view.side_layout.insertWidget(len(self.view.buttons), self.button)

        box = QGroupBox("Refunds, returns and credit notes", self.view)
        box.setObjectName("orderRefundsBox")
        lay = QVBoxLayout(box)
        self.history = RefundHistory(box)
        self.history.creditNoteRequested.connect(self.offer_print)
        lay.addWidget(self.history)
        box.setVisible(False)
        self.box = box
        self.view.main_layout.addWidget(box, 1)
        self.view.orderShown.connect(self.order_shown)

        self.action = QAction("&Refund…", window)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.setStatusTip("Refund part or all of the open order")
        self.action.setEnabled(False)
        self.action.triggered.connect(self.open_dialog)
        window.addAction(self.action)
        order_menu = next((m for a in window.menuBar().actions() if a.text() == "&Order"
                           and isinstance(m := a.menu(), QMenu)), None)
        if order_menu is not None:  # after Save as PDF…, before the draft's own steps
            after = order_menu.actions()[6:7]
            order_menu.insertAction(after[0], self.action) if after else order_menu.addAction(self.action)

    # --- the order view ---------------------------------------------------------------------
    def order_shown(self, o: OrderDTO) -> None:
        seen, self._seen = self._seen, (o.id, len(o.refunds))
        if seen[0] == o.id and len(o.refunds) > seen[1] and o.refunds[-1].is_cancellation:
            # Cancel order (the order view's button) refunded what was paid: its credit note too.
            self.offer_print(o.refunds[-1].credit_note_number)
        can = "refund" in o.allowed_actions
        self.button.setVisible(can)
        self.action.setEnabled(can)
        self.box.setVisible(bool(o.refunds or o.returns))
        c = o.currency_code
        self.box.setTitle(f"Refunds, returns and credit notes — refunded {money(o.totals.refunded_total, c)}"
                          f" of {money(o.totals.paid_total, c)} paid")
        ids = [r.staff_id for r in o.refunds if r.staff_id and r.staff_id not in self.staff_names]
        self.history.set_rows(refund_rows(o, self.staff_names))
        if ids:
            app = self.w.app

            def named(names: dict[str, str]) -> None:
                self.staff_names.update(names)
                if self.view.order is not None and self.view.order.id == o.id:
                    self.history.set_rows(refund_rows(o, self.staff_names))

            self.w.ops.query("refund-staff", lambda: refund_quote.staff_names(ids, app.uow()), named)

    # --- the dialog -------------------------------------------------------------------------
    def open_dialog(self) -> None:
        o = self.view.order
        if o is None or "refund" not in o.allowed_actions or self.w.stack.currentWidget() is not self.view:
            return
        app = self.w.app
        self.w.ops.run(lambda: refund_quote.refundable(o.id, app.uow()), success=self._show_dialog)

    def _quote(self, req: dict[str, Any], done: Any, failed: Any) -> None:
        app = self.w.app
        self.w.ops.query("refund-quote", lambda: refund_quote.quote_refund(req, app.uow()), done, failed)

    def _show_dialog(self, info: refund_quote.RefundableDTO) -> None:
        dlg = RefundDialog(info, self._quote, self.w)
        dlg.buttons.accepted.connect(lambda: self.submit(dlg))
        dlg.exchange_button.clicked.connect(lambda: self.exchange(dlg))
        dlg.finished.connect(lambda _r: dlg.deleteLater())
        self.dialog = dlg
        dlg.open()

    def submit(self, dlg: RefundDialog) -> None:
        if dlg.problem() or dlg.pending:
            dlg.update_state()
            return
        cmd = dlg.command()
        app = self.w.app
        if app.actor is not None:  # who did it, shown in the order's list
            cmd["staff_id"] = app.actor.staff_id
            self.staff_names[app.actor.staff_id] = app.actor.name
        dlg.refund_button.setEnabled(False)  # one click, one refund

        def failed(exc: Exception) -> bool:
            dlg.show_failure(dlg.describe(exc))
            dlg.refund_button.setEnabled(True)
            return True

        def done(o: OrderDTO) -> None:
            dlg.accept()
            self.view.show_order(o)
            latest = o.refunds[-1] if o.refunds else None
            if latest is not None:
                self.w.statusBar().showMessage(
                    f"Refunded {money(latest.amount, o.currency_code)}: credit note {latest.credit_note_number}",
                    10000)
                self.offer_print(latest.credit_note_number)

        self.w.ops.run(lambda: refunds.refund_order(cmd, app.uow()), success=done, error=failed)

    def exchange(self, dlg: RefundDialog) -> None:
        """The chosen items come back as credit and the new draft opens in the editor."""
        if dlg.exchange_problem():
            dlg.update_state()
            return
        cmd = dlg.exchange_command()
        app = self.w.app
        if app.actor is not None:
            cmd["staff_id"] = app.actor.staff_id
            self.staff_names[app.actor.staff_id] = app.actor.name
        dlg.exchange_button.setEnabled(False)  # one click, one exchange

        def failed(exc: Exception) -> bool:
            dlg.show_failure(dlg.describe(exc))
            dlg.exchange_button.setEnabled(True)
            return True

        def done(ex: exchanges.ExchangeDTO) -> None:
            dlg.accept()
            self.last_exchange = ex
            self.w.open_draft(ex.draft.id)
            self.w.mark_paid_action.setEnabled(True)
            self.w.statusBar().showMessage(
                f"Exchange: draft #{ex.draft.display_id} holds {money(ex.credit, ex.draft.currency_code)} of credit"
                + (f" (credit note {ex.credit_note_number})" if ex.credit_note_number else ""), 10000)

        self.w.ops.run(lambda: exchanges.exchange_order(cmd, app.uow()), success=done, error=failed)

    # --- the credit note --------------------------------------------------------------------
    def offer_print(self, number: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "Credit note",
                          f"Print credit note {number}?", QMessageBox.StandardButton.NoButton, self.w)
        box.setObjectName("creditNotePrintOffer")
        buttons = {box.addButton(text, QMessageBox.ButtonRole.AcceptRole): kind for kind, text in FORMATS}
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)

        def clicked(button: Any) -> None:
            kind = buttons.get(button)
            if kind:
                self.print_credit_note(number, kind)

        box.buttonClicked.connect(clicked)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.print_offer = box
        box.open()

    def print_credit_note(self, number: str, kind: str) -> None:
        """Render, archive and record the next copy on the printing worker, then paint it."""
        printing = self.w.printing
        printer = printing.printer_factory(printing.settings())
        destination = printer.outputFileName() or printer.printerName()
        app = self.w.app
        what = f"credit note {number}" + (" (80 mm)" if kind == "receipt" else "")
        printer.setDocName(f"Credit note {number}")

        def paint(printed: credit_notes.PrintedCreditNote) -> None:
            try:
                paint_pdf(printer, printed.pdf)
            except Exception as exc:  # noqa: BLE001 - shown; the copy stays archived
                self.w.show_error(f"{exc}. The credit note was archived as {printed.archive_path.name}.")
                return
            self.last_printed = printed
            copy = f"copy {printed.copy_number} of " if printed.copy_number else ""
            self.w.statusBar().showMessage(f"Printed {copy}{what}", 10000)

        self.w.statusBar().showMessage(f"Printing {what}…", 0)
        printing.ops.run(lambda: credit_notes.print_credit_note(number, kind, app.uow(), app.archive_dir,
                                                                destination=destination), success=paint)


__all__ = ["RefundUi"]
