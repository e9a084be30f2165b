"""Shipping method (from the region's options, with an optional custom price) and promo codes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout

from app.domain.errors import DomainError, NotFound
from app.services import drafts, queries
from app.services.dto import DraftOrderDTO

from .. import theme
from ..display import money, parse_amount
from .section import Section

if TYPE_CHECKING:
    from .editor import DraftEditor


class ShippingPromoSection(Section):
    def __init__(self, editor: DraftEditor, main: QVBoxLayout) -> None:
        super().__init__(editor)
        self._shipping_region: str | None = None  # the region whose options fill the combo
        self._build(main)

    def _build(self, main: QVBoxLayout) -> None:
        ed = self.editor
        extras = QHBoxLayout()
        self.shipping_combo = QComboBox(ed)
        self.shipping_combo.setObjectName("shippingMethodCombo")
        self.shipping_combo.setAccessibleName("Shipping method")
        self.shipping_combo.setToolTip("Shipping method from the region's options (F6)")
        self.shipping_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.shipping_combo.setMinimumContentsLength(16)
        self.shipping_combo.activated.connect(lambda _i: self.shipping_chosen())
        self.shipping_price = QLineEdit(ed)
        self.shipping_price.setObjectName("shippingPriceEdit")
        self.shipping_price.setAccessibleName("Custom shipping price")
        self.shipping_price.setToolTip("Optional: a custom shipping price for this order")
        self.shipping_price.setPlaceholderText("custom price")
        self.shipping_price.setMaximumWidth(100)
        self.shipping_price.editingFinished.connect(self._price_committed)
        ship_label = QLabel("S&hipping", ed)
        ship_label.setBuddy(self.shipping_combo)
        self.promo_edit = QLineEdit(ed)
        self.promo_edit.setObjectName("promoCodeEdit")
        self.promo_edit.setAccessibleName("Promo code")
        self.promo_edit.setToolTip("Type a promo code and press Enter (F7)")
        self.promo_edit.setPlaceholderText("promo code")
        self.promo_edit.setMaximumWidth(130)
        self.promo_edit.returnPressed.connect(self.apply_promo)
        promo_label = QLabel("Pro&mo", ed)
        promo_label.setBuddy(self.promo_edit)
        extras.addWidget(ship_label)
        extras.addWidget(self.shipping_combo, 2)
        extras.addWidget(self.shipping_price)
        extras.addSpacing(12)
        extras.addWidget(promo_label)
        extras.addWidget(self.promo_edit)
        self.promo_codes_box = QHBoxLayout()
        extras.addLayout(self.promo_codes_box)
        extras.addStretch(1)
        main.addLayout(extras)
        self.promo_feedback = QLabel(ed)
        self.promo_feedback.setObjectName("promoFeedback")
        self.promo_feedback.setWordWrap(True)
        main.addWidget(self.promo_feedback)

    def reset(self) -> None:
        self.promo_feedback.clear()

    def show(self, d: DraftOrderDTO) -> None:
        self._fill_shipping(d)
        self._show_promos(d)

    # --- shipping ---------------------------------------------------------------------------
    def _fill_shipping(self, d: DraftOrderDTO) -> None:
        if self._shipping_region != d.region_id:
            self._shipping_region = d.region_id
            # Sorted here by Decimal: the store sorts amounts as text ("14.95" before "6.00").
            options = sorted(queries.shipping_options(self.app.uow(), d.region_id), key=lambda o: (o.amount, o.name))
            self.shipping_combo.clear()
            self.shipping_combo.addItem("No shipping", None)
            for o in options:
                self.shipping_combo.addItem(f"{o.name} — {money(o.amount, d.currency_code)}", o.id)
        m = d.shipping_methods[0] if d.shipping_methods else None
        self.shipping_combo.setCurrentIndex(max(0, self.shipping_combo.findData(m.shipping_option_id if m else None)))
        if not self.shipping_price.hasFocus():
            self.shipping_price.setText(str(m.amount) if m and m.is_custom_amount else "")

    def shipping_chosen(self) -> None:
        """Set the draft's shipping to the chosen option, at the custom price when one is typed."""
        if not self.draft:
            return
        option = self.shipping_combo.currentData()
        amount = parse_amount(self.shipping_price.text()) if option else None
        draft_id = self.draft.id
        cmd: dict[str, Any] = {"draft_id": draft_id, "shipping_option_id": option}
        if amount is not None:
            cmd["amount"] = str(amount)
        self.editor.edit(lambda uow: drafts.set_shipping_method(cmd, uow))

    def _price_committed(self) -> None:
        if not self.draft:
            return
        m = self.draft.shipping_methods[0] if self.draft.shipping_methods else None
        text = self.shipping_price.text().strip()
        amount = parse_amount(text)
        if text and (amount is None or amount < 0):
            self.shipping_price.setStyleSheet(theme.style("error"))
            self.shipping_price.setToolTip("Not an amount")
            return
        self.shipping_price.setStyleSheet("")
        current = m.amount if m and m.is_custom_amount else None
        if self.shipping_combo.currentData() and amount != current:
            self.shipping_chosen()

    # --- promo codes ------------------------------------------------------------------------
    def apply_promo(self) -> None:
        code = self.promo_edit.text().strip()
        if not self.draft or not code:
            return
        draft_id = self.draft.id

        def applied(d: DraftOrderDTO) -> None:
            self.promo_edit.clear()
            got = dict(d.promo_discounts)
            name = next((c for c in d.promo_codes if c.upper() == code.upper()), code)
            amount = got.get(name)
            self.promo_feedback.setStyleSheet(theme.style("ok"))
            self.promo_feedback.setText(f"{name} applied: {money(-amount, d.currency_code)}" if amount
                                        else f"{name} applied: it takes effect once the order has what it applies to")

        def failed(exc: Exception) -> bool:
            if not isinstance(exc, DomainError):
                return False
            self.promo_feedback.setStyleSheet(theme.style("error"))
            if isinstance(exc, NotFound):
                self.promo_feedback.setText(f"Unknown promo code {code.upper()}: check the spelling")
            else:
                self.promo_feedback.setText("Not applied: " + getattr(exc, "message", str(exc)))
            return True

        self.editor.edit(lambda uow: drafts.apply_promo_code({"draft_id": draft_id, "code": code}, uow),
                         then=applied, error=failed)

    def remove_promo(self, code: str) -> None:
        if not self.draft:
            return
        draft_id = self.draft.id
        self.editor.edit(lambda uow: drafts.remove_promo_code({"draft_id": draft_id, "code": code}, uow))
        self.promo_feedback.setText(f"{code} removed")

    def _show_promos(self, d: DraftOrderDTO) -> None:
        while self.promo_codes_box.count():
            item = self.promo_codes_box.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        for code in d.promo_codes:
            b = QToolButton(self.editor)
            b.setText(f"{code} ✕")
            b.setToolTip(f"Remove promo code {code}")
            b.setAccessibleName(f"Remove promo code {code}")
            b.setEnabled(d.is_editable)
            b.clicked.connect(lambda _c=False, c=code: self.remove_promo(c))
            self.promo_codes_box.addWidget(b)
        problems = "; ".join(f"{c}: {why}" for c, why in d.promo_problems)
        if problems:
            self.promo_feedback.setStyleSheet(theme.style("error"))
            self.promo_feedback.setText(problems)
