"""The line items: adding products (type-ahead, barcode scan, "3*" quantities, custom items), the
grid with its quantity and price editors, and undo for every line edit."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.catalog import Variant
from app.domain.draft_order import MAX_QUANTITY
from app.domain.errors import DomainError, NotFound
from app.services import drafts, queries
from app.services.dto import DraftOrderDTO, LineItemDTO

from .. import theme
from ..display import parse_amount
from ..fit_text import tooltip_when_cut
from ..models import LineItemsModel, VariantResultsModel
from ..search_field import SearchField
from .section import Section

if TYPE_CHECKING:
    from .editor import DraftEditor

QTY_PREFIX = re.compile(r"^\s*(\d{1,5})\s*[*x×]\s*(.*)$")


class QuantityDelegate(QStyledItemDelegate):
    """A spin box that starts with its text selected: digits typed replace the quantity, never
    append to it (the scanner's last digits must not turn 1 into 13)."""

    def createEditor(self, parent: QWidget, option: Any, index: QModelIndex | QPersistentModelIndex) -> QWidget:
        box = QSpinBox(parent)
        box.setRange(1, MAX_QUANTITY)
        box.setObjectName("quantityEditor")
        box.setAccessibleName("Quantity")
        return box

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        editor.setValue(int(index.data(Qt.ItemDataRole.EditRole)))  # type: ignore[attr-defined]
        editor.selectAll()  # type: ignore[attr-defined]

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex | QPersistentModelIndex) -> None:
        editor.interpretText()  # type: ignore[attr-defined]
        model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)  # type: ignore[attr-defined]


def _is_price(text: str) -> bool:
    amount = parse_amount(text)
    return amount is not None and amount >= 0


class PriceDelegate(QStyledItemDelegate):
    """A unit price: a plain decimal, refused (editor stays red) when it is not an amount."""

    def createEditor(self, parent: QWidget, option: Any, index: QModelIndex | QPersistentModelIndex) -> QWidget:
        edit = QLineEdit(parent)
        edit.setObjectName("unitPriceEditor")
        edit.setAccessibleName("Unit price")
        edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        edit.textChanged.connect(lambda t: edit.setStyleSheet("" if _is_price(t) else theme.style("error")))
        return edit

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        editor.setText(str(index.data(Qt.ItemDataRole.EditRole)))  # type: ignore[attr-defined]
        editor.selectAll()  # type: ignore[attr-defined]

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex | QPersistentModelIndex) -> None:
        text = editor.text()  # type: ignore[attr-defined]
        if _is_price(text):
            model.setData(index, parse_amount(text), Qt.ItemDataRole.EditRole)


# --- undo: line edits are service calls too; ids of re-added lines are aliased --------------
class _LineCommand(QUndoCommand):
    def __init__(self, lines: LinesSection, text: str) -> None:
        super().__init__(text)
        self.lines = lines
        self.draft_id = lines.draft.id if lines.draft else ""

    def _add(self, spec: dict[str, Any], done: Any, **kw: Any) -> None:
        """Add a line, then tell `done` the id the service gave it."""
        before = self.lines.item_ids()

        def added(d: DraftOrderDTO) -> None:
            new = [i.id for i in d.items if i.id not in before]
            if new:
                done(new[-1])

        self.lines.editor.edit(lambda uow: drafts.add_line_item({"draft_id": self.draft_id, **spec}, uow),
                               then=added, **kw)

    def _remove(self, item_id: str) -> None:
        item_id = self.lines.resolve(item_id)
        self.lines.editor.edit(
            lambda uow: drafts.remove_line_item({"draft_id": self.draft_id, "item_id": item_id}, uow))


class EditLineCommand(_LineCommand):
    def __init__(self, lines: LinesSection, item_id: str, field: str, old: Any, new: Any) -> None:
        super().__init__(lines, f"change {field.replace('_', ' ')}")
        self.item_id, self.field, self.old, self.new = item_id, field, old, new

    def _set(self, value: Any) -> None:
        item_id = self.lines.resolve(self.item_id)
        v = str(value) if isinstance(value, Decimal) else value
        self.lines.editor.edit(lambda uow: drafts.update_line_item(
            {"draft_id": self.draft_id, "item_id": item_id, self.field: v}, uow))

    def redo(self) -> None:
        self._set(self.new)

    def undo(self) -> None:
        self._set(self.old)


