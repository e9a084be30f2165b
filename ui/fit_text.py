"""Fields too narrow for their text at 1280x800 show the whole value in a tooltip."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLineEdit


class _FitTip(QObject):
    def __init__(self, edit: QLineEdit, base_tip: str) -> None:
        super().__init__(edit)
        self.edit, self.base_tip = edit, base_tip
        edit.textChanged.connect(self.update)
        edit.installEventFilter(self)  # a resize can cut a value that fitted before

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:
        if e.type() == QEvent.Type.Resize:
            self.update()
        return False

    def cut(self) -> bool:
        e = self.edit
        text = e.text() or e.placeholderText()
        room = e.contentsRect().width() - 2 * 4  # the line edit's own text margins
        if e.isClearButtonEnabled():
            room -= 20
        return e.fontMetrics().horizontalAdvance(text) > room

    def update(self, *_args: object) -> None:
        value = self.edit.text() or self.edit.placeholderText()
        self.edit.setToolTip(f"{value}\n{self.base_tip}" if self.cut() and value else self.base_tip)


def tooltip_when_cut(edit: QLineEdit) -> None:
    """From now on `edit`'s tooltip starts with its whole value whenever the field cuts it off."""
    if edit.findChild(_FitTip) is None:
        _FitTip(edit, edit.toolTip()).update()


def fits(edit: QLineEdit) -> bool:
    tip = edit.findChild(_FitTip)
    return not tip.cut() if tip is not None else True


__all__ = ["fits", "tooltip_when_cut"]
