"""A new customer, taken on the phone: email, name, phone, company. Before creating, the till
looks for customers with the same email, phone or name and offers them instead, so the shop does
not collect duplicates. Errors are shown next to the field that is wrong."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.catalog import Customer

from . import theme

FIELDS = (("email", "Email *"), ("first_name", "First name"), ("last_name", "Last name"),
          ("phone", "Phone"), ("company_name", "Company"))


class NewCustomerDialog(QDialog):
    """`values()` gives the NewCustomer command; `show_errors` puts messages beside fields;
    `offer_similar` lists look-alikes; `chosen_existing` is the one picked instead, if any."""

    def __init__(self, parent: QWidget | None = None, *, initial: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("newCustomerDialog")
        self.setWindowTitle("New customer")
        self.setAccessibleName("New customer")
        self.chosen_existing: Customer | None = None
        self.confirmed_new = False
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        for key, label in FIELDS:
            edit = QLineEdit(self)
            edit.setObjectName(f"newCustomer_{key}")
            edit.setAccessibleName(label.rstrip(" *"))
            err = QLabel("", self)
            err.setObjectName(f"newCustomer_{key}_error")
            err.setStyleSheet(theme.style("error"))
            err.setWordWrap(True)
            err.hide()
            box = QVBoxLayout()
            box.setSpacing(1)
            box.addWidget(edit)
            box.addWidget(err)
            form.addRow(label, box)
            self.edits[key], self.errors[key] = edit, err
        # What was typed in the customer search is most likely an email or a name.
        if "@" in initial:
            self.edits["email"].setText(initial.strip())
        elif initial.strip():
            first, _, last = initial.strip().partition(" ")
            self.edits["first_name"].setText(first)
            self.edits["last_name"].setText(last)
        layout.addLayout(form)
        self.similar_label = QLabel("", self)
        self.similar_label.setWordWrap(True)
        self.similar_label.setStyleSheet(theme.style("warning"))
        self.similar_label.hide()
        self.similar_list = QListWidget(self)
        self.similar_list.setObjectName("similarCustomers")
        self.similar_list.setAccessibleName("Similar existing customers")
        self.similar_list.hide()
        self.similar_list.itemActivated.connect(self._use_existing)
        layout.addWidget(self.similar_label)
        layout.addWidget(self.similar_list)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create customer")
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(460, 0)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: e.text().strip() for k, e in self.edits.items()}
        return {k: v for k, v in out.items() if v or k == "email"}

    def show_errors(self, errors: list[tuple[str, str]]) -> None:
        for err in self.errors.values():
            err.hide()
        first: QLineEdit | None = None
        for field, message in errors:
            key = field.split(".")[0] if field.split(".")[0] in self.errors else "email"
            self.errors[key].setText(message)
            self.errors[key].show()
            first = first or self.edits[key]
        if first is not None:
            first.setFocus()

    def offer_similar(self, customers: list[Customer]) -> None:
        self.similar_list.clear()
        for c in customers:
            item = QListWidgetItem(" · ".join(x for x in (c.full_name, c.email, c.phone or "") if x))
            item.setData(256, c)
            self.similar_list.addItem(item)
        self.similar_label.setText(
            f"{len(customers)} similar customer{'s' if len(customers) != 1 else ''} already exist. "
            "Press Enter on one to use it, or Create customer again to add a new one anyway.")
        self.similar_label.show()
        self.similar_list.show()
        self.similar_list.setCurrentRow(0)
        self.similar_list.setFocus()
        self.confirmed_new = True  # the next "Create" means: create anyway

    def _use_existing(self, item: QListWidgetItem) -> None:
        self.chosen_existing = item.data(256)
        self.accept()
