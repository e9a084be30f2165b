"""The Refund dialog: lines and quantities (never more than is still refundable), the shipping, a
plain amount, a reason, the restock choice and the tender that pays it back (the original
tenders first), or two of them (a cash part and a card part, ui/refund/tenders.py), and the
Exchange button that takes the items back as credit for a new draft. The total is the service's
own figure, asked again on every change; the dialog only builds the commands, the controller
runs them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import minor_units
from app.services.refund_quote import RefundableDTO

from .. import theme
from ..display import money, parse_amount
from .tenders import SplitTenders, tender_choices

# What a field of the RefundOrder command is called on screen (errors name the field).
FIELD_LABELS = {"items": "Items", "shipping": "Shipping", "amount": "Plain amount", "reason": "Reason",
                "tenders": "Tender", "reference": "Card reference", "order": "Order"}

Quote = Callable[[dict[str, Any], Callable[[Decimal], None], Callable[[Exception], bool]], None]


def field_label(field: str | None, quantity_rows: list[str] | None = None) -> str:
    """'items.0.quantity' → 'Quantity of <line>'; 'tenders.0.reference' → 'Card reference'."""
    if not field:
        return ""
    parts = field.split(".")
    if parts[0] == "items" and len(parts) > 1 and quantity_rows and parts[1].isdigit() \
            and int(parts[1]) < len(quantity_rows):
        return f"Quantity of {quantity_rows[int(parts[1])]}"
    if parts[0] == "tenders":
        return "Card reference" if parts[-1] == "reference" else "Tender"
    return FIELD_LABELS.get(parts[0], parts[0].replace("_", " ").capitalize())


class RefundDialog(QDialog):
    def __init__(self, info: RefundableDTO, quote: Quote, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("refundDialog")
        self.setWindowTitle(f"Refund order #{info.display_id}")
        self.info, self._quote = info, quote
        self.total: Decimal | None = None
        self.total_problem = ""
        self.pending = False  # a quote is on its way: the figure shown may be stale
        cur = info.currency_code
        layout = QVBoxLayout(self)
        head = QLabel(f"<b>Order #{info.display_id}</b> · invoice {info.invoice_number} · paid and not yet "
                      f"refunded: <b>{money(info.remaining, cur)}</b>", self)
        head.setObjectName("refundHeading")
        if info.open_credit > 0:
            head.setText(head.text() + f" · open exchange credit: <b>{money(info.open_credit, cur)}</b>")
        layout.addWidget(head)

        box = QGroupBox("Items to refund", self)
        grid = QGridLayout(box)
        for col, h in enumerate(("Item", "Refundable", "Quantity", "Refundable amount")):
            grid.addWidget(QLabel(f"<b>{h}</b>", box), 0, col)
        self.quantities: list[QSpinBox] = []
        for i, ln in enumerate(info.lines):
            grid.addWidget(QLabel(ln.title, box), i + 1, 0)
            grid.addWidget(QLabel(f"{ln.left} of {ln.sold}", box), i + 1, 1)
            spin = QSpinBox(box)
            spin.setObjectName(f"refundQty{i}")
            spin.setAccessibleName(f"Quantity to refund of {ln.title}")
            spin.setRange(0, ln.left)  # never more than is still refundable
            spin.setEnabled(ln.left > 0)
            spin.valueChanged.connect(self.changed)
            grid.addWidget(spin, i + 1, 2)
            amount = QLabel(money(ln.amount_left, cur), box)
            amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(amount, i + 1, 3)
            self.quantities.append(spin)
        grid.setColumnStretch(0, 1)
        layout.addWidget(box)

        form = QFormLayout()
        self.shipping = QCheckBox(f"Refund the shipping ({money(info.shipping_amount, cur)})"
                                  if info.shipping_amount else "No shipping left to refund", self)
        self.shipping.setObjectName("refundShipping")
        self.shipping.setEnabled(info.shipping_amount > 0)
        self.shipping.toggled.connect(self.changed)
        form.addRow("Shipping", self.shipping)
        self.amount = QLineEdit(self)
        self.amount.setObjectName("refundAmount")
        self.amount.setAccessibleName("Plain amount")
        self.amount.setPlaceholderText("0.00 (goodwill, on top of the items)")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.textChanged.connect(self.changed)
        form.addRow("Plain amount", self.amount)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("refundReason")
        self.reason.setAccessibleName("Reason")
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText("Damaged, wrong size, goodwill…")
        form.addRow("Reason", self.reason)
        self.restock = QCheckBox("Put the returned items back in stock", self)
        self.restock.setObjectName("refundRestock")
        form.addRow("Return", self.restock)
        self.tender = QComboBox(self)
        self.tender.setObjectName("refundTender")
        self.tender.setAccessibleName("Tender")
        for kind, label, ref in tender_choices(info):
            self.tender.addItem(label, (kind, ref))
        self.tender.currentIndexChanged.connect(self._tender_chosen)
        form.addRow("Pay back by", self.tender)
        self.reference = QLineEdit(self)
        self.reference.setObjectName("refundReference")
        self.reference.setAccessibleName("Card reference")
        self.reference.setMaxLength(100)
        self.reference.setPlaceholderText("the card terminal's reference")
        self.reference.textChanged.connect(self.update_state)
        form.addRow("Card reference", self.reference)
        self.split = SplitTenders(info, self)
        self.split.toggle.toggled.connect(self._split_toggled)
        self.split.changed.connect(self.update_state)
        form.addRow("Split", self.split.toggle)
        form.addRow(self.split)
        layout.addLayout(form)

        summary = QFormLayout()
        self.total_label = QLabel(self)
        self.total_label.setObjectName("refundTotalLabel")
        self.total_label.setStyleSheet("font-size: 20px; font-weight: 600;")
        summary.addRow("Refund total", self.total_label)
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("refundProblemLabel")
        self.problem_label.setStyleSheet(theme.style("error"))
        self.problem_label.setWordWrap(True)
        summary.addRow(self.problem_label)
        layout.addLayout(summary)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.refund_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.refund_button.setText("&Refund")
        self.refund_button.setObjectName("confirmRefundButton")
        self.exchange_button = self.buttons.addButton("E&xchange…", QDialogButtonBox.ButtonRole.ActionRole)
        self.exchange_button.setObjectName("exchangeButton")
        self.exchange_button.setToolTip("Take the chosen items back and start a new draft for the same customer "
                                        "paid with their credit (Alt+X)")
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(600)
        self._tender_chosen()
        self.changed()

    # --- reading the form -------------------------------------------------------------------
    def plain_amount(self) -> tuple[Decimal, str]:
        """The plain amount (zero when blank) and a problem naming the field, if any."""
        text = self.amount.text().strip()
        if not text:
            return Decimal(0), ""
        d = parse_amount(text)
        if d is None:
            return Decimal(0), f"Plain amount: {text!r} is not an amount"
        if d < 0:
            return Decimal(0), "Plain amount: must not be negative"
        digits = minor_units(self.info.currency_code)
        if d != d.quantize(Decimal(1).scaleb(-digits)):
            return Decimal(0), f"Plain amount: more than {digits} decimals for {self.info.currency_code.upper()}"
        return d, ""

    def request(self) -> dict[str, Any]:
        items = [{"line_id": ln.line_id, "quantity": spin.value()}
                 for ln, spin in zip(self.info.lines, self.quantities, strict=True) if spin.value() > 0]
        amount, _ = self.plain_amount()
        return {"order_id": self.info.order_id, "items": items, "shipping": self.shipping.isChecked(),
                "amount": str(amount)}

    def tender_kind(self) -> str:
        return str(self.tender.currentData()[0])

    def command(self) -> dict[str, Any]:
        """The RefundOrder command: one tender paying back the whole total, or the split's two."""
        assert self.total is not None
        cmd = self.request()
        ref = self.reference.text().strip() or None
        first = {"kind": self.tender_kind(), "amount": str(self.total),
                 "reference": ref if self.tender_kind() != "cash" else None}
        tenders = [first]
        if self.split.toggle.isChecked():
            first["amount"] = str(self.split.first_amount())
            tenders.append(self.split.second())
        cmd.update(tenders=tenders, restock=self.restock.isChecked() and bool(cmd["items"]),
                   reason=self.reason.text().strip() or None)
        return cmd

    def exchange_command(self) -> dict[str, Any]:
        """The ExchangeOrder command: the chosen items come back as credit for a new draft."""
        req = self.request()
        return {"order_id": self.info.order_id, "items": req["items"],
                "restock": self.restock.isChecked() and bool(req["items"]),
                "reason": self.reason.text().strip() or None}

    def exchange_problem(self) -> str:
        if self.pending:
            return "…"
        req = self.request()
        if req["shipping"] or Decimal(req["amount"]) != 0:
            return "Exchange: only items are exchanged, not the shipping or a plain amount."
        if not req["items"]:
            # No items: only the credit a deleted exchange draft left open goes to the new draft.
            return "" if self.info.open_credit > 0 else "Exchange: choose the items that come back."
        return self.total_problem

    # --- live state -------------------------------------------------------------------------
    def _split_toggled(self, on: bool) -> None:
        self.split.setVisible(on)
        self.split.set_total(self.total)
        self.update_state()

    def _tender_chosen(self, *_: Any) -> None:
        kind, ref = self.tender.currentData()
        self.reference.setEnabled(kind != "cash")
        if kind == "cash":
            self.reference.clear()
        elif ref and not self.reference.text().strip():
            self.reference.setText(ref)
        self.update_state()

    def changed(self, *_: Any) -> None:
        """Anything that moves the figure: ask the service again (the newest answer wins)."""
        self.restock.setEnabled(any(s.value() > 0 for s in self.quantities))
        problem = self.plain_amount()[1]
        if problem:
            self._set_total(None, problem)
            return
        req = self.request()
        if not req["items"] and not req["shipping"] and Decimal(req["amount"]) == 0:
            self._set_total(None, "Choose items, the shipping or a plain amount.")
            return
        self.pending = True
        self.update_state()
        self._quote(req, lambda total: self._set_total(total, ""), self._quote_failed)

    def _quote_failed(self, exc: Exception) -> bool:
        self._set_total(None, self.describe(exc))
        return True

    def describe(self, exc: Exception) -> str:
        """One line naming the field, in the dialog's words."""
        errors = getattr(exc, "errors", None)
        titles = [ln.title for ln in self.info.lines if ln.line_id in {i["line_id"] for i in self.request()["items"]}]
        if errors:
            first = errors[0]
            return f"{field_label(first.field, titles)}: {first.message}" if first.field else first.message
        field = getattr(exc, "field", None)
        message = getattr(exc, "message", str(exc))
        return f"{field_label(field, titles)}: {message}" if field else message

    def _set_total(self, total: Decimal | None, problem: str) -> None:
        self.total, self.total_problem, self.pending = total, problem, False
        self.total_label.setText(money(total, self.info.currency_code) if total is not None else "—")
        self.split.set_total(total)
        self.update_state()

    def problem(self) -> str:
        if self.total_problem:
            return self.total_problem
        if self.total is None:
            return "Choose items, the shipping or a plain amount."
        if self.tender_kind() == "card" and not self.reference.text().strip():
            return "Card reference: a card refund needs the card terminal's reference"
        if self.split.toggle.isChecked():
            return self.split.problem(self.total)
        return ""

    def update_state(self, *_: Any) -> None:
        problem = self.problem()
        self.problem_label.setText(problem)
        self.refund_button.setEnabled(not problem and not self.pending)
        self.exchange_button.setEnabled(not self.exchange_problem())

    def show_failure(self, message: str) -> None:
        """The service refused the refund (nothing was written): say why, keep the dialog open."""
        self.problem_label.setText(message)
