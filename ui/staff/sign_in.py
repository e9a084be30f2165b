"""The sign-in screen: the staff list and a PIN pad, usable by keyboard alone (type the PIN,
Enter) or by mouse or touch (pick a name, tap the digits, Sign in)."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.staff import StaffDTO

NameRole = Qt.ItemDataRole.UserRole


class SignInScreen(QWidget):
    """Emits ``attempted(name, pin)``; the session checks the PIN and answers with ``fail`` or
    by leaving the screen."""

    attempted = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInScreen")
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        col = QVBoxLayout()
        outer.addLayout(col)
        outer.addStretch(1)
        col.addStretch(1)
        self.title = QLabel("<h2>Sign in</h2>", self)
        self.title.setObjectName("signInTitle")
        self.subtitle = QLabel("Pick your name and type your PIN.", self)
        self.subtitle.setObjectName("signInSubtitle")
        col.addWidget(self.title)
        col.addWidget(self.subtitle)
        row = QHBoxLayout()
        col.addLayout(row)
        self.staff_list = QListWidget(self)
        self.staff_list.setObjectName("staffList")
        self.staff_list.setAccessibleName("Staff")
        self.staff_list.setMinimumSize(240, 280)
        lf = self.staff_list.font()
        lf.setPointSize(lf.pointSize() + 3)  # names big enough to tap
        self.staff_list.setFont(lf)
        self.staff_list.setToolTip("Who is signing in (arrow keys choose, Tab goes to the PIN)")
        self.staff_list.currentItemChanged.connect(lambda *_a: self._name_chosen())
        self.staff_list.itemActivated.connect(lambda _i: self.focus_pin())
        row.addWidget(self.staff_list)
        pad_col = QVBoxLayout()
        row.addLayout(pad_col)
        self.pin_edit = QLineEdit(self)
        self.pin_edit.setObjectName("pinEdit")
        self.pin_edit.setAccessibleName("PIN")
        self.pin_edit.setPlaceholderText("PIN")
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(8)
        self.pin_edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,8}"), self.pin_edit))
        self.pin_edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        f = self.pin_edit.font()
        f.setPointSize(f.pointSize() + 6)
        self.pin_edit.setFont(f)
        self.pin_edit.returnPressed.connect(self.submit)
        pad_col.addWidget(self.pin_edit)
        grid = QGridLayout()
        pad_col.addLayout(grid)
        self.pad: dict[str, QPushButton] = {}
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"]
        labels = {"clear": "Clear", "back": "⌫"}
        for i, k in enumerate(keys):
            b = QPushButton(labels.get(k, k), self)
            b.setObjectName(f"pinKey_{k}")
            b.setAccessibleName({"clear": "Clear PIN", "back": "Delete last digit"}.get(k, k))
            b.setMinimumSize(64, 52)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays in the PIN field
            b.clicked.connect(lambda _c=False, key=k: self.press(key))
            grid.addWidget(b, i // 3, i % 3)
            self.pad[k] = b
        self.sign_in_button = QPushButton("Sign in", self)
        self.sign_in_button.setObjectName("signInButton")
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self.submit)
        pad_col.addWidget(self.sign_in_button)
        self.error_label = QLabel("", self)
        self.error_label.setObjectName("signInError")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        col.addWidget(self.error_label)
        col.addStretch(2)
        QWidget.setTabOrder(self.staff_list, self.pin_edit)

    # --- what the session sets ------------------------------------------------------------
    def show_staff(self, people: list[StaffDTO], *, select: str | None = None, locked_by: str | None = None) -> None:
        self.staff_list.clear()
        for p in people:
            if not p.active:
                continue
            text = f"{p.name}  ·  {p.role}" + ("  (locked)" if p.locked_until else "")
            item = QListWidgetItem(text, self.staff_list)
            item.setData(NameRole, p.name)
        if locked_by:
            self.title.setText("<h2>Locked</h2>")
            self.subtitle.setText(f"{locked_by} locked this till. Type a PIN to go on, or pick another name.")
        else:
            self.title.setText("<h2>Sign in</h2>")
            self.subtitle.setText("Pick your name and type your PIN.")
        self.select(select)
        self.pin_edit.clear()
        self.clear_error()

    def select(self, name: str | None) -> None:
        for i in range(self.staff_list.count()):
            if self.staff_list.item(i).data(NameRole) == name:
                self.staff_list.setCurrentRow(i)
                return
        if self.staff_list.count():
            self.staff_list.setCurrentRow(0)

    def chosen(self) -> str | None:
        item = self.staff_list.currentItem()
        return item.data(NameRole) if item is not None else None

    def fail(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self.pin_edit.clear()
        self.pin_edit.setFocus()

    def clear_error(self) -> None:
        self.error_label.clear()
        self.error_label.hide()

    # --- input ----------------------------------------------------------------------------
    def press(self, key: str) -> None:
        if key == "clear":
            self.pin_edit.clear()
        elif key == "back":
            self.pin_edit.backspace()
        elif len(self.pin_edit.text()) < 8:
            self.pin_edit.setText(self.pin_edit.text() + key)
        self.pin_edit.setFocus()

    def focus_pin(self) -> None:
        self.pin_edit.setFocus()

    def _name_chosen(self) -> None:
        self.pin_edit.clear()
        self.clear_error()

    def submit(self) -> None:
        name, pin = self.chosen(), self.pin_edit.text()
        if name is None:
            self.fail("staff: pick your name first")
            return
        if not pin:
            self.fail("pin: type your PIN")
            return
        self.attempted.emit(name, pin)
