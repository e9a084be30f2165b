"""The manager-approval prompt: a cashier asked for a guarded action; a manager (or the owner)
types their PIN here, and that one action is done again carrying the approval."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.staff import Approval
from app.services.staff import StaffDTO

from ..ops import describe_error

APPROVERS = ("manager", "owner")


class ApprovalDialog(QDialog):
    """``check(name, pin)`` answers the Approval or raises the service's error (wrong PIN,
    locked, may not approve), which is shown here and the dialog stays open."""

    def __init__(self, action: str | None, message: str, people: list[StaffDTO], current: str | None,
                 check: Callable[[str, str], Approval], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("approvalDialog")
        self.setWindowTitle("Manager approval")
        self.check = check
        self.approval: Approval | None = None
        lay = QVBoxLayout(self)
        what = (action or "this action").replace("_", " ")
        self.message = QLabel(f"<b>{what.capitalize()}</b> needs a manager's approval.<br>"
                              f"<span style='color:palette(mid)'>{message}</span>", self)
        self.message.setObjectName("approvalMessage")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        form = QFormLayout()
        lay.addLayout(form)
        self.approver = QComboBox(self)
        self.approver.setObjectName("approverCombo")
        self.approver.setAccessibleName("Approver")
        for p in people:
            if p.active and p.role in APPROVERS and p.name != current:
                self.approver.addItem(f"{p.name} ({p.role})", p.name)
        form.addRow("&Manager", self.approver)
        self.pin_edit = QLineEdit(self)
        self.pin_edit.setObjectName("approverPin")
        self.pin_edit.setAccessibleName("Manager's PIN")
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(8)
        self.pin_edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,8}"), self.pin_edit))
        form.addRow("&PIN", self.pin_edit)
        self.error_label = QLabel("", self)
        self.error_label.setObjectName("approvalError")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        lay.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                   Qt.Orientation.Horizontal, self)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Approve")
        self.ok_button.setObjectName("approveButton")
        buttons.accepted.connect(self.approve)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.pin_edit.setFocus()

    def approve(self) -> None:
        name = self.approver.currentData()
        if name is None:
            self.fail("approver: no manager account can approve this")
            return
        if not self.pin_edit.text():
            self.fail("approver: type the manager's PIN")
            return
        try:
            self.approval = self.check(name, self.pin_edit.text())
        except Exception as exc:  # noqa: BLE001 - every service error is shown in the dialog
            self.fail(describe_error(exc))
            return
        self.accept()

    def fail(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self.pin_edit.clear()
        self.pin_edit.setFocus()