class AddLineCommand(_LineCommand):
    def __init__(self, lines: LinesSection, spec: dict[str, Any], label: str) -> None:
        super().__init__(lines, f"add {label}")
        self.spec = spec
        self.item_id: str | None = None

    def redo(self) -> None:
        def done(new_id: str) -> None:
            if self.item_id:
                self.lines.alias(self.item_id, new_id)
            else:
                self.item_id = new_id
            self.lines.last_added_id = new_id

        self._add(self.spec, done, error=self.lines.show_product_error)

    def undo(self) -> None:
        if self.item_id:
            self._remove(self.item_id)


class RemoveLineCommand(_LineCommand):
    def __init__(self, lines: LinesSection, item: LineItemDTO) -> None:
        super().__init__(lines, f"remove {item.title}")
        self.item = item
        self.spec: dict[str, Any] = {"quantity": item.quantity}
        if item.variant_id:
            self.spec["variant_id"] = item.variant_id
            if item.is_custom_price:
                self.spec["unit_price"] = str(item.unit_price)
        else:
            self.spec.update(title=item.title, unit_price=str(item.unit_price))

    def redo(self) -> None:
        self._remove(self.item.id)

    def undo(self) -> None:
        self._add(self.spec, lambda new_id: self.lines.alias(self.item.id, new_id))


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
        if not self.title.text().strip():
            self.error.setText("A custom item needs a title.")
        elif not _is_price(self.price.text()):
            self.error.setText("The unit price is not an amount.")
        else:
            self.accept()

    def spec(self) -> dict[str, Any]:
        return {"title": self.title.text().strip(), "unit_price": str(parse_amount(self.price.text())),
                "quantity": self.quantity.value()}


