"""A search field with a results list that never takes focus from it.

A QCompleter popup grabs the keyboard and forwards Enter to the line edit first, which makes a
barcode scan (digits + Enter within a few milliseconds) race the type-ahead. Here the list is an
overlay the field steers with Up/Down; Enter picks the highlighted row only when the list answers
the text now in the field, otherwise it submits the text (a scan) for an exact look-up."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QListView, QWidget

from .models import ObjectRole, _ListModel

DEBOUNCE_MS = 120


class SearchField(QLineEdit):
    queryChanged = Signal(str)  # debounced: ask for results
    chosen = Signal(object)  # the highlighted result, picked with Enter (or a click)
    submitted = Signal(str)  # Enter with no current results for this text (e.g. a barcode scan)

    def __init__(self, model: _ListModel, overlay_parent: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._overlay_parent = overlay_parent
        self.results = QListView(overlay_parent)
        self.results.setModel(model)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setUniformItemSizes(True)
        self.results.clicked.connect(self._clicked)
        self.results.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(lambda: self.queryChanged.emit(self.text().strip()))
        self.textEdited.connect(self._edited)

    def _edited(self, text: str) -> None:
        if not text.strip():
            self._timer.stop()
            self.hide_results()
            return
        self._timer.start()

    def search_now(self) -> None:
        self._timer.stop()
        self.queryChanged.emit(self.text().strip())

    def show_results(self, rows: list[Any], query: str) -> None:
        if query != self.text().strip():
            return  # the user typed on: a newer answer is coming
        self.model.set_rows(rows, query)
        if not rows or not self.hasFocus():
            self.results.hide()
            return
        self.results.setCurrentIndex(self.model.index(0, 0))
        self._place()
        self.results.show()
        self.results.raise_()

    def hide_results(self) -> None:
        self.results.hide()

    def results_visible(self) -> bool:
        return self.results.isVisible()

    def _place(self) -> None:
        top_left = self.mapTo(self._overlay_parent, QPoint(0, self.height()))
        rows = min(self.model.rowCount(), 8)
        h = max(self.results.sizeHintForRow(0), 20) * rows + 4
        self.results.setGeometry(top_left.x(), top_left.y(), max(self.width(), 420), h)

    def current(self) -> Any:
        idx = self.results.currentIndex()
        return idx.data(ObjectRole) if idx.isValid() else None

    def _clicked(self, index: QModelIndex) -> None:
        self.chosen.emit(index.data(ObjectRole))

    def keyPressEvent(self, e: QKeyEvent) -> None:
        key = e.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.isVisible():
            n = self.model.rowCount()
            row = self.results.currentIndex().row()
            row = (row + (1 if key == Qt.Key.Key_Down else -1)) % max(n, 1)
            self.results.setCurrentIndex(self.model.index(row, 0))
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            fresh = self.results.isVisible() and self.model.query == self.text().strip() and not self._timer.isActive()
            obj = self.current() if fresh else None
            self._timer.stop()
            self.hide_results()
            if obj is not None:
                self.chosen.emit(obj)
            elif self.text().strip():
                self.submitted.emit(self.text().strip())
            return
        if key == Qt.Key.Key_Escape and (self.results.isVisible() or self.text()):
            self.hide_results()
            self.clear()
            return
        super().keyPressEvent(e)

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.FocusOut:
            self.hide_results()
        return super().event(e)
