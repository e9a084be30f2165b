"""Two tenders paying one refund back (a cash part and a card part with its reference): the
original tenders are offered first, and the parts must add up to the refund total exactly, as
the service checks (app.domain.refunds.check_tenders)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLabel, QLineEdit, QWidget

from app.domain.money import minor_units
from app.services.refund_quote import RefundableDTO

from ..display import money, parse_amount

KIND_LABELS = {"cash": "Cash", "card": "Card", "other": "Other"}


def tender_choices(info: RefundableDTO) -> list[tuple[str, str, str | None]]:
    """(kind, label, reference) with the original tenders first, then the other kinds. Exchange
    credit is never a way to pay back: the Exchange button gives it."""
    out: list[tuple[str, str, str | None]] = []
    seen: set[str] = set()
    for t in info.tenders:
        if t.kind in seen or t.kind not in KIND_LABELS:
            continue
        seen.add(t.kind)
        ref = f" {t.reference}" if t.reference else ""
        out.append((t.kind, f"{KIND_LABELS[t.kind]}{ref} (original, {money(t.amount, info.currency_code)})",
                    t.reference))
    for kind, label in KIND_LABELS.items():
        if kind not in seen:
            out.append((kind, label, None))
    return out


class SplitTenders(QWidget):
    """The first tender's part and a second tender (kind, part, reference). The first part
    follows what the second leaves of the total until it is edited itself."""

    changed = Signal()

    def __init__(self, info: RefundableDTO, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("refundSplitTenders")
        self.info = info
        self.total: Decimal | None = None
        self._first_edited = False
        self.toggle = QCheckBox("Pay back through two tenders", parent)
        self.toggle.setObjectName("refundSplit")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.first = QLineEdit(self)
        self.first.setObjectName("refundFirstAmount")
        self.first.setAccessibleName("First tender's part")
        self.first.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.first.textEdited.connect(self._first_typed)
        self.first.textChanged.connect(lambda *_: self.changed.emit())
        grid.addWidget(QLabel("First tender's part", self), 0, 0)
        grid.addWidget(self.first, 0, 1)
        self.kind = QComboBox(self)
        self.kind.setObjectName("refundSecondTender")
        self.kind.setAccessibleName("Second tender")
        choices = tender_choices(info)
        for kind, label, ref in choices:
            self.kind.addItem(label, (kind, ref))
        self.kind.setCurrentIndex(1 if len(choices) > 1 else 0)
        self.kind.currentIndexChanged.connect(self._kind_chosen)
        grid.addWidget(QLabel("Second tender", self), 1, 0)
        grid.addWidget(self.kind, 1, 1)
        self.amount = QLineEdit(self)
        self.amount.setObjectName("refundSecondAmount")
        self.amount.setAccessibleName("Second tender's part")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.textChanged.connect(self._second_typed)
        grid.addWidget(QLabel("Second tender's part", self), 2, 0)
        grid.addWidget(self.amount, 2, 1)
        self.reference = QLineEdit(self)
        self.reference.setObjectName("refundSecondReference")
        self.reference.setAccessibleName("Second card reference")
        self.reference.setMaxLength(100)
        self.reference.setPlaceholderText("the card terminal's reference")
        self.reference.textChanged.connect(lambda *_: self.changed.emit())
        grid.addWidget(QLabel("Second card reference", self), 3, 0)
        grid.addWidget(self.reference, 3, 1)
        self.setVisible(False)
        self._kind_chosen()

    # --- reading ------------------------------------------------------------------------------
    def _parse(self, edit: QLineEdit, name: str) -> tuple[Decimal | None, str]:
        text = edit.text().strip()
        d = parse_amount(text) if text else None
        if d is None:
            return None, f"{name}: {text!r} is not an amount" if text else f"{name}: enter an amount"
        if d <= 0:
            return None, f"{name}: must be more than zero"
        digits = minor_units(self.info.currency_code)
        if d != d.quantize(Decimal(1).scaleb(-digits)):
            return None, f"{name}: more than {digits} decimals for {self.info.currency_code.upper()}"
        return d, ""

    def first_amount(self) -> Decimal:
        d, _ = self._parse(self.first, "First tender's part")
        assert d is not None
        return d

    def second(self) -> dict[str, Any]:
        kind = str(self.kind.currentData()[0])
        d, _ = self._parse(self.amount, "Second tender's part")
        return {"kind": kind, "amount": str(d), "reference": (self.reference.text().strip() or None)
                if kind != "cash" else None}

    def problem(self, total: Decimal | None) -> str:
        """One line naming the field, or "" when both parts are good and add up to the total."""
        first, p1 = self._parse(self.first, "First tender's part")
        if p1:
            return p1
        second, p2 = self._parse(self.amount, "Second tender's part")
        if p2:
            return p2
        if self.kind.currentData()[0] == "card" and not self.reference.text().strip():
            return "Second card reference: a card refund needs the card terminal's reference"
        assert first is not None and second is not None
        if total is not None and first + second != total:
            cur = self.info.currency_code
            return (f"Tenders: the parts add up to {money(first + second, cur)}, the refund is "
                    f"{money(total, cur)}")
        return ""

    # --- live state ---------------------------------------------------------------------------
    def set_total(self, total: Decimal | None) -> None:
        self.total = total
        self._follow()

    def _first_typed(self, *_: Any) -> None:
        self._first_edited = True

    def _second_typed(self, *_: Any) -> None:
        self._follow()
        self.changed.emit()

    def _follow(self) -> None:
        """Until the first part is typed in, it is what the second leaves of the total."""
        if self._first_edited or self.total is None:
            return
        second = parse_amount(self.amount.text().strip()) if self.amount.text().strip() else Decimal(0)
        if second is None:
            return
        self.first.setText(str(self.total - second))

    def _kind_chosen(self, *_: Any) -> None:
        kind, ref = self.kind.currentData()
        self.reference.setEnabled(kind != "cash")
        if kind == "cash":
            self.reference.clear()
        elif ref and not self.reference.text().strip():
            self.reference.setText(ref)
        self.changed.emit()