class LinesSection(Section):
    def __init__(self, editor: DraftEditor, main: QVBoxLayout) -> None:
        super().__init__(editor)
        self.last_added_id: str | None = None
        self._aliases: dict[str, str] = {}
        self._build(main)

    def _build(self, main: QVBoxLayout) -> None:
        ed = self.editor
        prod = QHBoxLayout()
        self.variant_model = VariantResultsModel(ed)
        self.product_search = SearchField(self.variant_model, ed, ed)
        self.product_search.setObjectName("productSearch")
        self.product_search.setAccessibleName("Add product")
        self.product_search.setToolTip("Type a title, SKU or barcode, or scan; Enter adds. "
                                       "'3*' before a search or scan adds three (F2)")
        self.product_search.setPlaceholderText("Add product: title, SKU or scan a barcode (F2) — 3* adds three")
        tooltip_when_cut(self.product_search)
        self.product_search.queryChanged.connect(self._search)
        self.product_search.chosen.connect(self._variant_chosen)
        self.product_search.submitted.connect(self._submitted)
        prod_label = QLabel("Add &product", ed)
        prod_label.setBuddy(self.product_search)
        self.custom_item_button = QPushButton("Custom item…", ed)
        self.custom_item_button.setObjectName("customItemButton")
        self.custom_item_button.setToolTip("Add an item that is not in the catalog (Ctrl+I)")
        self.custom_item_button.clicked.connect(self.add_custom_item)
        prod.addWidget(prod_label)
        prod.addWidget(self.product_search, 1)
        prod.addWidget(self.custom_item_button)
        main.addLayout(prod)
        self.product_feedback = QLabel(ed)
        self.product_feedback.setObjectName("productFeedback")
        self.product_feedback.setStyleSheet(theme.style("error"))
        self.product_feedback.hide()
        main.addWidget(self.product_feedback)

        self.lines_model = LineItemsModel(ed)
        self.lines_model.editRequested.connect(self._edit_requested)
        self.lines_view = view = QTableView(ed)
        view.setObjectName("lineItemsView")
        view.setAccessibleName("Line items")
        view.setToolTip("Enter or F4 edits the quantity; Delete removes the line")
        view.setModel(self.lines_model)
        view.setItemDelegateForColumn(LineItemsModel.COL_QTY, QuantityDelegate(view))
        view.setItemDelegateForColumn(LineItemsModel.COL_UNIT_PRICE, PriceDelegate(view))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        view.verticalHeader().hide()
        view.setAlternatingRowColors(True)
        hh = view.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(LineItemsModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        view.setMinimumHeight(150)
        main.addWidget(view, 1)
        # Line shortcuts work while the grid has focus; the rest are window actions (main window).
        delete = QAction("Remove line", self.lines_view)
        delete.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(self.remove_current_line)
        self.lines_view.addAction(delete)

    # --- state: undo re-adds lines under new ids, so old ids are aliased ---------------------
    def item_ids(self) -> set[str]:
        return {i.id for i in self.draft.items} if self.draft else set()

    def alias(self, old: str, new: str) -> None:
        self._aliases[old] = new

    def resolve(self, item_id: str) -> str:
        while item_id in self._aliases:
            item_id = self._aliases[item_id]
        return item_id

    def reset(self) -> None:
        self._aliases.clear()
        self.product_feedback.hide()

    def show(self, d: DraftOrderDTO) -> None:
        current = self.lines_view.currentIndex()
        current_id = (self.lines_model.item(current.row()).id
                      if current.isValid() and current.row() < self.lines_model.rowCount() else None)
        self.lines_model.set_items(d.items, d.currency_code, d.is_editable)
        # A line just added becomes the current one, so F4 changes its quantity.
        row = self.lines_model.row_of(self.last_added_id) if self.last_added_id else -1
        self.last_added_id = None
        if row < 0 and current_id:
            row = self.lines_model.row_of(current_id)
        if row >= 0:
            self.lines_view.setCurrentIndex(self.lines_model.index(row, LineItemsModel.COL_QTY))
        self.variant_model.currency_code = d.currency_code

    # --- adding products --------------------------------------------------------------------
    @staticmethod
    def _split_quantity(text: str) -> tuple[int, str]:
        m = QTY_PREFIX.match(text)
        if m:
            return max(1, min(int(m.group(1)), MAX_QUANTITY)), m.group(2).strip()
        return 1, text.strip()

    def _search(self, text: str) -> None:
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

    def _submitted(self, text: str) -> None:
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

    def add_variant(self, v: Variant, quantity: int = 1, *, scanned: bool = False) -> None:
        if not self.draft:
            return
        self.product_feedback.hide()
        if not scanned:  # a scan leaves the focus and every field's text where they were
            self.product_search.clear()
            self.product_search.hide_results()
            self.product_search.setFocus()  # ready for the next scan
        self.editor.undo_stack.push(AddLineCommand(self, {"variant_id": v.id, "quantity": quantity},
                                                   v.display_title))

    def scan(self, code: str, done: Any = None) -> None:
        """A code from the scanner, whatever had focus: its variant is added (barcode or SKU,
        exactly), or the clerk is told plainly that no product has it. `done(message)` hears which."""
        if not self.draft or not self.draft.is_editable:
            return
        self._commit_open_editor()
        app = self.app

        def found(rows: list[Variant]) -> None:
            exact = next((v for v in rows if code in (v.barcode, v.sku)), None)
            if exact is not None:
                self.add_variant(exact, 1, scanned=True)
                message = f"Scanned {code}: {exact.display_title} added"
            else:
                message = f"Unknown barcode {code}: no product has it; nothing was added."
                self.product_feedback.setText(message)
                self.product_feedback.show()
            if done is not None:
                done(message)

        # The edit queue, not a query channel: two quick scans are two lines, never one.
        self.ops.run(lambda: queries.search_variants(code, app.uow(), 20), success=found)

    def _commit_open_editor(self) -> None:
        """A quantity or price being typed in the grid is kept: committed as if Enter was pressed,
        before the scanned line resets the grid (which would otherwise drop the open editor)."""
        view = self.lines_view
        editor = view.indexWidget(view.currentIndex()) or view.focusWidget()
        if view.state() == QAbstractItemView.State.EditingState and editor is not None and editor is not view:
            view.commitData(editor)
            view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def add_custom_item(self) -> None:
        if not self.draft or not self.draft.is_editable:
            return
        dlg = CustomItemDialog(self.editor)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            spec = dlg.spec()
            self.editor.undo_stack.push(AddLineCommand(self, spec, spec["title"]))

    def show_product_error(self, exc: Exception) -> bool:
        if isinstance(exc, DomainError):
            self.product_feedback.setText(getattr(exc, "message", str(exc)))
            self.product_feedback.show()
            self.product_search.selectAll()  # the next scan replaces the code that failed
            return True
        return False

    # --- editing lines ----------------------------------------------------------------------
    def _edit_requested(self, item_id: str, field: str, value: Any) -> None:
        item = next((i for i in self.draft.items if i.id == item_id), None) if self.draft else None
        if item is None:
            return
        self.editor.undo_stack.push(EditLineCommand(self, item_id, field, getattr(item, field), value))

    def remove_current_line(self) -> None:
        idx = self.lines_view.currentIndex()
        if not self.draft or not self.draft.is_editable or not idx.isValid():
            return
        self.editor.undo_stack.push(RemoveLineCommand(self, self.lines_model.item(idx.row())))

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
