"""The draft-order editor, laid out for a phone call and driven from the keyboard.

Every edit is one service call through the op helper, so what is typed is on disk at once and
survives a crash or a closed window. The editor shows whatever DTO the service returns."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGridLayout, QHBoxLayout,
    QHeaderView, QLabel, QLineEdit, QMessageBox, QPushButton, QSpinBox, QStyledItemDelegate,
    QTableView, QToolButton, QVBoxLayout, QWidget,
)

from app.bootstrap import App
from app.domain.catalog import Customer, Variant
from app.domain.draft_order import MAX_QUANTITY
from app.domain.errors import DomainError, NotFound
from app.services import drafts, orders, queries
from app.services.dto import Changes, DraftOrderDTO, LineItemDTO, OrderDTO

from .address_form import AddressForm
from .formatting import money, parse_amount
from .models import CustomerResultsModel, LineItemsModel, VariantResultsModel
from .ops import OpRunner
from .payment_dialog import MarkPaidDialog
from .search_field import SearchField
from .totals_panel import TotalsPanel
from . import theme

QTY_PREFIX = re.compile(r"^\s*(\d{1,5})\s*[*x×]\s*(.*)$")
PRINT_TOOLTIP = "Print the invoice of this paid order (Ctrl+P)"


class QuantityDelegate(QStyledItemDelegate):
    """A spin box that starts with its text selected: digits typed replace the quantity, never
    append to it (the scanner's last digits must not turn 1 into 13)."""

    def createEditor(self, parent: QWidget, option: Any, index: QModelIndex) -> QWidget:
        box = QSpinBox(parent)
        box.setRange(1, MAX_QUANTITY)
        box.setObjectName("quantityEditor")
        box.setAccessibleName("Quantity")
        return box

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        editor.setValue(int(index.data(Qt.ItemDataRole.EditRole)))  # type: ignore[attr-defined]
        editor.selectAll()  # type: ignore[attr-defined]

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex) -> None:
        editor.interpretText()  # type: ignore[attr-defined]
        model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)  # type: ignore[attr-defined]


class PriceDelegate(QStyledItemDelegate):
    """A unit price: a plain decimal, refused (editor stays red) when it is not an amount."""

    def createEditor(self, parent: QWidget, option: Any, index: QModelIndex) -> QWidget:
        edit = QLineEdit(parent)
        edit.setObjectName("unitPriceEditor")
        edit.setAccessibleName("Unit price")
        edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        edit.textChanged.connect(lambda t: edit.setStyleSheet("" if parse_amount(t) is not None and parse_amount(t) >= 0
                                                              else theme.style("error")))
        return edit

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        editor.setText(str(index.data(Qt.ItemDataRole.EditRole)))  # type: ignore[attr-defined]
        editor.selectAll()  # type: ignore[attr-defined]

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex) -> None:
        amount = parse_amount(editor.text())  # type: ignore[attr-defined]
        if amount is not None and amount >= 0:
            model.setData(index, amount, Qt.ItemDataRole.EditRole)


# --- undo: line edits are service calls too; ids of re-added lines are aliased --------------
class _LineCommand(QUndoCommand):
    def __init__(self, editor: "DraftEditor", text: str) -> None:
        super().__init__(text)
        self.editor = editor
        self.draft_id = editor.draft_id or ""


class EditLineCommand(_LineCommand):
    def __init__(self, editor: "DraftEditor", item_id: str, field: str, old: Any, new: Any) -> None:
        super().__init__(editor, f"change {field.replace('_', ' ')}")
        self.item_id, self.field, self.old, self.new = item_id, field, old, new

    def _set(self, value: Any) -> None:
        item_id = self.editor.resolve(self.item_id)
        v = str(value) if isinstance(value, Decimal) else value
        self.editor.edit(lambda uow: drafts.update_line_item(
            {"draft_id": self.draft_id, "item_id": item_id, self.field: v}, uow))

    def redo(self) -> None:
        self._set(self.new)

    def undo(self) -> None:
        self._set(self.old)


class AddLineCommand(_LineCommand):
    def __init__(self, editor: "DraftEditor", spec: dict[str, Any], label: str) -> None:
        super().__init__(editor, f"add {label}")
        self.spec = spec
        self.item_id: str | None = None

    def redo(self) -> None:
        before = self.editor.item_ids()

        def done(d: DraftOrderDTO) -> None:
            new = [i.id for i in d.items if i.id not in before]
            if new:
                if self.item_id:
                    self.editor.alias(self.item_id, new[-1])
                else:
                    self.item_id = new[-1]
                self.editor.last_added_id = new[-1]

        self.editor.edit(lambda uow: drafts.add_line_item({"draft_id": self.draft_id, **self.spec}, uow),
                         then=done, error=self.editor.show_product_error)

    def undo(self) -> None:
        if self.item_id:
            item_id = self.editor.resolve(self.item_id)
            self.editor.edit(lambda uow: drafts.remove_line_item({"draft_id": self.draft_id, "item_id": item_id}, uow))


