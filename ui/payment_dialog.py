"""Mark Paid: split the amount due over cash, card and other tenders, with what is still due and
the change shown live. The dialog only builds the MarkPaid command; the editor runs it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import round_money
from app.domain.order import TenderKind
from app.domain.payments import Tender, TenderBalance, tender_balance

from . import theme
from .display import money, parse_amount

KINDS = (("cash", "Cash"), ("card", "Card"), ("other", "Other"))


class TenderRow:
    def __init__(self, dialog: MarkPaidDialog, index: int, kind: str, amount: Decimal) -> None:
        self.kind = QComboBox(dialog)
        for code, label in KINDS:
            self.kind.addItem(label, code)
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self.kind.setObjectName(f"tenderKind{index}")
        self.kind.setAccessibleName(f"Tender {index + 1}: kind")
        self.kind.setToolTip("Cash, card or other")
        self.amount = QLineEdit(dialog)
        self.amount.setObjectName(f"tenderAmount{index}")
        self.amount.setAccessibleName(f"Tender {index + 1}: amount")
        self.amount.setToolTip("For cash: what the customer hands over; change is given back")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.setText(str(amount) if amount > 0 else "")
        self.reference = QLineEdit(dialog)
        self.reference.setObjectName(f"tenderReference{index}")
        self.reference.setAccessibleName(f"Tender {index + 1}: reference")
        self.reference.setToolTip("Card slip number, voucher code…")
        self.reference.setPlaceholderText("reference (optional)")
        self.remove = QPushButton("Remove", dialog)
        self.remove.setToolTip("Remove this tender")
        for w in (self.kind, self.amount, self.reference):
            (w.currentIndexChanged if isinstance(w, QComboBox) else w.textChanged).connect(dialog.update_summary)

    def value(self) -> tuple[str, Decimal | None, str | None]:
        return self.kind.currentData(), parse_amount(self.amount.text()), self.reference.text().strip() or None


class MarkPaidDialog(QDialog):
    def __init__(self, amount_due: Decimal, currency_code: str, draft_label: str = "",
                 parent: QWidget | None = None, *, credit: Decimal = Decimal(0)) -> None:
        super().__init__(parent)
        self.setObjectName("markPaidDialog")
        self.setWindowTitle(f"Mark Paid {draft_label}".strip())
        full = round_money(amount_due, currency_code)
        # An exchange draft's credit pays first (the service applies it); the tenders pay the rest.
        self.credit = credit
        self.amount_due = max(full - credit, Decimal(0))
        self.currency_code = currency_code
        self.rows: list[TenderRow] = []

        layout = QVBoxLayout(self)
        head = QFormLayout()
        self.credit_back: QComboBox | None = None
        self.credit_back_ref: QLineEdit | None = None
        if credit > 0:
            head.addRow("Total", QLabel(money(full, currency_code), self))
            credit_label = QLabel(f"−{money(min(credit, full), currency_code)}", self)
            credit_label.setObjectName("exchangeCreditLabel")
            head.addRow("Exchange credit", credit_label)
        if credit > full:
            self.credit_back = QComboBox(self)
            self.credit_back.setObjectName("creditBackKind")
            self.credit_back.setAccessibleName("Credit back by")
            for kind, label in KINDS:
                self.credit_back.addItem(label, kind)
            self.credit_back.currentIndexChanged.connect(self.update_summary)
            self.credit_back_ref = QLineEdit(self)
            self.credit_back_ref.setObjectName("creditBackReference")
            self.credit_back_ref.setAccessibleName("Credit back card reference")
            self.credit_back_ref.setPlaceholderText("the card terminal's reference")
            self.credit_back_ref.textChanged.connect(self.update_summary)
            back = QHBoxLayout()
            back.addWidget(self.credit_back)
            back.addWidget(self.credit_back_ref, 1)
            head.addRow(f"Give back {money(credit - full, currency_code)} by", back)
        due = QLabel(money(self.amount_due, currency_code), self)
        due.setObjectName("amountDueLabel")
        due.setStyleSheet("font-size: 20px; font-weight: 600;")
        head.addRow("Amount due", due)
        layout.addLayout(head)

        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(8)
        for col, h in enumerate(("Tender", "Amount", "Reference", "")):
            lbl = QLabel(f"<b>{h}</b>", self)
            self.grid.addWidget(lbl, 0, col)
        layout.addLayout(self.grid)

        add_row = QHBoxLayout()
        self.add_button = QPushButton("&Add tender", self)
        self.add_button.setObjectName("addTenderButton")
        self.add_button.setToolTip("Split the payment: add another tender (Ctrl+T)")
        self.add_button.clicked.connect(lambda: self.add_tender())
        QShortcut(QKeySequence("Ctrl+T"), self).activated.connect(lambda: self.add_tender())
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        layout.addLayout(add_row)

        summary = QFormLayout()
        self.tendered_label = QLabel(self)
        self.remaining_label = QLabel(self)
        self.remaining_label.setObjectName("remainingLabel")
        self.change_label = QLabel(self)
        self.change_label.setObjectName("changeLabel")
        self.change_label.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("paymentProblemLabel")
        self.problem_label.setStyleSheet(theme.style("error"))
        self.problem_label.setWordWrap(True)
        summary.addRow("Tendered", self.tendered_label)
        summary.addRow("Still due", self.remaining_label)
        summary.addRow("Change", self.change_label)
        summary.addRow(self.problem_label)
        layout.addLayout(summary)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Mark &Paid")
        self.ok_button.setObjectName("confirmPaymentButton")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        if self.amount_due > 0 or credit <= 0:
            self.add_tender("cash", self.amount_due)
        else:
            self.update_summary()
        self.setMinimumWidth(560)

    def showEvent(self, e: Any) -> None:
        super().showEvent(e)
        if self.rows:
            # The clerk types what the customer hands over (F12, 5, 0, Enter): the amount field takes
            # the keys, its prefilled amount selected so typing replaces it. The kind is Shift+Tab away.
            amount = self.rows[0].amount
            amount.setFocus()
            amount.selectAll()

    def add_tender(self, kind: str = "cash", amount: Decimal | None = None) -> TenderRow:
        if amount is None:
            amount = self.balance()[0].still_due
        row = TenderRow(self, len(self.rows), kind, amount)
        r = len(self.rows) + 1
        self.grid.addWidget(row.kind, r, 0)
        self.grid.addWidget(row.amount, r, 1)
        self.grid.addWidget(row.reference, r, 2)
        self.grid.addWidget(row.remove, r, 3)
        if self.isVisible():
            # The layout would show them on the next event-loop turn; focus needs them visible now.
            for w in (row.kind, row.amount, row.reference, row.remove):
                w.show()
        row.remove.clicked.connect(lambda: self.remove_tender(row))
        if self.rows:
            QWidget.setTabOrder(self.rows[-1].remove, row.kind)
        QWidget.setTabOrder(row.kind, row.amount)
        QWidget.setTabOrder(row.amount, row.reference)
        QWidget.setTabOrder(row.reference, row.remove)
        self.rows.append(row)
        self.update_summary()
        row.kind.setFocus()
        return row

    def remove_tender(self, row: TenderRow) -> None:
        if len(self.rows) == 1:
            return
        self.rows.remove(row)
        for w in (row.kind, row.amount, row.reference, row.remove):
            self.grid.removeWidget(w)
            w.deleteLater()
        self.update_summary()

    def balance(self) -> tuple[TenderBalance, bool]:
        """The domain's balance of the tenders typed so far, and whether every amount is one above zero
        (a blank or bad amount counts as nothing until it is fixed)."""
        tenders: list[Tender] = []
        ok = True
        for row in self.rows:
            kind, amount, _ = row.value()
            if amount is None or amount <= 0:
                ok = False
                continue
            tenders.append(Tender(TenderKind(kind), amount))
        return tender_balance(self.amount_due, tenders), ok

    def update_summary(self, *_: Any) -> None:
        b, amounts_ok = self.balance()
        cur = self.currency_code
        self.tendered_label.setText(money(b.tendered, cur))
        self.remaining_label.setText(money(b.still_due, cur))
        self.change_label.setText("" if b.non_cash_exceeds_due else money(b.change, cur))
        problem = ""
        if not amounts_ok:
            problem = "Every tender needs an amount above zero."
        elif b.non_cash_exceeds_due:
            problem = "Card and other tenders exceed the amount due: change can only be given in cash."
        elif b.still_due > 0:
            problem = f"{money(b.still_due, cur)} still to pay."
        elif self.credit_back is not None and self.credit_back_ref is not None and \
                self.credit_back.currentData() == "card" and not self.credit_back_ref.text().strip():
            problem = "Credit back: a card refund needs the card terminal's reference."
        self.problem_label.setText(problem)
        self.ok_button.setEnabled(not problem)

    def command(self, draft_id: str) -> dict[str, Any]:
        tenders = []
        for row in self.rows:
            kind, amount, ref = row.value()
            tenders.append({"kind": kind, "amount": str(amount), "reference": ref})
        cmd: dict[str, Any] = {"draft_id": draft_id, "tenders": tenders}
        if self.credit_back is not None and self.credit_back_ref is not None:
            cmd["credit_refund_kind"] = self.credit_back.currentData()
            cmd["credit_refund_reference"] = self.credit_back_ref.text().strip() or None
        return cmd
