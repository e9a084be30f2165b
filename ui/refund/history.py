"""The order view's list of every refund, return and credit note, with who did it and when."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from app.domain.refunds import OrderReturn, Refund
from app.services.dto import OrderDTO

from ..display import money

COLUMNS = ("When", "What", "Credit note", "Amount", "Paid back by", "Who", "Reason")
KIND_LABELS = {"cash": "Cash", "card": "Card", "other": "Other", "exchange_credit": "Exchange credit"}


def refund_rows(o: OrderDTO, names: dict[str, str]) -> list[tuple[str, ...]]:
    """One row per refund (or cancellation) and one per return, oldest first."""
    titles = {i.id: i.title for i in o.items}
    rows: list[tuple[str, tuple[str, ...]]] = []

    def when(r: Refund | OrderReturn) -> str:
        return r.created_at.strftime("%Y-%m-%d %H:%M")

    def who(staff_id: str | None) -> str:
        return names.get(staff_id, staff_id) if staff_id else "—"

    by_refund = {r.id: r for r in o.refunds}
    for r in o.refunds:
        tenders = ", ".join(KIND_LABELS[t.kind.value] + _reference(t.kind.value, t.reference)
                            + f" {money(t.amount, o.currency_code)}" for t in r.tenders)
        rows.append((r.created_at.isoformat() + "0", (
            when(r), "Cancellation" if r.is_cancellation else "Refund", r.credit_note_number,
            money(r.amount, o.currency_code), tenders, who(r.staff_id), r.reason or "")))
    for ret in o.returns:
        goods = ", ".join(f"{ln.quantity} × {titles.get(ln.line_id, ln.line_id)}" for ln in ret.lines)
        refund = by_refund.get(ret.refund_id or "")
        what = f"Return: {goods}" + (" (restocked)" if ret.restock else "")
        rows.append((ret.created_at.isoformat() + "1", (
            when(ret), what, refund.credit_note_number if refund else "", "", "",
            who(refund.staff_id if refund else None), "")))
    return [r for _k, r in sorted(rows, key=lambda x: x[0])]


class RefundHistory(QTableWidget):
    """Double-click (or Enter on) a row with a credit note: print it again."""

    creditNoteRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setObjectName("orderRefundsView")
        self.setAccessibleName("Refunds, returns and credit notes")
        self.setToolTip("Every refund, return and credit note of this order. Double-click a row to print "
                        "its credit note again.")
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        hh = self.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.setMaximumHeight(130)
        self.activated.connect(self._activated)
        self.doubleClicked.connect(self._activated)

    def set_rows(self, rows: list[tuple[str, ...]]) -> None:
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)  # a long return line is cut in its column
                if c == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(r, c, item)

    def row_texts(self) -> list[tuple[str, ...]]:
        return [tuple((it.text() if (it := self.item(r, c)) else "") for c in range(self.columnCount()))
                for r in range(self.rowCount())]

    def _activated(self, index: object) -> None:
        row = getattr(index, "row", lambda: -1)()
        item = self.item(row, 2) if row >= 0 else None
        if item is not None and item.text():
            self.creditNoteRequested.emit(item.text())


def _reference(kind: str, ref: str | None) -> str:
    """A slip's reference as given; an exchange credit's says where the credit stands."""
    if kind != "exchange_credit":
        return f" {ref}" if ref else ""
    if ref and ref.startswith("order:"):
        return " (spent)"
    return " (held by a draft)" if ref and ref.startswith("draft:") else " (open)"
