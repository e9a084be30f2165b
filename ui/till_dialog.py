"""First start: the till's code (part of every invoice number, unique in the shop) and its name."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.bootstrap import App
from app.services import tills

from . import theme


class TillSetupDialog(QDialog):
    """Asks for the code and name; OK saves them through the service (a bad code is shown under
    its field and nothing is saved); Cancel leaves the default code, changeable in the settings
    until the first sale."""

    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tillSetupDialog")
        self.setWindowTitle("Set up this till")
        self.app = app
        self.setMinimumWidth(460)  # the example number and the placeholder whole, not wrapped or cut
        layout = QVBoxLayout(self)
        intro = QLabel("Each till of the shop needs its own short code: it is part of every invoice "
                       "number this till prints (e.g. TD-A1-2026-000001).", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        layout.addLayout(form)
        self.code = QLineEdit(self)
        self.code.setObjectName("till_code")
        self.code.setPlaceholderText("e.g. A1 (2 to 6 letters or digits)")
        self.code.setMaxLength(12)
        self.name = QLineEdit("Till 1", self)
        self.name.setObjectName("till_name")
        self.error = QLabel(self)
        self.error.setObjectName("till_error")
        self.error.setStyleSheet(theme.style("error", size=11))
        self.error.hide()
        form.addRow("Till code", self.code)
        form.addRow("", self.error)
        form.addRow("Till name", self.name)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.code.setFocus()

    def save(self) -> None:
        try:
            tills.set_till(self.app.uow(), self.code.text(), self.name.text())
        except Exception as exc:  # noqa: BLE001 - a domain refusal, shown under the field it names
            self.error.setText(getattr(exc, "message", str(exc)))
            self.error.show()
            return
        self.accept()


def ask_till_code(app: App, parent: QWidget | None = None) -> None:
    """On a first start: ask; without an answer the till keeps the default code."""
    if not tills.needs_code(app.uow()):
        return
    if TillSetupDialog(app, parent).exec() != QDialog.DialogCode.Accepted:
        tills.set_till(app.uow(), tills.DEFAULT_CODE)
