"""A paid order, read-only: statuses, invoice number, lines, addresses, tenders, totals, and the
lifecycle steps the order allows (complete, cancel, archive)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.bootstrap import App
from app.services import orders
from app.services.dto import OrderDTO

from . import theme
from .display import address_text, money, order_state_text, phone_text
from .models import LineItemsModel, PaymentsModel
from .ops import OpRunner
from .totals_panel import TotalsPanel

ACTIONS = (("complete", "Complete", "The customer has the goods: complete the order"),
           ("cancel", "Cancel order", "Cancel this order"),
           ("archive", "Archive", "Archive this completed order"))

DOCUMENT_ACTIONS = (("a4", "Print invoice", "orderPrintInvoiceButton", "Print the A4 invoice (Ctrl+P)"),
                    ("receipt", "Print receipt", "orderPrintReceiptButton", "Print the receipt (Ctrl+Shift+P)"),
                    ("preview", "Preview…", "orderPreviewButton", "See the invoice as it will print"),
                    ("save", "Save as PDF…", "orderSavePdfButton", "Save the invoice as a PDF file"))


class OrderView(QWidget):
    documentRequested = Signal(str)  # "a4", "receipt", "preview" or "save"
    orderShown = Signal(object)  # OrderDTO: for the parts hooked in (ui.refund)

    def __init__(self, app: App, ops: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderView")
        self.app, self.ops = app, ops
        self.order: OrderDTO | None = None
        self.home_country = ""  # the shop's country (set by the window): its phones read the national way
        main, side, self.title = theme.page_layout(self, "orderTitle")
        self.main_layout, self.side_layout = main, side  # where hooked-in parts add their widgets
        facts = QGridLayout()
        self.facts: dict[str, QLabel] = {}
        for i, (key, caption) in enumerate((("state", "State"), ("invoice_number", "Invoice"),
                                            ("sync", "Sync"), ("customer", "Customer"), ("phone", "Phone"))):
            lbl = QLabel(self)
            lbl.setObjectName(f"order_{key}")
            lbl.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            facts.addWidget(QLabel(f"<b>{caption}</b>", self), i // 3, (i % 3) * 2)
            facts.addWidget(lbl, i // 3, (i % 3) * 2 + 1)
            self.facts[key] = lbl
        facts.setColumnStretch(1, 1)
        facts.setColumnStretch(3, 2)
        facts.setColumnStretch(5, 1)
        main.addLayout(facts)

        self.lines_model = LineItemsModel(self)
        self.lines_view = QTableView(self)
        self.lines_view.setObjectName("orderLinesView")
        self.lines_view.setAccessibleName("Order lines")
        self.lines_view.setModel(self.lines_model)
        self.lines_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lines_view.verticalHeader().hide()
        self.lines_view.setAlternatingRowColors(True)
        hh = self.lines_view.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(LineItemsModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        main.addWidget(self.lines_view, 2)

        addrs = QHBoxLayout()
        self.shipping = QLabel(self)
        self.shipping.setObjectName("orderShippingAddress")
        self.billing = QLabel(self)
        self.billing.setObjectName("orderBillingAddress")
        self.shipping_method = QLabel(self)
        for title, lbl in (("Shipping address", self.shipping), ("Billing address", self.billing),
                           ("Shipping && promotions", self.shipping_method)):
            box = QGroupBox(title, self)
            lay = QVBoxLayout(box)
            lbl.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            lbl.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            lbl.setWordWrap(True)
            lay.addWidget(lbl)
            addrs.addWidget(box, 1)
        main.addLayout(addrs)

        pay_box = QGroupBox("Tenders", self)
        pay_lay = QVBoxLayout(pay_box)
        self.payments_model = PaymentsModel(self)
        self.payments_view = QTableView(self)
        self.payments_view.setObjectName("orderPaymentsView")
        self.payments_view.setAccessibleName("Tenders")
        self.payments_view.setModel(self.payments_model)
        self.payments_view.verticalHeader().hide()
        self.payments_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.payments_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.payments_view.setMaximumHeight(110)
        pay_lay.addWidget(self.payments_view)
        main.addWidget(pay_box, 1)

        self.totals = TotalsPanel(self)
        self.totals.setMinimumWidth(230)
        side.addWidget(self.totals)
        self.buttons: dict[str, QPushButton] = {}
        for action, text, tip in ACTIONS:
            b = QPushButton(text, self)
            b.setObjectName(f"{action}OrderButton")
            b.setToolTip(tip)
            b.clicked.connect(lambda _c=False, a=action: self.run_action(a))
            side.addWidget(b)
            self.buttons[action] = b
        # What to do with the order's documents is the window's business (it owns the printer).
        self.document_buttons: dict[str, QPushButton] = {}
        for what, text, name, tip in DOCUMENT_ACTIONS:
            b = QPushButton(text, self)
            b.setObjectName(name)
            b.setToolTip(tip)
            b.setEnabled(False)
            b.clicked.connect(lambda _c=False, w=what: self.documentRequested.emit(w))
            side.addWidget(b)
            self.document_buttons[what] = b
        self.print_button = self.document_buttons["a4"]
        side.addStretch(1)

    def load(self, order_id: str) -> None:
        app = self.app
        self.ops.run(lambda: orders.get_order(order_id, app.uow()), success=self.show_order)

    def show_order(self, o: OrderDTO) -> None:
        self.order = o
        c = o.currency_code
        self.title.setText(f"Order #{o.display_id} · invoice {o.invoice_number} · from draft #{o.draft_display_id}")
        state = self.facts["state"]
        state.setText(order_state_text(o.status, o.payment_status, o.fulfillment_status))
        # Medusa's own words stay one hover away (and unchanged in the command line's JSON).
        state.setToolTip(f"Status: {o.status} · payment: {o.payment_status} · fulfillment: {o.fulfillment_status}")
        self.facts["invoice_number"].setText(o.invoice_number)
        customer = " · ".join(x for x in (o.customer_name, o.email or "") if x) or "—"
        self.facts["customer"].setText(customer)
        self.facts["customer"].setToolTip(customer)
        home = self.home_country
        phone = next((a.phone for a in (o.shipping_address, o.billing_address) if a and a.phone), None)
        self.facts["phone"].setText(phone_text(phone, home) or "—")
        self.facts["sync"].setText(o.sync.label.capitalize() if o.sync else "Not queued")
        self.lines_model.set_items(o.items, c, editable=False)
        self.shipping.setText(address_text(o.shipping_address, home))
        self.billing.setText(address_text(o.billing_address, home))
        ship = "\n".join(f"{m.name}: {money(m.amount, c)}" for m in o.shipping_methods) or "No shipping"
        promos = ", ".join(o.promo_codes)
        self.shipping_method.setText(ship + (f"\nPromo codes: {promos}" if promos else ""))
        self.payments_model.set_payments(o.payments, c)
        self.totals.set_totals(o.totals, c, tax_inclusive=o.is_tax_inclusive, amount_due_caption="Paid")
        self.totals.values["amount_due"].setText(money(o.totals.paid_total, c))
        for action, b in self.buttons.items():
            b.setVisible(action in o.allowed_actions)
        for b in self.document_buttons.values():
            b.setEnabled(bool(o.invoice_number))
        self.orderShown.emit(o)

    def run_action(self, action: str, *, confirm: bool = True) -> None:
        if not self.order or action not in self.order.allowed_actions:
            return
        o = self.order
        left = o.totals.paid_total - o.totals.refunded_total
        refund = f"\n{money(left, o.currency_code)} goes back through the original tenders." if left > 0 else ""
        if confirm and action == "cancel" and QMessageBox.question(
                self, "Cancel order", f"Cancel order #{o.display_id} ({o.invoice_number})?{refund}",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:
            return
        fn = {"complete": orders.complete_order, "cancel": orders.cancel_order, "archive": orders.archive_order}[action]
        app = self.app
        self.ops.run(lambda: fn(o.id, app.uow()), success=self.show_order)
