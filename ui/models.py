"""Qt item models over the services' frozen DTOs: column constants, named roles, no ORM rows.

Editable cells never change the DTO themselves: they ask for the edit (`editRequested`), the
editor runs the service call, and the fresh DTO comes back through `set_items`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont

from app.domain.catalog import Customer, Variant
from app.domain.draft_order import MAX_QUANTITY
from app.domain.order import Payment
from app.services.dto import LineItemDTO, ListEntryDTO

from .display import draft_state_text, money, order_state_text, parse_amount, phone_text, status_text
from .none_guard import install as _guard_none

# Every window path imports this module: protect None before the first item view touches it
# (see none_guard: this PySide6 build over-releases None on Python 3.11).
_guard_none()

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

IdRole = Qt.ItemDataRole.UserRole + 1
KindRole = Qt.ItemDataRole.UserRole + 2
ObjectRole = Qt.ItemDataRole.UserRole + 3  # the DTO behind the row


class RowsTableModel(QAbstractTableModel):
    """A read-mostly table over a list of frozen DTOs: subclasses give HEADERS and data()."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def _reset(self, rows: Any) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_of(self, row_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == row_id), -1)

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.HEADERS)):
            return self.HEADERS[section]
        return None


class DraftListModel(RowsTableModel):
    """The left-hand list: drafts or orders (ListEntryDTO)."""

    COL_NUMBER, COL_CUSTOMER, COL_TOTAL, COL_STATUS = range(4)
    HEADERS = ("#", "Customer", "Total", "Status")

    home_country = ""  # the shop's country: its phones read the national way

    @staticmethod
    def state_text(e: ListEntryDTO) -> str:
        if e.kind != "order":
            return draft_state_text(e.status)
        state = order_state_text(e.status, e.payment_status)
        return f"{state} · not synced" if e.sync_state and e.sync_state != "synced" else state

    def set_entries(self, entries: tuple[ListEntryDTO, ...] | list[ListEntryDTO]) -> None:
        self._reset(entries)

    def entry(self, row: int) -> ListEntryDTO:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        e, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_NUMBER:
                return f"#{e.display_id}"  # the invoice number is in the tooltip (and found by search)
            if col == self.COL_CUSTOMER:
                return e.customer_name or e.email or "(no customer yet)"
            if col == self.COL_TOTAL:
                return money(e.total, e.currency_code)
            if col == self.COL_STATUS:
                return self.state_text(e)
        if role == Qt.ItemDataRole.ToolTipRole:
            # The whole of what a narrow column may cut: customer, e-mail, phone, state.
            kind = f"Order #{e.display_id} · invoice {e.invoice_number}" if e.invoice_number else \
                f"{'Order' if e.kind == 'order' else 'Draft'} #{e.display_id}"
            bits = [kind, e.customer_name, e.email or "",
                    phone_text(e.phone, self.home_country), self.state_text(e), f"{e.item_count} item(s)"]
            return "\n".join(b for b in bits if b)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == self.COL_TOTAL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == IdRole:
            return e.id
        if role == KindRole:
            return e.kind
        if role == ObjectRole:
            return e
        return None