class RemoveLineCommand(_LineCommand):
    def __init__(self, editor: "DraftEditor", item: LineItemDTO) -> None:
        super().__init__(editor, f"remove {item.title}")
        self.item = item
        self.spec: dict[str, Any] = {"quantity": item.quantity}
        if item.variant_id:
            self.spec["variant_id"] = item.variant_id
            if item.is_custom_price:
                self.spec["unit_price"] = str(item.unit_price)
        else:
            self.spec.update(title=item.title, unit_price=str(item.unit_price))

    def redo(self) -> None:
        item_id = self.editor.resolve(self.item.id)
        self.editor.edit(lambda uow: drafts.remove_line_item({"draft_id": self.draft_id, "item_id": item_id}, uow))

    def undo(self) -> None:
        before = self.editor.item_ids()

        def done(d: DraftOrderDTO) -> None:
            new = [i.id for i in d.items if i.id not in before]
            if new:
                self.editor.alias(self.item.id, new[-1])

        self.editor.edit(lambda uow: drafts.add_line_item({"draft_id": self.draft_id, **self.spec}, uow), then=done)


class CustomItemDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customItemDialog")
        self.setWindowTitle("Custom item")
        form = QFormLayout(self)
        self.title = QLineEdit(self)
        self.title.setObjectName("customItemTitle")
        self.price = QLineEdit(self)
        self.price.setObjectName("customItemPrice")
        self.quantity = QSpinBox(self)
        self.quantity.setRange(1, MAX_QUANTITY)
        self.error = QLabel(self)
        self.error.setStyleSheet(theme.style("error"))
        form.addRow("&Title", self.title)
        form.addRow("Unit &price", self.price)
        form.addRow("&Quantity", self.quantity)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _accept(self) -> None:
        amount = parse_amount(self.price.text())
        if not self.title.text().strip():
            self.error.setText("A custom item needs a title.")
        elif amount is None or amount < 0:
            self.error.setText("The unit price is not an amount.")
        else:
            self.accept()

    def spec(self) -> dict[str, Any]:
        return {"title": self.title.text().strip(), "unit_price": str(parse_amount(self.price.text())),
                "quantity": self.quantity.value()}


