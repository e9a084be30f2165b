"""Shipping and billing address form: country names, the country's subdivisions, live validation
with the services' own AddressInput (one set of rules), errors next to the field that is wrong.

Saves on field commit (Enter, Tab, leaving a combo), lightly debounced so tabbing through five
fields is one save, and at once when focus leaves the form."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pycountry
from pydantic import ValidationError
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QWidget,
)

from app.domain.address import Address
from app.domain.address_format import PostalAddress, one_line
from app.domain.catalog import CustomerAddress
from app.services.commands import PROVINCE_REQUIRED, AddressInput, normalize_phone, normalize_province
from app.services.errors import from_validation_error

from . import theme
from .display import phone_text, province_name
from .fit_text import tooltip_when_cut

LABELS = {
    "first_name": "First name", "last_name": "Last name", "company": "Company", "phone": "Phone",
    "country_code": "Country", "address_1": "Street", "address_2": "Street (line 2)", "city": "City",
    "province": "State / province", "postal_code": "Postal code",
}
# Tab order follows how an address is dictated over the phone.
ORDER = ("first_name", "last_name", "company", "phone", "country_code", "address_1", "address_2", "city",
         "province", "postal_code")
DEBOUNCE_MS = 250


@lru_cache(maxsize=1)
def countries() -> list[tuple[str, str]]:
    return sorted(((c.name, c.alpha_2.lower()) for c in pycountry.countries), key=lambda t: t[0])


@lru_cache(maxsize=64)
def subdivisions(country_code: str) -> list[tuple[str, str]]:
    subs = pycountry.subdivisions.get(country_code=country_code.upper()) or []
    top = [s for s in subs if not getattr(s, "parent_code", None)] or list(subs)
    return sorted(((s.name, s.code.lower()) for s in top), key=lambda t: t[0])


class AddressForm(QGroupBox):
    committed = Signal(object)  # a validated AddressInput-shaped dict, or None to clear the address

    def __init__(self, title: str, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setObjectName(object_name)
        self.setAccessibleName(title)
        self._loading = False
        self._dirty = False
        self._touched: set[str] = set()
        self.default_country = "us"
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._labels: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)

        self.saved = QComboBox(self)
        self.saved.setObjectName(f"{object_name}SavedAddress")
        self.saved.setAccessibleName(f"{title}: saved addresses of the customer")
        self.saved.setToolTip("Fill this form from one of the customer's saved addresses")
        self.saved.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.saved.setMinimumContentsLength(12)
        self.saved.activated.connect(self._use_saved)
        self.saved.hide()
        grid.addWidget(self.saved, 0, 0, 1, 2)

        for i, name in enumerate(ORDER):
            if name == "country_code":
                countries_box = QComboBox(self)
                countries_box.addItem("", "")
                for cname, code in countries():
                    countries_box.addItem(cname, code)
                countries_box.activated.connect(lambda _i, n=name: self._country_changed())
                w: QWidget = countries_box
            elif name == "province":
                w = QComboBox(self)
                w.setEditable(True)
                w.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
                line = w.lineEdit()  # an editable combo always has one
                if line is not None:
                    line.editingFinished.connect(lambda n=name: self._field_committed(n))
                w.activated.connect(lambda _i, n=name: self._field_committed(n))
            else:
                w = QLineEdit(self)
                w.editingFinished.connect(lambda n=name: self._field_committed(n))
                w.textEdited.connect(lambda _t: self._mark_dirty())
                if name == "phone":
                    w.setPlaceholderText("e.g. (718) 555-0142")
            if isinstance(w, QComboBox):
                # Country names like "United Kingdom of Great Britain…" would widen the whole window.
                w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                w.setMinimumContentsLength(10)
            w.setObjectName(f"{object_name}_{name}")
            w.setAccessibleName(f"{title}: {LABELS[name]}")
            w.setToolTip(LABELS[name] + (": the country's own way, or + and the country code" if name == "phone"
                                         else ""))
            if isinstance(w, QLineEdit):
                tooltip_when_cut(w)  # a long street or e-mail stays readable at 1280x800
            w.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            label = QLabel(LABELS[name], self)
            label.setBuddy(w)
            err = QLabel(self)
            err.setObjectName(f"{object_name}_{name}_error")
            err.setStyleSheet(theme.style("error", size=11))
            err.setWordWrap(True)
            err.hide()
            # One field per row: two columns clipped phone numbers beside the 1280-pixel editor.
            row, col = 1 + i * 2, 0
            grid.addWidget(label, row, col)
            grid.addWidget(w, row, col + 1)
            grid.addWidget(err, row + 1, col + 1)
            self.fields[name], self.errors[name], self._labels[name] = w, err, label
        grid.setColumnStretch(1, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.commit)
        self._set_country("")
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    # --- reading and writing ---------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, w in self.fields.items():
            if name == "country_code":
                out[name] = w.currentData() or None  # type: ignore[attr-defined]
            elif name == "province":
                text = w.currentText().strip()  # type: ignore[attr-defined]
                idx = w.findText(text)  # type: ignore[attr-defined]
                out[name] = (w.itemData(idx) if idx > 0 else text) or None  # type: ignore[attr-defined]
            else:
                out[name] = w.text().strip() or None  # type: ignore[attr-defined]
        return out

    def is_blank(self) -> bool:
        return not any(v for k, v in self.values().items() if k != "country_code")

    def set_address(self, addr: Address | CustomerAddress | None, *, force: bool = False) -> None:
        """Show a stored address. Skipped while the user has uncommitted edits in the form, so a
        refresh after some other edit never wipes what is being typed."""
        if (self._dirty or self._timer.isActive()) and not force:
            return
        self._loading = True
        try:
            country = (getattr(addr, "country_code", None) or "") if addr else ""
            self._set_country(country or (self.default_country if addr is None else ""))
            for name, w in self.fields.items():
                value = getattr(addr, name, None) if addr is not None else None
                if name == "province":
                    w.setEditText(province_name(value))  # type: ignore[attr-defined]
                elif name == "phone":
                    # Stored raw (E.164); shown as read in the address's country, which is also
                    # the country a commit parses it for, so showing it changes nothing stored.
                    w.setText(phone_text(value, country))  # type: ignore[attr-defined]
                elif name != "country_code":
                    w.setText(value or "")  # type: ignore[attr-defined]
            self._dirty = False
            self._touched.clear()
            self.show_errors({})
        finally:
            self._loading = False

    def set_saved_addresses(self, addresses: tuple[CustomerAddress, ...] | list[CustomerAddress]) -> None:
        self.saved.clear()
        if not addresses:
            self.saved.hide()
            return
        self.saved.addItem(f"Use a saved address ({len(addresses)})…", None)
        for a in addresses:
            name = " ".join(p for p in (a.first_name, a.last_name) if p)
            text = ", ".join(x for x in (name, a.company, one_line(PostalAddress(
                street=tuple(x for x in (a.address_1, a.address_2) if x), city=a.city or "",
                postal_code=a.postal_code or "", province=a.province or "", country_code=a.country_code or "")))
                if x)
            self.saved.addItem(text, a)
        self.saved.show()

    def _use_saved(self, index: int) -> None:
        a = self.saved.itemData(index)
        if a is None:
            return
        self.use_saved(a)
        self.saved.setCurrentIndex(0)

    def use_saved(self, a: CustomerAddress) -> None:
        """Fill the form from a saved address and commit it, like any edit typed in the form."""
        self.set_address(a, force=True)
        self._touched.update(ORDER)
        self._dirty = True
        self.commit()

    def _set_country(self, code: str) -> None:
        combo: QComboBox = self.fields["country_code"]  # type: ignore[assignment]
        combo.setCurrentIndex(max(0, combo.findData(code.lower())))
        self._fill_provinces()

    def _fill_provinces(self) -> None:
        combo: QComboBox = self.fields["province"]  # type: ignore[assignment]
        text = combo.currentText()
        country = self.fields["country_code"].currentData() or ""  # type: ignore[attr-defined]
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("", "")
        for name, code in subdivisions(country) if country else []:
            combo.addItem(name, code)
        combo.setEditText(text)
        combo.blockSignals(False)
        self._labels["province"].setText(LABELS["province"] + (" *" if country in PROVINCE_REQUIRED else ""))
        for name in ("address_1", "city", "country_code"):
            self._labels[name].setText(LABELS[name] + " *")

    # --- committing -----------------------------------------------------------------------
    def _mark_dirty(self) -> None:
        if not self._loading:
            self._dirty = True

    def _country_changed(self) -> None:
        self._fill_provinces()
        self._field_committed("country_code")

    def _field_committed(self, name: str) -> None:
        if self._loading:
            return
        self._touched.add(name)
        self._dirty = True
        self._timer.start()

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if (self._timer.isActive() and old is not None and self.isAncestorOf(old)
                and (new is None or not self.isAncestorOf(new))):
            self.flush()

    def flush(self) -> None:
        """Commit a pending edit now (draft switch, window close, focus leaving the form)."""
        if self._timer.isActive():
            self._timer.stop()
            self.commit()

    def validate(self) -> tuple[dict[str, Any] | None, dict[str, str]]:
        data = self.values()
        errs: dict[str, str] = {}
        try:
            AddressInput.model_validate(data)
        except ValidationError as exc:
            errs = {e.field: e.message for e in from_validation_error(exc).errors}
        if not errs:
            return data, {}
        # AddressInput stops at its first cross-field problem; check the others with the same
        # rules so every wrong field is marked at once, not one per save.
        country = data.get("country_code")
        extra: dict[str, str] = {}
        if data.get("phone"):
            try:
                normalize_phone(data["phone"], country)
            except ValueError as exc:
                extra["phone"] = str(exc)
        if data.get("province") and country:
            try:
                normalize_province(country, data["province"])
            except ValueError as exc:
                extra["province"] = str(exc)
        if data.get("address_1"):
            for f in ("city", "country_code"):
                if not data.get(f):
                    extra[f] = "is required with a street address"
            if country in PROVINCE_REQUIRED and not data.get("province"):
                extra["province"] = f"is required for addresses in {country.upper()}"
        return None, {**extra, **errs}

    def commit(self) -> bool:
        """Validate and emit `committed`; False (with errors shown next to fields) when invalid."""
        self._timer.stop()
        if self.is_blank():
            self.show_errors({})
            self._dirty = False
            self.committed.emit(None)
            return True
        data, errs = self.validate()
        if errs:
            # "Required" for a field the user has not reached yet is not an error yet.
            shown = {f: m for f, m in errs.items() if f in self._touched or "required" not in m}
            self.show_errors(shown)
            return False
        self.show_errors({})
        self._dirty = False
        self.committed.emit(data)
        return True

    def show_errors(self, errors: dict[str, str]) -> None:
        for name, label in self.errors.items():
            msg = errors.get(name, "")
            label.setText(msg)
            label.setVisible(bool(msg))
            self.fields[name].setProperty("invalid", bool(msg))
            self.fields[name].setAccessibleDescription(msg)

    def error_text(self, name: str) -> str:
        return self.errors[name].text()

    def widget(self, name: str) -> QWidget:
        return self.fields[name]
