"""Subtotal, discounts, shipping, tax, total and amount due of a draft or an order."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QWidget

from app.domain.totals import OrderTotals

from .display import money

ROWS = (("items", "Items"), ("discounts", "Discounts"), ("shipping", "Shipping"), ("tax", "Tax"),
        ("total", "Total"), ("amount_due", "Amount due"))


class TotalsPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("totalsPanel")
        self.setAccessibleName("Order totals")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        form = QFormLayout(self)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.values: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        for key, caption in ROWS:
            cap = QLabel(caption, self)
            val = QLabel("–", self)
            val.setObjectName(f"total_{key}")
            val.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            val.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if key in ("total", "amount_due"):
                style = "font-weight: 600;" + (" font-size: 18px;" if key == "amount_due" else "")
                cap.setStyleSheet(style)
                val.setStyleSheet(style)
            form.addRow(cap, val)
            self.values[key], self.captions[key] = val, cap

    def set_totals(self, t: OrderTotals | None, currency_code: str = "usd", *, tax_inclusive: bool = False,
                   amount_due_caption: str = "Amount due") -> None:
        if t is None:
            for v in self.values.values():
                v.setText("–")
            return
        c = currency_code
        # The rows must add up on screen. With tax added on top: net items - net discounts +
        # net shipping + tax. With prices that include tax: gross items - gross discounts +
        # gross shipping, and the tax shown as the part already inside.
        if tax_inclusive:
            items, discounts, shipping = t.original_item_total, t.item_discount_total, t.shipping_total
        else:
            items, discounts, shipping = t.item_subtotal, t.discount_subtotal, t.shipping_subtotal
        self.values["items"].setText(money(items, c))
        self.values["discounts"].setText(money(-discounts, c) if discounts else money(discounts, c))
        self.values["shipping"].setText(money(shipping, c))
        self.values["tax"].setText(money(t.tax_total, c))
        self.captions["tax"].setText("Tax (included)" if tax_inclusive else "Tax")
        self.values["total"].setText(money(t.total, c))
        self.values["amount_due"].setText(money(t.amount_due, c))
        self.captions["amount_due"].setText(amount_due_caption)

    def text(self, key: str) -> str:
        return self.values[key].text()
