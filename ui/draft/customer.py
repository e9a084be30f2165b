"""The editor's top row: who the order is for (search, or a new customer taken on the phone), the
order's email, and where it goes (region and sales channel)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from app.domain.catalog import Customer
from app.services import drafts, queries
from app.services.dto import DraftOrderDTO

from .. import theme
from ..fit_text import tooltip_when_cut
from ..models import CustomerResultsModel
from ..search_field import SearchField
from .section import Section

if TYPE_CHECKING:
    from ..customer_dialog import NewCustomerDialog
    from .editor import DraftEditor


class CustomerSection(Section):
    def __init__(self, editor: DraftEditor, main: QVBoxLayout) -> None:
        super().__init__(editor)
        self.regions = queries.regions(self.app.uow())
        self.channels = queries.sales_channels(self.app.uow())
        self.dialog: NewCustomerDialog | None = None  # the open New customer dialog (tests drive it)
        self._build(main)

    def _build(self, main: QVBoxLayout) -> None:
        ed = self.editor
        top = QGridLayout()
        top.setHorizontalSpacing(6)
        self.customer_model = CustomerResultsModel(ed)
        self.customer_search = SearchField(self.customer_model, ed, ed)
        self.customer_search.setObjectName("customerSearch")
        self.customer_search.setAccessibleName("Customer")
        self.customer_search.setToolTip("Find the customer by name, email or phone (F3)")
        self.customer_search.setPlaceholderText("Name, email or phone (F3)")
        self.customer_search.queryChanged.connect(self._search)
        self.customer_search.chosen.connect(self.choose)
        self.customer_search.submitted.connect(self._submitted)
        self.email_edit = QLineEdit(ed)
        self.email_edit.setObjectName("emailEdit")
        self.email_edit.setAccessibleName("Email")
        self.email_edit.setToolTip("The order's email address")
        self.email_edit.setPlaceholderText("email")
        self.email_edit.editingFinished.connect(self._email_committed)
        # Room for a usual address ("maeve.obrien@example.com"); a longer one is in the tooltip.
        room = self.email_edit.fontMetrics().horizontalAdvance("maeve.obrien@example.com")
        self.email_edit.setMinimumWidth(room + 24)
        for field in (self.customer_search, self.email_edit):
            tooltip_when_cut(field)
        self.email_error = QLabel(ed)
        self.email_error.setStyleSheet(theme.style("error", size=11))
        self.email_error.hide()
        self.region_combo = self._combo("regionCombo", "Region", "Region (sets the currency and taxes)",
                                        [(f"{r.name} ({r.currency_code.upper()})", r.id) for r in self.regions])
        self.region_combo.activated.connect(self._region_chosen)
        self.channel_combo = self._combo("salesChannelCombo", "Sales channel", "Sales channel",
                                         [("(no sales channel)", None)] + [(c.name, c.id) for c in self.channels])
        self.channel_combo.activated.connect(self._channel_chosen)
        cust_label = QLabel("&Customer", ed)
        cust_label.setBuddy(self.customer_search)
        top.addWidget(cust_label, 0, 0)
        # The customer and the e-mail get the first row to themselves, wide enough at 1280x800
        # for the placeholder and a usual address; region and channel sit below, by New customer.
        top.addWidget(self.customer_search, 0, 1)
        top.addWidget(self.email_edit, 0, 2, 1, 3)
        top.addWidget(self.region_combo, 1, 3)
        top.addWidget(self.channel_combo, 1, 4)
        top.addWidget(self.email_error, 2, 2, 1, 3)
        self.new_customer_button = QPushButton("&New customer…", ed)
        self.new_customer_button.setObjectName("newCustomerButton")
        self.new_customer_button.setToolTip(
            "Create a customer taken on the phone (Shift+F3); similar ones are offered first")
        self.new_customer_button.clicked.connect(self.new_customer)
        top.addWidget(self.new_customer_button, 1, 1, Qt.AlignmentFlag.AlignLeft)
        new_customer_action = QAction("New customer", ed)
        new_customer_action.setShortcut(QKeySequence("Shift+F3"))
        new_customer_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        new_customer_action.triggered.connect(self.new_customer)
        ed.addAction(new_customer_action)
        top.setColumnStretch(1, 3)
        top.setColumnStretch(2, 1)
        main.addLayout(top)

    def _combo(self, name: str, accessible: str, tip: str, items: list[tuple[str, str | None]]) -> QComboBox:
        combo = QComboBox(self.editor)
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setToolTip(tip)
        for text, data in items:
            combo.addItem(text, data)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        return combo

    # --- showing a draft --------------------------------------------------------------------
    def reset(self, d: DraftOrderDTO) -> None:
        """Another draft: nothing typed or found for the last one carries over."""
        self.customer_search.clear()
        if d.customer_id:
            self._offer_addresses(d.customer_id)

    def show(self, d: DraftOrderDTO) -> None:
        if not self.customer_search.hasFocus():
            self.customer_search.setText(d.customer_name if d.customer_id else "")
        if not self.email_edit.hasFocus():
            self.email_edit.setText(d.email or "")
            self.email_edit.setCursorPosition(0)  # show the start of a long address, not its end
        self.region_combo.setCurrentIndex(max(0, self.region_combo.findData(d.region_id)))
        self.channel_combo.setCurrentIndex(max(0, self.channel_combo.findData(d.sales_channel_id)))

    def region_country(self, region_id: str) -> str:
        r = next((r for r in self.regions if r.id == region_id), None)
        return r.countries[0] if r and r.countries else ""

    # --- customer ---------------------------------------------------------------------------
    def _search(self, q: str) -> None:
        app = self.app
        self.ops.query("customers", lambda: queries.search_customers(q, app.uow()),
                       lambda rows: self.customer_search.show_results(rows, q))

    def choose(self, c: Customer) -> None:
        if not self.draft:
            return
        self.customer_search.setText(c.full_name or c.email)
        draft_id = self.draft.id
        self.editor.edit(lambda uow: drafts.update_draft({"draft_id": draft_id, "customer_id": c.id,
                                                          "email": c.email}, uow))
        self.editor.addresses.offer_saved(c.addresses)
        # Queued after the customer edit, so the address is saved to the draft that has the customer.
        self.editor.addresses.fill_shipping_from(c.addresses)
        self.editor.product_search.setFocus()

    def _submitted(self, text: str) -> None:
        # Enter before the results came: search now and take a single match.
        app = self.app

        def found(rows: list[Customer]) -> None:
            if len(rows) == 1:
                self.choose(rows[0])
            else:
                self.customer_search.show_results(rows, text)

        self.ops.query("customers", lambda: queries.search_customers(text, app.uow()), found)

    def new_customer(self) -> None:
        """Create a customer inline (Shift+F3): look for similar ones first, then create and choose."""
        from app.services import customers
        from app.services.errors import InputError

        from ..customer_dialog import NewCustomerDialog

        dlg = NewCustomerDialog(self.editor, initial=self.customer_search.text())
        self.dialog = dlg
        app = self.app

        def created(c: Customer) -> None:
            dlg.accept()
            self.choose(c)

        def failed(exc: Exception) -> bool:
            if isinstance(exc, InputError):
                dlg.show_errors([(e.field, e.message) for e in exc.errors])
                return True
            if getattr(exc, "field", None):
                dlg.show_errors([(exc.field, getattr(exc, "message", str(exc)))])  # type: ignore[attr-defined]
                return True
            return False

        def create() -> None:
            values = dlg.values()
            self.ops.run(lambda: customers.create_customer(values, app.uow()), success=created, error=failed)

        def checked(similar: list[Customer]) -> None:
            if similar:
                dlg.offer_similar(similar)
            else:
                create()

        def submit() -> None:
            if dlg.confirmed_new:
                create()
                return
            values = dlg.values()
            self.ops.run(lambda: customers.similar_customers(values, app.uow()), success=checked, error=failed)

        dlg.buttons.accepted.connect(submit)
        dlg.finished.connect(lambda _r: self._chose_existing(dlg))
        dlg.open()

    def _chose_existing(self, dlg: Any) -> None:
        if dlg.chosen_existing is not None:
            self.choose(dlg.chosen_existing)

    def _offer_addresses(self, customer_id: str) -> None:
        app = self.app

        def got(rows: list[Customer]) -> None:
            c = next((c for c in rows if c.id == customer_id), None)
            if c is not None and self.draft and self.draft.customer_id == customer_id:
                self.editor.addresses.offer_saved(c.addresses)

        def fetch() -> list[Customer]:
            with app.uow() as uow:
                return [uow.catalog.customer(customer_id)]

        self.ops.query("customer-addresses", fetch, got, error=lambda e: True)

    # --- email, region, sales channel -------------------------------------------------------
    def _email_committed(self) -> None:
        if not self.draft or (self.email_edit.text().strip() or None) == self.draft.email:
            return
        draft_id, email = self.draft.id, self.email_edit.text().strip() or None
        self.editor.edit(lambda uow: drafts.update_draft({"draft_id": draft_id, "email": email}, uow),
                         error=self._email_error)

    def _email_error(self, exc: Exception) -> bool:
        errors = getattr(exc, "errors", None)
        if errors:
            self.email_error.setText("; ".join(e.message for e in errors))
            self.email_error.show()
            return True
        return False

    def _region_chosen(self) -> None:
        rid = self.region_combo.currentData()
        if self.draft and rid and rid != self.draft.region_id:
            draft_id = self.draft.id
            self.editor.edit(lambda uow: drafts.update_draft({"draft_id": draft_id, "region_id": rid}, uow))

    def _channel_chosen(self) -> None:
        cid = self.channel_combo.currentData()
        if self.draft and cid != self.draft.sales_channel_id:
            draft_id = self.draft.id
            self.editor.edit(lambda uow: drafts.update_draft({"draft_id": draft_id, "sales_channel_id": cid}, uow))
