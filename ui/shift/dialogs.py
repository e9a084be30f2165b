"""The shift dialogs: an amount and/or a reason (open shift, cash in, cash out, no sale) and the
close dialog that shows, per tender, what the drawer should hold, what was counted and the
difference before the shift is closed.

The dialogs only collect text. The services check it (amounts, reasons) and write nothing when
it is wrong; the dialog stays open with the one-line message naming the field."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import DomainError
from app.domain.money import money_str
from app.domain.shift_report import ShiftReport
from app.domain.shifts import amount

TENDER_LABELS = {"cash": "Cash", "card": "Card slips", "other": "Other", "exchange_credit": "Exchange credit"}
FIELD_LABELS = {"amount": "Amount", "reason": "Reason", "float": "Float", "float.cash": "Cash float",
                "counted": "Counted", "counted.cash": "Counted cash", "counted.card": "Counted card slips",
                "counted.other": "Counted other"}


def field_message(text: str) -> str:
    """'counted.cash: must not be negative' -> 'Counted cash: must not be negative'."""
    head, sep, rest = text.partition(": ")
    return f"{FIELD_LABELS[head]}: {rest}" if sep and head in FIELD_LABELS else text


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel("", parent)
    label.setObjectName("shiftErrorLabel")
    label.setAccessibleName("Problem")
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    label.hide()
    return label


class AmountReasonDialog(QDialog):
    """One dialog for open shift (amount), cash in / cash out (amount and reason) and no sale
    (reason). `submitted` carries (amount text, reason text); the caller runs the service and
    calls `done_ok()` or `show_error()`."""

    submitted = Signal(str, str)

    def __init__(self, title: str, intro: str, parent: QWidget | None = None, *, amount_label: str | None = "Amount",
                 reason: bool = True, ok_text: str = "OK", amount_text: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("shiftAmountDialog")
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        lay = QVBoxLayout(self)
        head = QLabel(intro, self)
        head.setWordWrap(True)
        lay.addWidget(head)
        form = QFormLayout()
        self.amount_edit: QLineEdit | None = None
        self.reason_edit: QLineEdit | None = None
        if amount_label is not None:
            self.amount_edit = QLineEdit(amount_text, self)
            self.amount_edit.setObjectName("shiftAmountEdit")
            self.amount_edit.setAccessibleName(amount_label)
            self.amount_edit.setPlaceholderText("0.00")
            self.amount_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            form.addRow(f"&{amount_label}:", self.amount_edit)
        if reason:
            self.reason_edit = QLineEdit(self)
            self.reason_edit.setObjectName("shiftReasonEdit")
            self.reason_edit.setAccessibleName("Reason")
            self.reason_edit.setMaxLength(500)
            self.reason_edit.setPlaceholderText("e.g. change brought in, paid the milk supplier")
            form.addRow("&Reason:", self.reason_edit)
        lay.addLayout(form)
        self.error_label = _error_label(self)
        lay.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setObjectName("shiftOkButton")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def submit(self) -> None:
        self.error_label.hide()
        self.ok_button.setEnabled(False)  # one submission at a time
        self.submitted.emit(self.amount_edit.text().strip() if self.amount_edit else "",
                            self.reason_edit.text() if self.reason_edit else "")

    def show_error(self, message: str) -> None:
        self.ok_button.setEnabled(True)
        self.error_label.setText(field_message(message))
        self.error_label.show()
        focus = self.reason_edit if message.startswith("reason") else self.amount_edit
        if focus is not None:
            focus.setFocus()
            focus.selectAll()

    def done_ok(self) -> None:
        self.accept()


class CloseShiftDialog(QDialog):
    """Counted amounts in; expected, counted and difference per tender shown live. "Close shift"
    asks the service (which re-computes everything) only after the figures were shown."""

    submitted = Signal(dict)  # {"cash": "412.35", "card": "88.10"}

    def __init__(self, report: ShiftReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("closeShiftDialog")
        self.setWindowTitle("Close shift")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.report = report
        cur = report.currency_code
        lay = QVBoxLayout(self)
        intro = QLabel(f"Count the drawer and enter what is there ({cur.upper()}). Card slips are optional. "
                       "The Z report is printed once the shift is closed.", self)
        intro.setWordWrap(True)
        lay.addWidget(intro)
        grid = QGridLayout()
        for col, text in enumerate(("", "Expected", "Counted", "Difference")):
            h = QLabel(f"<b>{text}</b>", self)
            h.setAlignment(Qt.AlignmentFlag.AlignRight if col else Qt.AlignmentFlag.AlignLeft)
            grid.addWidget(h, 0, col)
        self.counted: dict[str, QLineEdit] = {}
        self.expected_labels: dict[str, QLabel] = {}
        self.difference_labels: dict[str, QLabel] = {}
        # Cash always, card slips always (optional to count), other tenders when the shift took some.
        self.expected = {t.tender: t.expected for t in report.tenders}
        for tender in ("cash", "card"):
            self.expected.setdefault(tender, Decimal(0))
        for row, tender in enumerate(sorted(self.expected, key=lambda k: ("cash", "card").index(k)
                                            if k in ("cash", "card") else 2), start=1):
            grid.addWidget(QLabel(TENDER_LABELS.get(tender, tender.title()), self), row, 0)
            exp = QLabel(money_str(self.expected[tender], cur), self)
            exp.setObjectName(f"expected_{tender}")
            exp.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit = QLineEdit(self)
            edit.setObjectName(f"counted_{tender}")
            edit.setAccessibleName(f"Counted {TENDER_LABELS.get(tender, tender)}")
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.setPlaceholderText("required" if tender == "cash" else "optional")
            edit.textChanged.connect(self.update_differences)
            diff = QLabel("—", self)
            diff.setObjectName(f"difference_{tender}")
            diff.setAlignment(Qt.AlignmentFlag.AlignRight)
            diff.setMinimumWidth(110)
            grid.addWidget(exp, row, 1)
            grid.addWidget(edit, row, 2)
            grid.addWidget(diff, row, 3)
            self.counted[tender], self.expected_labels[tender], self.difference_labels[tender] = edit, exp, diff
        lay.addLayout(grid)
        summary = (f"{report.sales_count} sale{'s' if report.sales_count != 1 else ''}, gross "
                   f"{money_str(report.gross, cur)}; cash in {money_str(report.cash_in_total, cur)}, "
                   f"cash out {money_str(report.cash_out_total, cur)}")
        self.summary_label = QLabel(summary, self)
        self.summary_label.setObjectName("closeShiftSummary")
        lay.addWidget(self.summary_label)
        self.error_label = _error_label(self)
        lay.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.close_button = QPushButton("&Close shift", self)
        self.close_button.setObjectName("closeShiftButton")
        self.close_button.setToolTip("Close the shift with these counts and print the Z report")
        self.close_button.setAutoDefault(False)  # Enter in a count field never closes the shift
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button.clicked.connect(self.submit)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAutoDefault(False)  # nor cancels it (the counts typed would be lost)
        cancel.setDefault(False)
        buttons.rejected.connect(self.reject)
        edits = list(self.counted.values())
        for edit, nxt in zip(edits, [*edits[1:], self.close_button], strict=True):
            edit.returnPressed.connect(nxt.setFocus)  # Enter moves on to the next count
        lay.addWidget(buttons)
        self.update_differences()
        self.counted["cash"].setFocus() if "cash" in self.counted else None

    def difference(self, tender: str) -> Decimal | None:
        """counted - expected for a tender, or None while its count is empty or not an amount."""
        text = self.counted[tender].text().strip()
        if not text:
            return None
        try:
            got = amount(text, self.report.currency_code, field=f"counted.{tender}")
        except DomainError:
            return None
        return got - self.expected[tender]

    def update_differences(self) -> None:
        cur = self.report.currency_code
        for tender, label in self.difference_labels.items():
            d = self.difference(tender)
            if d is None:
                bad = bool(self.counted[tender].text().strip())
                label.setText("not an amount" if bad else "—")
                label.setStyleSheet("color: #b00020;" if bad else "")
                continue
            word = "over" if d > 0 else "short" if d < 0 else "exact"
            label.setText(f"{money_str(abs(d), cur)} {word}")
            label.setStyleSheet("" if d == 0 else "color: #b00020;" if d < 0 else "color: #1b5e20;")
        self.close_button.setEnabled(bool(self.counted.get("cash") and self.counted["cash"].text().strip()))

    def submit(self) -> None:
        self.error_label.hide()
        self.close_button.setEnabled(False)
        self.submitted.emit({k: e.text().strip() for k, e in self.counted.items() if e.text().strip()})

    def show_error(self, message: str) -> None:
        self.update_differences()
        self.error_label.setText(field_message(message))
        self.error_label.show()
        head = message.partition(":")[0]
        tender = head.partition(".")[2]
        if tender in self.counted:
            self.counted[tender].setFocus()
            self.counted[tender].selectAll()
