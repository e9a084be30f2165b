"""The draft-order editor, laid out for a phone call and driven from the keyboard.

Every edit is one service call through the op helper, so what is typed is on disk at once and
survives a crash or a closed window. The editor shows whatever DTO the service returns. Each
section a clerk sees (customer, lines, shipping and promo, addresses) lives in its own module;
this one composes them with the totals, Mark Paid and the draft's lifecycle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QWidget

from app.bootstrap import App
from app.domain.catalog import Customer, Variant
from app.services import drafts, orders
from app.services.dto import DraftOrderDTO, OpResult, OrderDTO

from .. import theme
from ..ops import OpRunner
from ..payment_dialog import MarkPaidDialog
from ..totals_panel import TotalsPanel
from .addresses import AddressesSection
from .customer import CustomerSection
from .lines import LinesSection
from .shipping_promo import ShippingPromoSection

PRINT_TOOLTIP = "Print the invoice of this paid order (Ctrl+P)"


class DraftEditor(QWidget):
    orderPaid = Signal(object)  # OrderDTO
    draftClosed = Signal(str)  # a deleted draft's id

    def __init__(self, app: App, ops: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draftEditor")
        self.app, self.ops = app, ops
        self.draft: DraftOrderDTO | None = None
        self.payment_dialog: MarkPaidDialog | None = None
        self.undo_stack = QUndoStack(self)
        self._build()

    # --- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        main, side, self.title_label = theme.page_layout(self, "draftTitle")
        main.setSpacing(6)

        # The sections build into `main` top to bottom; their widgets are the editor's children.
        c = self.customer = CustomerSection(self, main)
        self.customer_search, self.email_edit = c.customer_search, c.email_edit
        self.region_combo, self.channel_combo = c.region_combo, c.channel_combo
        li = self.lines = LinesSection(self, main)
        self.product_search, self.custom_item_button = li.product_search, li.custom_item_button
        self.product_feedback, self.lines_model, self.lines_view = li.product_feedback, li.lines_model, li.lines_view
        sp = self.shipping = ShippingPromoSection(self, main)
        self.shipping_combo, self.shipping_price = sp.shipping_combo, sp.shipping_price
        self.promo_edit, self.promo_feedback = sp.promo_edit, sp.promo_feedback
        a = self.addresses = AddressesSection(self, main)
        self.shipping_form, self.billing_form = a.shipping_form, a.billing_form
        self.same_as_shipping = a.same_as_shipping

        self.totals = TotalsPanel(self)
        self.totals.setMinimumWidth(230)
        side.addWidget(self.totals)
        self.mark_paid_button = self._button("Mark Paid  (F12)", "markPaidButton",
                                             "Take payment and turn this draft into an order (F12 or Ctrl+Enter)",
                                             self.mark_paid, accessible="Mark Paid")
        self.mark_paid_button.setStyleSheet("font-size: 15px; font-weight: 600; padding: 8px;")
        self.print_button = self._button("Print invoice", "printInvoiceButton", PRINT_TOOLTIP, None,
                                         accessible="Print invoice")
        self.print_button.setEnabled(False)
        self.cancel_button = self._button("Cancel draft", "cancelDraftButton",
                                          "Cancel this draft (kept, but no longer open)", self.cancel_draft)
        self.delete_button = self._button("Delete draft…", "deleteDraftButton",
                                          "Delete this draft for good (asks first)", self.delete_draft)
        for b in (self.mark_paid_button, self.print_button, self.cancel_button, self.delete_button):
            side.addWidget(b)
        side.addStretch(1)
        self.saved_label = QLabel(self)
        self.saved_label.setObjectName("savedLabel")
        self.saved_label.setStyleSheet("color: palette(mid);")
        self.saved_label.setWordWrap(True)
        side.addWidget(self.saved_label)

        order: list[QWidget] = [
            self.customer_search, self.email_edit, self.region_combo, self.channel_combo, self.product_search,
            self.custom_item_button, self.lines_view, self.shipping_combo, self.shipping_price, self.promo_edit]
        order += [self.shipping_form.fields[n] for n in self.shipping_form.fields]
        order += [self.same_as_shipping] + [self.billing_form.fields[n] for n in self.billing_form.fields]
        order += [self.mark_paid_button, self.cancel_button, self.delete_button]
        for first, then in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, then)

    def _button(self, text: str, name: str, tip: str, slot: Callable[[], None] | None, *,
                accessible: str | None = None) -> QPushButton:
        b = QPushButton(text, self)
        b.setObjectName(name)
        if accessible:
            b.setAccessibleName(accessible)
        b.setToolTip(tip)
        if slot is not None:
            b.clicked.connect(lambda _checked=False: slot())
        return b

    # --- what the window and the tests ask of the sections ------------------------------------
    def choose_customer(self, c: Customer) -> None:
        self.customer.choose(c)

    def new_customer(self) -> None:
        self.customer.new_customer()

    def add_variant(self, v: Variant, quantity: int = 1) -> None:
        self.lines.add_variant(v, quantity)

    def add_custom_item(self) -> None:
        self.lines.add_custom_item()

    def edit_quantity(self) -> None:
        self.lines.edit_quantity()

    def apply_promo(self) -> None:
        self.shipping.apply_promo()

    # --- state ------------------------------------------------------------------------------
    @property
    def draft_id(self) -> str | None:
        return self.draft.id if self.draft else None

    def edit(self, call: Callable[[Any], OpResult[DraftOrderDTO]], *,
             then: Callable[[DraftOrderDTO], None] | None = None,
             error: Callable[[Exception], bool] | None = None) -> None:
        """Run one draft edit (`call(uow)`) through the op helper and show the draft it returns."""
        app = self.app

        def success(d: DraftOrderDTO) -> None:
            if then is not None:
                then(d)
            if self.draft is None or d.id == self.draft.id:
                self.show_draft(d)

        self.ops.run(lambda: call(app.uow()), success=success, error=error)

    def load(self, draft_id: str) -> None:
        app = self.app
        self.ops.run(lambda: drafts.get_draft(draft_id, app.uow()), success=lambda d: self.show_draft(d, fresh=True))

    def flush(self) -> None:
        """Save anything typed but not yet committed (draft switch, Mark Paid, window close)."""
        self.addresses.flush()

    def show_draft(self, d: DraftOrderDTO, *, fresh: bool = False) -> None:
        fresh = fresh or self.draft is None or self.draft.id != d.id
        if fresh:
            self.flush()
            self.undo_stack.clear()
            self.addresses.reset()
            self.shipping.reset()
            self.lines.reset()
            self.customer.reset(d)  # after the addresses: it may offer the customer's saved ones
        self.draft = d
        editable = d.is_editable
        status = "open" if editable else ("canceled" if d.canceled_at else d.status)
        self.title_label.setText(f"Draft #{d.display_id} · {status} · {d.region_name}")
        self.customer.show(d)
        self.lines.show(d)
        self.shipping.show(d)
        self.addresses.show(d, fresh=fresh, country=self.customer.region_country(d.region_id))
        self.totals.set_totals(d.totals, d.currency_code, tax_inclusive=d.is_tax_inclusive)
        for w in (self.customer_search, self.email_edit, self.region_combo, self.channel_combo, self.product_search,
                  self.custom_item_button, self.shipping_combo, self.shipping_price, self.promo_edit,
                  self.shipping_form, self.same_as_shipping, self.cancel_button):
            w.setEnabled(editable)
        self.mark_paid_button.setEnabled(editable and bool(d.items))
        self.delete_button.setEnabled(d.order_id is None)
        self.print_button.setEnabled(d.order_id is not None)  # a paid draft has an invoice to print
        self.saved_label.setText(f"All changes saved · {d.updated_at.astimezone():%H:%M:%S}" if d.updated_at else "")

    # --- lifecycle --------------------------------------------------------------------------
    def mark_paid(self) -> None:
        if not self.draft or not self.draft.is_editable:
            return
        self.flush()
        if not self.draft.items:
            QMessageBox.information(self, "Mark Paid", "Add at least one item first.")
            return
        d = self.draft
        dlg = MarkPaidDialog(d.totals.amount_due, d.currency_code, f"#{d.display_id}", self, credit=d.exchange_credit)
        self.payment_dialog = dlg
        app = self.app

        def accepted() -> None:
            cmd = dlg.command(d.id)
            self.ops.run(lambda: orders.mark_paid(cmd, app.uow()), success=self._paid)

        dlg.accepted.connect(accepted)
        dlg.finished.connect(lambda _r: setattr(self, "payment_dialog", None))
        dlg.open()

    def _paid(self, order: OrderDTO) -> None:
        self.draft = None
        self.orderPaid.emit(order)

    def cancel_draft(self) -> None:
        if self.draft and self.draft.is_editable:
            draft_id = self.draft.id
            self.edit(lambda uow: drafts.cancel_draft(draft_id, uow))

    def delete_draft(self, *, confirm: bool = True) -> None:
        if not self.draft:
            return
        d = self.draft
        if confirm and QMessageBox.question(
                self, "Delete draft", f"Delete draft #{d.display_id} for good? This cannot be undone.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:
            return
        app = self.app

        def deleted(draft_id: str) -> None:
            self.draft = None
            self.draftClosed.emit(draft_id)

        self.ops.run(lambda: drafts.delete_draft(d.id, app.uow()), success=deleted)