class LineItemsModel(RowsTableModel):
    """The line-item grid. Quantity and unit price are editable while `editable` is True."""

    COL_SKU, COL_TITLE, COL_QTY, COL_UNIT_PRICE, COL_DISCOUNT, COL_TOTAL = range(6)
    HEADERS = ("SKU", "Item", "Qty", "Unit price", "Discount", "Line total")
    EDITABLE_COLUMNS = (COL_QTY, COL_UNIT_PRICE)

    editRequested = Signal(str, str, object)  # item id, field ("quantity" | "unit_price"), new value

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.currency_code = "usd"
        self.editable = True

    def set_items(self, items: tuple[LineItemDTO, ...] | list[LineItemDTO], currency_code: str,
                  editable: bool = True) -> None:
        self.beginResetModel()
        self._rows, self.currency_code, self.editable = list(items), currency_code, editable
        self.endResetModel()

    def item(self, row: int) -> LineItemDTO:
        return self._rows[row]

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if self.editable and index.column() in self.EDITABLE_COLUMNS:
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        it, col, cur = self._rows[index.row()], index.column(), self.currency_code
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_SKU:
                return it.variant_sku or ("custom" if it.is_custom_item else "")
            if col == self.COL_TITLE:
                plain = not it.subtitle or it.subtitle.lower() in {"default", "default variant", "one size"}
                return it.title if plain else f"{it.title} — {it.subtitle}"
            if col == self.COL_QTY:
                return str(it.quantity)
            if col == self.COL_UNIT_PRICE:
                return money(it.unit_price, cur)
            # Lines read like the invoice: net of tax where tax is added on top, gross where
            # prices include it, so each line's figures agree with its unit price.
            if col == self.COL_DISCOUNT:
                d = it.discount_total if it.is_tax_inclusive else it.discount_subtotal
                return money(-d, cur) if d else ""
            if col == self.COL_TOTAL:
                return money(it.total if it.is_tax_inclusive else it.subtotal - it.discount_subtotal, cur)
        if role == Qt.ItemDataRole.EditRole:
            if col == self.COL_QTY:
                return it.quantity
            if col == self.COL_UNIT_PRICE:
                return str(it.unit_price)
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= self.COL_QTY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            tips = [it.variant_barcode and f"Barcode {it.variant_barcode}",
                    it.is_custom_price and "Custom price",
                    *(f"{code}: −{money(a, cur)}" for code, a in it.adjustments)]
            return "\n".join(t for t in tips if t) or None
        if role == Qt.ItemDataRole.FontRole and col == self.COL_UNIT_PRICE and it.is_custom_price:
            f = QFont()
            f.setItalic(True)
            return f
        if role == IdRole:
            return it.id
        if role == ObjectRole:
            return it
        return None

    def _request(self, item_id: str, field: str, value: Any) -> None:
        # After the delegate has finished committing: the edit resets this model, and resetting
        # it inside the view's commitData would pull the editor away under the view's feet.
        QTimer.singleShot(0, lambda: self.editRequested.emit(item_id, field, value))

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (role != Qt.ItemDataRole.EditRole or not index.isValid()
                or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable)):
            return False
        it = self._rows[index.row()]
        if index.column() == self.COL_QTY:
            try:
                q = int(str(value).strip())
            except ValueError:
                return False
            if not 1 <= q <= MAX_QUANTITY:
                return False
            if q != it.quantity:
                self._request(it.id, "quantity", q)
            return True
        if index.column() == self.COL_UNIT_PRICE:
            amount = value if isinstance(value, Decimal) else parse_amount(str(value))
            if amount is None or amount < 0:
                return False
            if amount != it.unit_price:
                self._request(it.id, "unit_price", amount)
            return True
        return False


class _ListModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self.query = ""

    def set_rows(self, rows: list[Any], query: str = "") -> None:
        self.beginResetModel()
        self._rows, self.query = list(rows), query
        self.endResetModel()

    def row(self, i: int) -> Any:
        return self._rows[i]

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def _display(self, obj: Any) -> str:
        raise NotImplementedError

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        obj = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._display(obj)
        if role == IdRole:
            return obj.id
        if role == ObjectRole:
            return obj
        return None


class VariantResultsModel(_ListModel):
    """Product search results (Variant) for the type-ahead popup."""

    currency_code = "usd"

    def _display(self, v: Variant) -> str:
        price = v.price_in(self.currency_code)
        bits = [v.display_title, v.sku or "", money(price, self.currency_code) if price is not None else "no price"]
        return "   ·   ".join(b for b in bits if b)


class CustomerResultsModel(_ListModel):
    """Customer search results (Customer) for the type-ahead popup."""

    home_country = ""  # the shop's country: its phones read the national way

    def _display(self, c: Customer) -> str:
        phone = phone_text(c.phone, self.home_country)
        return "   ·   ".join(b for b in (c.full_name or c.company_name or "", c.email, phone) if b)


class PaymentsModel(RowsTableModel):
    """The tenders of a paid order (read-only)."""

    COL_KIND, COL_AMOUNT, COL_TENDERED, COL_CHANGE, COL_REFERENCE = range(5)
    HEADERS = ("Tender", "Paid", "Tendered", "Change", "Reference")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.currency_code = "usd"

    def set_payments(self, payments: tuple[Payment, ...], currency_code: str) -> None:
        self.beginResetModel()
        self._rows, self.currency_code = list(payments), currency_code
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        p, col, cur = self._rows[index.row()], index.column(), self.currency_code
        if role == Qt.ItemDataRole.DisplayRole:
            return (status_text(p.kind.value), money(p.amount, cur), money(p.amount_tendered, cur),
                    money(p.change_given, cur) if p.change_given else "", p.reference or "")[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.COL_AMOUNT, self.COL_TENDERED, self.COL_CHANGE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == IdRole:
            return p.id
        if role == ObjectRole:
            return p
        return None