class DraftEditor(QWidget):
    orderPaid = Signal(object)  # OrderDTO
    draftClosed = Signal(str)  # a deleted draft's id

    def __init__(self, app: App, ops: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draftEditor")
        self.app, self.ops = app, ops
        self.draft: DraftOrderDTO | None = None
        self.last_added_id: str | None = None
        self.payment_dialog: MarkPaidDialog | None = None
        self._aliases: dict[str, str] = {}
        self._customers: dict[str, Customer] = {}
        self._regions = queries.regions(app.uow())
        self._channels = queries.sales_channels(app.uow())
        self._shipping_region: str | None = None
        self.undo_stack = QUndoStack(self)
        self._build()

    # --- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QHBoxLayout(self)
        outer.setContentsMargins(8, 4, 8, 4)
        main = QVBoxLayout()
        main.setSpacing(6)
        side = QVBoxLayout()
        outer.addLayout(main, 1)
        outer.addLayout(side, 0)

        self.title_label = QLabel(self)
        self.title_label.setObjectName("draftTitle")
        self.title_label.setStyleSheet("font-size: 16px; font-weight: 600;")
        main.addWidget(self.title_label)

        top = QGridLayout()
        top.setHorizontalSpacing(6)
        self.customer_model = CustomerResultsModel(self)
        self.customer_search = SearchField(self.customer_model, self, self)
        self.customer_search.setObjectName("customerSearch")
        self.customer_search.setAccessibleName("Customer")
        self.customer_search.setToolTip("Find the customer by name, email or phone (F3)")
        self.customer_search.setPlaceholderText("Find customer: name, email or phone (F3)")
        self.customer_search.queryChanged.connect(self._search_customers)
        self.customer_search.chosen.connect(self.choose_customer)
        self.customer_search.submitted.connect(self._customer_submitted)
        self.email_edit = QLineEdit(self)
        self.email_edit.setObjectName("emailEdit")
        self.email_edit.setAccessibleName("Email")
        self.email_edit.setToolTip("The order's email address")
        self.email_edit.setPlaceholderText("email")
        self.email_edit.editingFinished.connect(self._email_committed)
        self.email_error = QLabel(self)
        self.email_error.setStyleSheet(theme.style("error", size=11))
        self.email_error.hide()
        self.region_combo = QComboBox(self)
        self.region_combo.setObjectName("regionCombo")
        self.region_combo.setAccessibleName("Region")
        self.region_combo.setToolTip("Region (sets the currency and taxes)")
        for r in self._regions:
            self.region_combo.addItem(f"{r.name} ({r.currency_code.upper()})", r.id)
        self.region_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.region_combo.setMinimumContentsLength(12)
        self.region_combo.activated.connect(self._region_chosen)
        self.channel_combo = QComboBox(self)
        self.channel_combo.setObjectName("salesChannelCombo")
        self.channel_combo.setAccessibleName("Sales channel")
        self.channel_combo.setToolTip("Sales channel")
        self.channel_combo.addItem("(no sales channel)", None)
        for c in self._channels:
            self.channel_combo.addItem(c.name, c.id)
        self.channel_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.channel_combo.setMinimumContentsLength(12)
        self.channel_combo.activated.connect(self._channel_chosen)
        cust_label = QLabel("&Customer", self)
        cust_label.setBuddy(self.customer_search)
        top.addWidget(cust_label, 0, 0)
        top.addWidget(self.customer_search, 0, 1)
        top.addWidget(self.email_edit, 0, 2)
        top.addWidget(self.region_combo, 0, 3)
        top.addWidget(self.channel_combo, 0, 4)
        top.addWidget(self.email_error, 1, 2)
        self.new_customer_button = QPushButton("&New customer…", self)
        self.new_customer_button.setObjectName("newCustomerButton")
        self.new_customer_button.setToolTip("Create a customer taken on the phone (Shift+F3); similar ones are offered first")
        self.new_customer_button.clicked.connect(self.new_customer)
        top.addWidget(self.new_customer_button, 1, 1, Qt.AlignmentFlag.AlignLeft)
        new_customer_action = QAction("New customer", self)
        new_customer_action.setShortcut(QKeySequence("Shift+F3"))
        new_customer_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        new_customer_action.triggered.connect(self.new_customer)
        self.addAction(new_customer_action)
        top.setColumnStretch(1, 3)
        top.setColumnStretch(2, 2)
        main.addLayout(top)

        prod = QHBoxLayout()
        self.variant_model = VariantResultsModel(self)
        self.product_search = SearchField(self.variant_model, self, self)
        self.product_search.setObjectName("productSearch")
        self.product_search.setAccessibleName("Add product")
        self.product_search.setToolTip("Type a title, SKU or barcode, or scan; Enter adds. "
                                       "'3*' before a search or scan adds three (F2)")
        self.product_search.setPlaceholderText("Add product: title, SKU or scan a barcode (F2) — 3* adds three")
        self.product_search.queryChanged.connect(self._search_products)
        self.product_search.chosen.connect(self._variant_chosen)
        self.product_search.submitted.connect(self._product_submitted)
        prod_label = QLabel("Add &product", self)
        prod_label.setBuddy(self.product_search)
        self.custom_item_button = QPushButton("Custom item…", self)
        self.custom_item_button.setObjectName("customItemButton")
        self.custom_item_button.setToolTip("Add an item that is not in the catalog (Ctrl+I)")
        self.custom_item_button.clicked.connect(self.add_custom_item)
        prod.addWidget(prod_label)
        prod.addWidget(self.product_search, 1)
        prod.addWidget(self.custom_item_button)
        main.addLayout(prod)
        self.product_feedback = QLabel(self)
        self.product_feedback.setObjectName("productFeedback")
        self.product_feedback.setStyleSheet(theme.style("error"))
        self.product_feedback.hide()
        main.addWidget(self.product_feedback)

        self.lines_model = LineItemsModel(self)
        self.lines_model.editRequested.connect(self._line_edit_requested)
        self.lines_view = QTableView(self)
        self.lines_view.setObjectName("lineItemsView")
        self.lines_view.setAccessibleName("Line items")
        self.lines_view.setToolTip("Enter or F4 edits the quantity; Delete removes the line")
        self.lines_view.setModel(self.lines_model)
        self.lines_view.setItemDelegateForColumn(LineItemsModel.COL_QTY, QuantityDelegate(self.lines_view))
        self.lines_view.setItemDelegateForColumn(LineItemsModel.COL_UNIT_PRICE, PriceDelegate(self.lines_view))
        self.lines_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lines_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.lines_view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                        | QAbstractItemView.EditTrigger.DoubleClicked
                                        | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.lines_view.verticalHeader().hide()
        self.lines_view.setAlternatingRowColors(True)
        hh = self.lines_view.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(LineItemsModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.lines_view.setMinimumHeight(150)
        main.addWidget(self.lines_view, 1)

        extras = QHBoxLayout()
        self.shipping_combo = QComboBox(self)
        self.shipping_combo.setObjectName("shippingMethodCombo")
        self.shipping_combo.setAccessibleName("Shipping method")
        self.shipping_combo.setToolTip("Shipping method from the region's options (F6)")
        self.shipping_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.shipping_combo.setMinimumContentsLength(16)
        self.shipping_combo.activated.connect(lambda _i: self._shipping_chosen())
        self.shipping_price = QLineEdit(self)
        self.shipping_price.setObjectName("shippingPriceEdit")
        self.shipping_price.setAccessibleName("Custom shipping price")
        self.shipping_price.setToolTip("Optional: a custom shipping price for this order")
        self.shipping_price.setPlaceholderText("custom price")
        self.shipping_price.setMaximumWidth(100)
        self.shipping_price.editingFinished.connect(self._shipping_price_committed)
        ship_label = QLabel("S&hipping", self)
        ship_label.setBuddy(self.shipping_combo)
        self.promo_edit = QLineEdit(self)
        self.promo_edit.setObjectName("promoCodeEdit")
        self.promo_edit.setAccessibleName("Promo code")
        self.promo_edit.setToolTip("Type a promo code and press Enter (F7)")
        self.promo_edit.setPlaceholderText("promo code")
        self.promo_edit.setMaximumWidth(130)
        self.promo_edit.returnPressed.connect(self.apply_promo)
        promo_label = QLabel("Pro&mo", self)
        promo_label.setBuddy(self.promo_edit)
        extras.addWidget(ship_label)
        extras.addWidget(self.shipping_combo, 2)
        extras.addWidget(self.shipping_price)
        extras.addSpacing(12)
        extras.addWidget(promo_label)
        extras.addWidget(self.promo_edit)
        self.promo_codes_box = QHBoxLayout()
        extras.addLayout(self.promo_codes_box)
        extras.addStretch(1)
        main.addLayout(extras)
        self.promo_feedback = QLabel(self)
        self.promo_feedback.setObjectName("promoFeedback")
        self.promo_feedback.setWordWrap(True)
        main.addWidget(self.promo_feedback)

        addrs = QHBoxLayout()
        self.shipping_form = AddressForm("Shipping address", "shippingAddressForm", self)
        self.shipping_form.committed.connect(lambda d: self._address_committed("shipping_address", d))
        bill_col = QVBoxLayout()
        self.same_as_shipping = QCheckBox("&Billing same as shipping", self)
        self.same_as_shipping.setObjectName("billingSameCheck")
        self.same_as_shipping.setToolTip("Bill to the shipping address")
        self.same_as_shipping.toggled.connect(self._same_toggled)
        self.billing_form = AddressForm("Billing address", "billingAddressForm", self)
        self.billing_form.committed.connect(lambda d: self._address_committed("billing_address", d))
        bill_col.addWidget(self.same_as_shipping)
        bill_col.addWidget(self.billing_form)
        ship_col = QVBoxLayout()
        ship_col.addSpacing(self.same_as_shipping.sizeHint().height() + 6)
        ship_col.addWidget(self.shipping_form)
        addrs.addLayout(ship_col, 1)
        addrs.addLayout(bill_col, 1)
        main.addLayout(addrs)

        self.totals = TotalsPanel(self)
        self.totals.setMinimumWidth(230)
        side.addWidget(self.totals)
        self.mark_paid_button = QPushButton("Mark Paid  (F12)", self)
        self.mark_paid_button.setObjectName("markPaidButton")
        self.mark_paid_button.setAccessibleName("Mark Paid")
        self.mark_paid_button.setToolTip("Take payment and turn this draft into an order (F12 or Ctrl+Enter)")
        self.mark_paid_button.setStyleSheet("font-size: 15px; font-weight: 600; padding: 8px;")
        self.mark_paid_button.clicked.connect(self.mark_paid)
        self.print_button = QPushButton("Print invoice", self)
        self.print_button.setObjectName("printInvoiceButton")
        self.print_button.setAccessibleName("Print invoice")
        self.print_button.setToolTip(PRINT_TOOLTIP)
        self.print_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel draft", self)
        self.cancel_button.setObjectName("cancelDraftButton")
        self.cancel_button.setToolTip("Cancel this draft (kept, but no longer open)")
        self.cancel_button.clicked.connect(self.cancel_draft)
        self.delete_button = QPushButton("Delete draft…", self)
        self.delete_button.setObjectName("deleteDraftButton")
        self.delete_button.setToolTip("Delete this draft for good (asks first)")
        self.delete_button.clicked.connect(self.delete_draft)
        for b in (self.mark_paid_button, self.print_button, self.cancel_button, self.delete_button):
            side.addWidget(b)
        side.addStretch(1)
        self.saved_label = QLabel(self)
        self.saved_label.setObjectName("savedLabel")
        self.saved_label.setStyleSheet("color: palette(mid);")
        self.saved_label.setWordWrap(True)
        side.addWidget(self.saved_label)

        # Line shortcuts work while the grid has focus; the rest are window actions (main window).
        delete = QAction("Remove line", self.lines_view)
        delete.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(self.remove_current_line)
        self.lines_view.addAction(delete)

        order = [self.customer_search, self.email_edit, self.region_combo, self.channel_combo, self.product_search,
                 self.custom_item_button, self.lines_view, self.shipping_combo, self.shipping_price, self.promo_edit]
        order += [self.shipping_form.fields[n] for n in self.shipping_form.fields]
        order += [self.same_as_shipping] + [self.billing_form.fields[n] for n in self.billing_form.fields]
        order += [self.mark_paid_button, self.cancel_button, self.delete_button]
        for a, b in zip(order, order[1:]):
            QWidget.setTabOrder(a, b)

    # --- state ------------------------------------------------------------------------------
    @property
    def draft_id(self) -> str | None:
        return self.draft.id if self.draft else None

    def item_ids(self) -> set[str]:
        return {i.id for i in self.draft.items} if self.draft else set()

    def alias(self, old: str, new: str) -> None:
        self._aliases[old] = new

    def resolve(self, item_id: str) -> str:
        while item_id in self._aliases:
            item_id = self._aliases[item_id]
        return item_id

    def edit(self, call: Callable[[Any], DraftOrderDTO], *, then: Callable[[DraftOrderDTO], None] | None = None,
             error: Callable[[Exception], bool] | None = None) -> None:
        """Run one draft edit (`call(uow)`) through the op helper and show the draft it returns."""
        app = self.app

        def success(d: DraftOrderDTO) -> None:
            if then is not None:
                then(d)
            if self.draft is None or d.id == self.draft.id:
                self.show_draft(d)

        self.ops.run(lambda: call(app.uow()), success=success, error=error,
                     changes=lambda d: Changes(draft_ids=(d.id,)))

    def load(self, draft_id: str) -> None:
        app = self.app
        self.ops.run(lambda: drafts.get_draft(draft_id, app.uow()), success=lambda d: self.show_draft(d, fresh=True))

    def flush(self) -> None:
        """Save anything typed but not yet committed (draft switch, Mark Paid, window close)."""
        self.shipping_form.flush()
        self.billing_form.flush()

    def show_draft(self, d: DraftOrderDTO, *, fresh: bool = False) -> None:
        fresh = fresh or self.draft is None or self.draft.id != d.id
        if fresh:
            self.flush()
            self.undo_stack.clear()
            self._aliases.clear()
            self.shipping_form.set_address(None, force=True)
            self.billing_form.set_address(None, force=True)
            self.promo_feedback.clear()
            self.product_feedback.hide()
            self.customer_search.clear()
            self._customers.clear()
            self.shipping_form.set_saved_addresses([])
            self.billing_form.set_saved_addresses([])
            if d.customer_id:
                self._offer_customer_addresses(d.customer_id)
        self.draft = d
        editable = d.is_editable
        status = "open" if editable else ("canceled" if d.canceled_at else d.status)
        self.title_label.setText(f"Draft #{d.display_id} · {status} · {d.region_name}")
        if not self.customer_search.hasFocus():
            self.customer_search.setText(d.customer_name if d.customer_id else "")
        if not self.email_edit.hasFocus():
            self.email_edit.setText(d.email or "")
            self.email_edit.setCursorPosition(0)  # show the start of a long address, not its end
        self.region_combo.setCurrentIndex(max(0, self.region_combo.findData(d.region_id)))
        self.channel_combo.setCurrentIndex(max(0, self.channel_combo.findData(d.sales_channel_id)))
        current = self.lines_view.currentIndex()
        current_id = self.lines_model.item(current.row()).id if current.isValid() and current.row() < self.lines_model.rowCount() else None
        self.lines_model.set_items(d.items, d.currency_code, editable)
        # A line just added becomes the current one, so F4 changes its quantity.
        row = self.lines_model.row_of(self.last_added_id) if self.last_added_id else -1
        self.last_added_id = None
        if row < 0 and current_id:
            row = self.lines_model.row_of(current_id)
        if row >= 0:
            self.lines_view.setCurrentIndex(self.lines_model.index(row, LineItemsModel.COL_QTY))
        self.variant_model.currency_code = d.currency_code
        self._fill_shipping(d)
        self.shipping_form.default_country = self.billing_form.default_country = self._region_country(d.region_id)
        self.shipping_form.set_address(d.shipping_address)
        if fresh:
            same = d.billing_address is None or d.billing_address.same_place_as(d.shipping_address)
            self.same_as_shipping.blockSignals(True)
            self.same_as_shipping.setChecked(same)
            self.same_as_shipping.blockSignals(False)
        checked = self.same_as_shipping.isChecked()
        self.billing_form.setEnabled(not checked and editable)
        self.billing_form.set_address(d.billing_address, force=checked)
        self._show_promos(d)
        self.totals.set_totals(d.totals, d.currency_code, tax_inclusive=d.is_tax_inclusive)
        for w in (self.customer_search, self.email_edit, self.region_combo, self.channel_combo, self.product_search,
                  self.custom_item_button, self.shipping_combo, self.shipping_price, self.promo_edit,
                  self.shipping_form, self.same_as_shipping, self.cancel_button):
            w.setEnabled(editable)
        self.mark_paid_button.setEnabled(editable and bool(d.items))
        self.delete_button.setEnabled(d.order_id is None)
        self.print_button.setEnabled(d.order_id is not None)  # a paid draft has an invoice to print
        self.saved_label.setText(f"All changes saved · {d.updated_at.astimezone():%H:%M:%S}" if d.updated_at else "")

    def _region_country(self, region_id: str) -> str:
        r = next((r for r in self._regions if r.id == region_id), None)
        return r.countries[0] if r and r.countries else ""

    # --- customer ---------------------------------------------------------------------------
    def _search_customers(self, q: str) -> None:
        app = self.app
        self.ops.query("customers", lambda: queries.search_customers(q, app.uow()),
                       lambda rows: self.customer_search.show_results(rows, q))

    def choose_customer(self, c: Customer) -> None:
        if not self.draft:
            return
        self.customer_search.setText(c.full_name or c.email)
        self._customers[c.id] = c
        draft_id = self.draft.id
        self.edit(lambda uow: drafts.update_draft({"draft_id": draft_id, "customer_id": c.id, "email": c.email}, uow))
        self.shipping_form.set_saved_addresses(c.addresses)
        self.billing_form.set_saved_addresses(c.addresses)
        self.product_search.setFocus()

    def _customer_submitted(self, text: str) -> None:
        # Enter before the results came: search now and take a single match.
        app = self.app

        def found(rows: list[Customer]) -> None:
            if len(rows) == 1:
                self.choose_customer(rows[0])
            else:
                self.customer_search.show_results(rows, text)

        self.ops.query("customers", lambda: queries.search_customers(text, app.uow()), found)

    def new_customer(self) -> None:
        """Create a customer inline (Shift+F3): look for similar ones first, then create and choose."""
        from app.services import customers
        from app.services.errors import InputError

        from .customer_dialog import NewCustomerDialog

        dlg = NewCustomerDialog(self, initial=self.customer_search.text())
        self._customer_dialog = dlg  # tests drive the open dialog
        app = self.app

        def created(c: Customer) -> None:
            dlg.accept()
            self.choose_customer(c)

        def failed(exc: Exception) -> bool:
            if isinstance(exc, InputError):
                dlg.show_errors([(e.field, e.message) for e in exc.errors])
                return True
            if getattr(exc, "field", None):
                dlg.show_errors([(exc.field, getattr(exc, "message", str(exc)))])  # type: ignore[attr-defined]
                return True
            return False

        def create() -> None:
            values = dlg.values()
            self.ops.run(lambda: customers.create_customer(values, app.uow()), success=created, error=failed,
                         changes=Changes(catalog=True))

        def checked(similar: list[Customer]) -> None:
            if similar:
                dlg.offer_similar(similar)
            else:
                create()

        def submit() -> None:
            if dlg.confirmed_new:
                create()
                return
            values = dlg.values()
            self.ops.run(lambda: customers.similar_customers(values, app.uow()), success=checked, error=failed)

        dlg.buttons.accepted.connect(submit)
        dlg.finished.connect(lambda _r: self._chose_existing(dlg))
        dlg.open()

    def _chose_existing(self, dlg: Any) -> None:
        if dlg.chosen_existing is not None:
            self.choose_customer(dlg.chosen_existing)

    def _offer_customer_addresses(self, customer_id: str) -> None:
        app = self.app

        def got(rows: list[Customer]) -> None:
            c = next((c for c in rows if c.id == customer_id), None)
            if c is not None and self.draft and self.draft.customer_id == customer_id:
                self.shipping_form.set_saved_addresses(c.addresses)
                self.billing_form.set_saved_addresses(c.addresses)

        def fetch() -> list[Customer]:
            with app.uow() as uow:
                return [uow.catalog.customer(customer_id)]

        self.ops.query("customer-addresses", fetch, got, error=lambda e: True)

    def _email_committed(self) -> None:
        if not self.draft or (self.email_edit.text().strip() or None) == self.draft.email:
            return
        draft_id, email = self.draft.id, self.email_edit.text().strip() or None
        self.edit(lambda uow: drafts.update_draft({"draft_id": draft_id, "email": email}, uow),
                  error=self._email_error)

    def _email_error(self, exc: Exception) -> bool:
        errors = getattr(exc, "errors", None)
        if errors:
            self.email_error.setText("; ".join(e.message for e in errors))
            self.email_error.show()
            return True
        return False

    def _region_chosen(self) -> None:
        rid = self.region_combo.currentData()
        if self.draft and rid and rid != self.draft.region_id:
            draft_id = self.draft.id
            self.edit(lambda uow: drafts.update_draft({"draft_id": draft_id, "region_id": rid}, uow))

    def _channel_chosen(self) -> None:
        cid = self.channel_combo.currentData()
        if self.draft and cid != self.draft.sales_channel_id:
            draft_id = self.draft.id
            self.edit(lambda uow: drafts.update_draft({"draft_id": draft_id, "sales_channel_id": cid}, uow))

    # --- products ---------------------------------------------------------------------------
    def _split_quantity(self, text: str) -> tuple[int, str]:
        m = QTY_PREFIX.match(text)
        if m:
            return max(1, min(int(m.group(1)), MAX_QUANTITY)), m.group(2).strip()
        return 1, text.strip()

    def _search_products(self, text: str) -> None:
        _, q = self._split_quantity(text)
        if not q:
            self.product_search.hide_results()
            return
        app = self.app
        self.ops.query("products", lambda: queries.search_variants(q, app.uow(), 20),
                       lambda rows: self.product_search.show_results(rows, text))

    def _variant_chosen(self, v: Variant) -> None:
        qty, _ = self._split_quantity(self.product_search.text())
        self.add_variant(v, qty)

    def _product_submitted(self, text: str) -> None:
        """Enter before the type-ahead answered: a barcode scan, or a fast typist."""
        qty, q = self._split_quantity(text)
        if not q:
            return
        app = self.app

        def found(rows: list[Variant]) -> None:
            exact = next((v for v in rows if q in (v.barcode, v.sku)), None)
            if exact is not None or len(rows) == 1:
                self.add_variant(exact or rows[0], qty)
            elif rows:
                self.product_search.show_results(rows, self.product_search.text().strip())
            else:
                self.show_product_error(NotFound(f"No product matches “{q}”."))

        self.ops.query("products", lambda: queries.search_variants(q, app.uow(), 20), found)

    def add_variant(self, v: Variant, quantity: int = 1) -> None:
        if not self.draft:
            return
        self.product_feedback.hide()
        self.product_search.clear()
        self.product_search.hide_results()
        self.product_search.setFocus()  # ready for the next scan
        self.undo_stack.push(AddLineCommand(self, {"variant_id": v.id, "quantity": quantity}, v.display_title))

    def add_custom_item(self) -> None:
        if not self.draft or not self.draft.is_editable:
            return
        dlg = CustomItemDialog(self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            spec = dlg.spec()
            self.undo_stack.push(AddLineCommand(self, spec, spec["title"]))

    def show_product_error(self, exc: Exception) -> bool:
        if isinstance(exc, DomainError):
            self.product_feedback.setText(getattr(exc, "message", str(exc)))
            self.product_feedback.show()
            self.product_search.selectAll()  # the next scan replaces the code that failed
            return True
        return False

    def _line_edit_requested(self, item_id: str, field: str, value: Any) -> None:
        item = next((i for i in self.draft.items if i.id == item_id), None) if self.draft else None
        if item is None:
            return
        self.undo_stack.push(EditLineCommand(self, item_id, field, getattr(item, field), value))

    def remove_current_line(self) -> None:
        idx = self.lines_view.currentIndex()
        if not self.draft or not self.draft.is_editable or not idx.isValid():
            return
        self.undo_stack.push(RemoveLineCommand(self, self.lines_model.item(idx.row())))

    def edit_quantity(self) -> None:
        """F4: the quantity of the selected line (or the one just added), text selected so typed
        digits replace it."""
        if not self.draft or not self.lines_model.rowCount():
            return
        idx = self.lines_view.currentIndex()
        row = idx.row() if idx.isValid() else self.lines_model.rowCount() - 1
        target = self.lines_model.index(row, LineItemsModel.COL_QTY)
        self.lines_view.setFocus()
        self.lines_view.setCurrentIndex(target)
        self.lines_view.edit(target)

    # --- shipping and promotions ------------------------------------------------------------
    def _fill_shipping(self, d: DraftOrderDTO) -> None:
        if self._shipping_region != d.region_id:
            self._shipping_region = d.region_id
            # Sorted here by Decimal: the store sorts amounts as text ("14.95" before "6.00").
            options = sorted(queries.shipping_options(self.app.uow(), d.region_id), key=lambda o: (o.amount, o.name))
            self.shipping_combo.clear()
            self.shipping_combo.addItem("No shipping", None)
            for o in options:
                self.shipping_combo.addItem(f"{o.name} — {money(o.amount, d.currency_code)}", o.id)
        m = d.shipping_methods[0] if d.shipping_methods else None
        self.shipping_combo.setCurrentIndex(max(0, self.shipping_combo.findData(m.shipping_option_id if m else None)))
        if not self.shipping_price.hasFocus():
            self.shipping_price.setText(str(m.amount) if m and m.is_custom_amount else "")

    def _shipping_chosen(self) -> None:
        if not self.draft:
            return
        option = self.shipping_combo.currentData()
        amount = parse_amount(self.shipping_price.text()) if option else None
        draft_id = self.draft.id
        cmd: dict[str, Any] = {"draft_id": draft_id, "shipping_option_id": option}
        if amount is not None:
            cmd["amount"] = str(amount)
        self.edit(lambda uow: drafts.set_shipping_method(cmd, uow))

    def _shipping_price_committed(self) -> None:
        if not self.draft:
            return
        m = self.draft.shipping_methods[0] if self.draft.shipping_methods else None
        text = self.shipping_price.text().strip()
        amount = parse_amount(text)
        if text and (amount is None or amount < 0):
            self.shipping_price.setStyleSheet(theme.style("error"))
            self.shipping_price.setToolTip("Not an amount")
            return
        self.shipping_price.setStyleSheet("")
        current = m.amount if m and m.is_custom_amount else None
        if self.shipping_combo.currentData() and amount != current:
            self._shipping_chosen()

    def apply_promo(self) -> None:
        code = self.promo_edit.text().strip()
        if not self.draft or not code:
            return
        draft_id = self.draft.id

        def applied(d: DraftOrderDTO) -> None:
            self.promo_edit.clear()
            got = dict(d.promo_discounts)
            name = next((c for c in d.promo_codes if c.upper() == code.upper()), code)
            amount = got.get(name)
            self.promo_feedback.setStyleSheet(theme.style("ok"))
            self.promo_feedback.setText(f"{name} applied: {money(-amount, d.currency_code)}" if amount
                                        else f"{name} applied: it takes effect once the order has what it applies to")

        def failed(exc: Exception) -> bool:
            if not isinstance(exc, DomainError):
                return False
            self.promo_feedback.setStyleSheet(theme.style("error"))
            if isinstance(exc, NotFound):
                self.promo_feedback.setText(f"Unknown promo code {code.upper()}: check the spelling")
            else:
                self.promo_feedback.setText("Not applied: " + getattr(exc, "message", str(exc)))
            return True

        self.edit(lambda uow: drafts.apply_promo_code({"draft_id": draft_id, "code": code}, uow), then=applied,
                  error=failed)

    def remove_promo(self, code: str) -> None:
        if not self.draft:
            return
        draft_id = self.draft.id
        self.edit(lambda uow: drafts.remove_promo_code({"draft_id": draft_id, "code": code}, uow))
        self.promo_feedback.setText(f"{code} removed")

    def _show_promos(self, d: DraftOrderDTO) -> None:
        while self.promo_codes_box.count():
            w = self.promo_codes_box.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        for code in d.promo_codes:
            b = QToolButton(self)
            b.setText(f"{code} ✕")
            b.setToolTip(f"Remove promo code {code}")
            b.setAccessibleName(f"Remove promo code {code}")
            b.setEnabled(d.is_editable)
            b.clicked.connect(lambda _c=False, c=code: self.remove_promo(c))
            self.promo_codes_box.addWidget(b)
        problems = "; ".join(f"{c}: {why}" for c, why in d.promo_problems)
        if problems:
            self.promo_feedback.setStyleSheet(theme.style("error"))
            self.promo_feedback.setText(problems)

    # --- addresses --------------------------------------------------------------------------
    def _address_committed(self, which: str, data: dict[str, Any] | None) -> None:
        if not self.draft or not self.draft.is_editable:
            return
        draft_id = self.draft.id
        cmd: dict[str, Any] = {"draft_id": draft_id, which: data}
        if which == "shipping_address" and self.same_as_shipping.isChecked():
            cmd["billing_address"] = data
        form = self.shipping_form if which == "shipping_address" else self.billing_form

        def failed(exc: Exception) -> bool:
            errors = getattr(exc, "errors", None)
            if errors:
                form.show_errors({e.field.split(".", 1)[-1]: e.message for e in errors})
                return True
            return False

        self.edit(lambda uow: drafts.update_draft(cmd, uow), error=failed)

    def _same_toggled(self, same: bool) -> None:
        self.billing_form.setEnabled(not same)
        if not self.draft:
            return
        if same:
            data, errs = self.shipping_form.validate()
            if not errs:
                self._address_committed("billing_address", None if self.shipping_form.is_blank() else data)
        else:
            self.billing_form.fields["first_name"].setFocus()

    # --- lifecycle --------------------------------------------------------------------------
    def mark_paid(self) -> None:
        if not self.draft or not self.draft.is_editable:
            return
        self.flush()
        if not self.draft.items:
            QMessageBox.information(self, "Mark Paid", "Add at least one item first.")
            return
        d = self.draft
        dlg = MarkPaidDialog(d.totals.amount_due, d.currency_code, f"#{d.display_id}", self)
        self.payment_dialog = dlg
        app = self.app

        def accepted() -> None:
            cmd = dlg.command(d.id)
            self.ops.run(lambda: orders.mark_paid(cmd, app.uow()), success=self._paid,
                         changes=lambda o: Changes(draft_ids=(d.id,), order_ids=(o.id,), outbox=True))

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

        self.ops.run(lambda: drafts.delete_draft(d.id, app.uow()), success=deleted,
                     changes=Changes(draft_ids=(d.id,)))
