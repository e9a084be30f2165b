"""Shipping and billing addresses, with "billing same as shipping" and the customer's saved ones."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout

from app.domain.catalog import CustomerAddress
from app.services import drafts
from app.services.dto import DraftOrderDTO

from ..address_form import AddressForm
from .section import Section

if TYPE_CHECKING:
    from .editor import DraftEditor


class AddressesSection(Section):
    def __init__(self, editor: DraftEditor, main: QVBoxLayout) -> None:
        super().__init__(editor)
        ed = self.editor
        addrs = QHBoxLayout()
        self.shipping_form = AddressForm("Shipping address", "shippingAddressForm", ed)
        self.shipping_form.committed.connect(lambda d: self._committed("shipping_address", d))
        bill_col = QVBoxLayout()
        self.same_as_shipping = QCheckBox("&Billing same as shipping", ed)
        self.same_as_shipping.setObjectName("billingSameCheck")
        self.same_as_shipping.setToolTip("Bill to the shipping address")
        self.same_as_shipping.toggled.connect(self._same_toggled)
        self.billing_form = AddressForm("Billing address", "billingAddressForm", ed)
        self.billing_form.committed.connect(lambda d: self._committed("billing_address", d))
        bill_col.addWidget(self.same_as_shipping)
        bill_col.addWidget(self.billing_form)
        ship_col = QVBoxLayout()
        ship_col.addSpacing(self.same_as_shipping.sizeHint().height() + 6)
        ship_col.addWidget(self.shipping_form)
        addrs.addLayout(ship_col, 1)
        addrs.addLayout(bill_col, 1)
        main.addLayout(addrs)

    @property
    def forms(self) -> tuple[AddressForm, AddressForm]:
        return self.shipping_form, self.billing_form

    def flush(self) -> None:
        for form in self.forms:
            form.flush()

    def offer_saved(self, addresses: Sequence[CustomerAddress]) -> None:
        """The customer's saved addresses, one pick away in both forms."""
        for form in self.forms:
            form.set_saved_addresses(list(addresses))

    def fill_shipping_from(self, addresses: Sequence[CustomerAddress]) -> None:
        """A customer was just chosen: an empty shipping address takes their default (or only) saved
        one, saved to the draft like a pick from the saved-address list. An address already stored
        or being typed is never replaced; the list can still change it."""
        if not self.draft or not self.draft.is_editable or self.draft.shipping_address is not None:
            return
        if not self.shipping_form.is_blank():
            return
        default = next((a for a in addresses if a.is_default_shipping), None)
        if default is None and len(addresses) == 1:
            default = addresses[0]
        if default is not None:
            self.shipping_form.use_saved(default)

    def reset(self) -> None:
        for form in self.forms:
            form.set_address(None, force=True)
        self.offer_saved([])

    def show(self, d: DraftOrderDTO, *, fresh: bool, country: str) -> None:
        self.shipping_form.default_country = self.billing_form.default_country = country
        self.shipping_form.set_address(d.shipping_address)
        if fresh:
            same = d.billing_address is None or d.billing_address.same_place_as(d.shipping_address)
            self.same_as_shipping.blockSignals(True)
            self.same_as_shipping.setChecked(same)
            self.same_as_shipping.blockSignals(False)
        checked = self.same_as_shipping.isChecked()
        self.billing_form.setEnabled(not checked and d.is_editable)
        self.billing_form.set_address(d.billing_address, force=checked)

    def _committed(self, which: str, data: dict[str, Any] | None) -> None:
        if not self.draft or not self.draft.is_editable:
            return
        draft_id = self.draft.id
        cmd: dict[str, Any] = {"draft_id": draft_id, which: data}
        if which == "shipping_address" and self.same_as_shipping.isChecked():
            cmd["billing_address"] = data
        form = self.shipping_form if which == "shipping_address" else self.billing_form

        def failed(exc: Exception) -> bool:
            errors = getattr(exc, "errors", None)
            if errors:
                form.show_errors({e.field.split(".", 1)[-1]: e.message for e in errors})
                return True
            return False

        self.editor.edit(lambda uow: drafts.update_draft(cmd, uow), error=failed)

    def _same_toggled(self, same: bool) -> None:
        self.billing_form.setEnabled(not same)
        if not self.draft:
            return
        if same:
            data, errs = self.shipping_form.validate()
            if not errs:
                self._committed("billing_address", None if self.shipping_form.is_blank() else data)
        else:
            self.billing_form.fields["first_name"].setFocus()
