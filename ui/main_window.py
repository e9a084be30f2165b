"""The Tilldesk window: drafts and orders on the left, the editor or an order on the right."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.bootstrap import App
from app.services import drafts, orders
from app.services.dto import Changes, DraftOrderDTO, OrderDTO
from app.services.settings import load_settings

from . import list_filters
from .draft import PRINT_TOOLTIP, DraftEditor
from .fit_text import tooltip_when_cut
from .models import DraftListModel, IdRole, KindRole
from .ops import OpRunner
from .order_view import OrderView
from .paged_list import PagedListModel, count_text
from .print_jobs import PrintController
from .refund import RefundUi
from .scanner import ScanFilter
from .settings_dialog import SettingsDialog
from .shift import ShiftUi
from .staff import StaffSession
from .sync_panel import SyncUi

OFFLINE = "Offline — sync not configured"

EMPTY_TEXT = ("<h2>No order open</h2>"
              "<p>Press <b>Ctrl+N</b> to take a new order,<br>or pick a draft or an order on the left "
              "(<b>Ctrl+F</b> searches).</p>"
              "<p style='color:palette(mid)'>F2 product search · F3 customer · F4 quantity · "
              "F12 Mark Paid</p>")


class MainWindow(QMainWindow):
    def __init__(self, app: App, *, synchronous: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.app = app
        self.ops = OpRunner(self, synchronous=synchronous)
        self.ops.failed.connect(self.show_error)
        self.ops.changed.connect(self.on_changed)
        self.printing = PrintController(app, self, synchronous=synchronous,
                                        status=lambda m, t: self.statusBar().showMessage(m, t),
                                        error=self.show_error)
        self.settings = load_settings(app.uow())
        self.errors_shown: list[str] = []
        self.setWindowTitle(f"Tilldesk — {self.settings.shop.name}")
        self._build()
        # The scanner: a keyboard-wedge burst is a code for the draft, whichever field has focus.
        self.scanner = ScanFilter(self, max_gap_ms=self.settings.scanner_max_gap_ms,
                                  min_length=self.settings.scanner_min_length)
        self.scanner.scanned.connect(self.on_scan)
        self.scanner.install()
        self._apply_settings()
        self._actions()
        self.refunds = RefundUi(self)  # Refund… (Ctrl+R) on the order view, its list, credit notes
        self.sync = SyncUi(self)  # status bar, Sync menu, worker nudged after Mark Paid
        self.shift = ShiftUi(self)  # Shift menu, the open shift in the status bar
        self.staff = StaffSession(self)  # sign-in screen, Ctrl+L, idle lock, manager approval
        help_menu = self.menuBar().addMenu("&Help")
        self.about_action = self._action(help_menu, "&About Tilldesk", ["F1"], self.show_about,
                                         "Version, database and data folder")
        self.refresh_list()

    # --- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        split = QSplitter(self)
        left = QWidget(split)
        lay = QVBoxLayout(left)
        lay.setContentsMargins(8, 8, 4, 8)
        self.filter_combo = QComboBox(left)
        self.filter_combo.setObjectName("listFilter")
        self.filter_combo.setAccessibleName("Show")
        self.filter_combo.setToolTip("Which drafts or orders to list")
        for name in list_filters.FILTERS:
            self.filter_combo.addItem(list_filters.LABELS.get(name, name), name)
        self.filter_combo.currentIndexChanged.connect(lambda _i: self.refresh_list())
        self.search_box = QLineEdit(left)
        self.search_box.setObjectName("searchBox")
        self.search_box.setAccessibleName("Search drafts and orders")
        self.search_box.setToolTip("Search by number, invoice number, customer name, email or phone (Ctrl+F)")
        self.search_box.setPlaceholderText("Find: #, invoice, name, phone (Ctrl+F)")
        tooltip_when_cut(self.search_box)
        self.search_box.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(self.refresh_list)
        self.search_box.textEdited.connect(lambda _t: self._search_timer.start())
        self.search_box.returnPressed.connect(self._search_enter)
        self.list_model = PagedListModel(self, request=self._request_page)
        self.list_view = QTableView(left)
        self.list_view.setObjectName("draftList")
        self.list_view.setAccessibleName("Drafts and orders")
        self.list_view.setToolTip("Enter opens the selected draft or order")
        self.list_view.setModel(self.list_model)
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.verticalHeader().hide()
        self.list_view.setShowGrid(False)
        self.list_view.setAlternatingRowColors(True)
        hh = self.list_view.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(DraftListModel.COL_CUSTOMER, QHeaderView.ResizeMode.Stretch)
        self.list_view.activated.connect(self.open_index)
        self.list_view.clicked.connect(self.open_index)
        self.list_empty = QLabel("Nothing here yet.", left)
        self.list_empty.setObjectName("listEmptyLabel")
        self.list_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.list_empty.setStyleSheet("color: palette(mid);")
        self.list_count = QLabel("", left)
        self.list_count.setObjectName("listCountLabel")
        self.list_model.countChanged.connect(lambda n, total: self.list_count.setText(count_text(n, total)))
        lay.addWidget(self.filter_combo)
        lay.addWidget(self.search_box)
        lay.addWidget(self.list_view, 1)
        lay.addWidget(self.list_empty)
        lay.addWidget(self.list_count)

        self.stack = QStackedWidget(split)
        self.empty = QLabel(EMPTY_TEXT, self.stack)
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.editor = DraftEditor(self.app, self.ops, self.stack)
        self.editor.orderPaid.connect(self._order_paid)
        self.editor.draftClosed.connect(lambda _id: self.show_empty())
        self.order_view = OrderView(self.app, self.ops, self.stack)
        self.order_view.documentRequested.connect(self.order_document)
        self.editor.print_button.clicked.connect(lambda: self.order_document("a4"))
        for w in (self.empty, self.editor, self.order_view):
            self.stack.addWidget(w)
        split.addWidget(left)
        split.addWidget(self.stack)
        left.setMinimumWidth(300)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setCollapsible(0, False)
        split.setSizes([300, 980])
        self.setCentralWidget(split)
        QWidget.setTabOrder(self.filter_combo, self.search_box)
        QWidget.setTabOrder(self.search_box, self.list_view)

        sb = self.statusBar()
        self.till_label = QLabel(f"Till: {self.settings.till_name}", self)
        self.till_label.setObjectName("tillLabel")
        self.db_label = QLabel(f"Database: {self.app.db.path.name}", self)
        self.db_label.setObjectName("databaseLabel")
        self.db_label.setToolTip(str(self.app.db.path))
        self.sync_label = QLabel(OFFLINE, self)
        self.sync_label.setObjectName("syncStatusLabel")
        self.sync_label.setAccessibleName("Sync status")
        self.sync_label.setToolTip("Orders are kept on this computer; sync to the shop's backend is not configured")
        sb.addWidget(self.till_label)
        sb.addWidget(self.db_label)
        sb.addPermanentWidget(self.sync_label)
        self.resize(1280, 800)
        self.show_empty()

    def _action(self, menu: Any, text: str, shortcuts: list[str], slot: Any, tip: str = "") -> QAction:
        a = QAction(text, self)
        a.setShortcuts([QKeySequence(s) for s in shortcuts])
        a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        a.setToolTip(tip or text)
        a.setStatusTip(tip or text)
        a.triggered.connect(slot)
        menu.addAction(a)
        self.addAction(a)
        return a

    def _actions(self) -> None:
        mb = self.menuBar()
        order = mb.addMenu("&Order")
        ed = self.editor
        self.new_action = self._action(order, "&New draft", ["Ctrl+N"], self.new_draft, "Start a new draft order")
        self.mark_paid_action = self._action(order, "Mark &Paid", ["F12", "Ctrl+Return", "Ctrl+Enter"],
                                             self.mark_paid, "Take payment for the draft")
        self.print_action = self._action(order, "&Print invoice", ["Ctrl+P"], lambda: self.order_document("a4"),
                                         PRINT_TOOLTIP)
        self.print_receipt_action = self._action(order, "Print &receipt", ["Ctrl+Shift+P"],
                                                 lambda: self.order_document("receipt"), "Print the receipt")
        self.preview_action = self._action(order, "Pre&view…", [], lambda: self.order_document("preview"),
                                           "See the invoice as it will print")
        self.save_pdf_action = self._action(order, "Save as P&DF…", ["Ctrl+Shift+S"],
                                            lambda: self.order_document("save"), "Save the invoice as a PDF file")
        order.addSeparator()
        self._action(order, "&Cancel draft", [], ed.cancel_draft)
        self._action(order, "&Delete draft…", ["Ctrl+Shift+Delete"], ed.delete_draft)
        order.addSeparator()
        self._action(order, "&Settings…", ["Ctrl+,"], self.open_settings, "Till, shop and defaults")
        self._action(order, "&Quit", ["Ctrl+Q"], self.close)
        edit = mb.addMenu("&Edit")
        self.undo_action = ed.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = ed.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for a in (self.undo_action, self.redo_action):
            edit.addAction(a)
            self.addAction(a)
        edit.addSeparator()
        self._action(edit, "&Find draft or order", ["Ctrl+F"], self.focus_search)
        self._action(edit, "Add &product", ["F2"], lambda: self._focus(ed.product_search))
        self._action(edit, "Find &customer", ["F3"], lambda: self._focus(ed.customer_search))
        self._action(edit, "Edit &quantity", ["F4"], ed.edit_quantity, "Edit the quantity of the selected line")
        self._action(edit, "&Shipping method", ["F6"], lambda: self._focus(ed.shipping_combo))
        self._action(edit, "Pro&mo code", ["F7"], lambda: self._focus(ed.promo_edit))
        self._action(edit, "Shipping &address", ["F8"], lambda: self._focus(ed.shipping_form.fields["first_name"]))
        self._action(edit, "&Billing address", ["F9"], lambda: self._focus(ed.billing_form.fields["first_name"]))
        self._action(edit, "Custom &item…", ["Ctrl+I"], ed.add_custom_item)
        view = mb.addMenu("&View")
        for i, name in enumerate(list_filters.FILTERS, start=1):
            keys = [f"Ctrl+{i}"] + (["Ctrl+Shift+T"] if name == list_filters.TODAY else [])
            act = self._action(view, list_filters.LABELS[name], keys, lambda _c=False, n=name: self.show_view(n),
                               f"List {list_filters.LABELS[name].lower()} ({' or '.join(keys)})")
            if name == list_filters.TODAY:
                self.today_action = act

    # --- public API -------------------------------------------------------------------------
    def set_sync_status(self, text: str, tooltip: str = "") -> None:
        """For the sync engine: online/offline and the count of unsynced orders."""
        self.sync_label.setText(text)
        self.sync_label.setToolTip(tooltip or text)

    def show_error(self, message: str, exc: Any = None) -> None:
        self.errors_shown.append(message)
        box = QMessageBox(QMessageBox.Icon.Warning, "Tilldesk", message, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("errorDialog")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): the window keeps running while the message is shown

    # --- list -------------------------------------------------------------------------------
    def current_filter(self) -> str:
        return self.filter_combo.currentData()

    def set_filter(self, name: str) -> None:
        self.filter_combo.setCurrentIndex(self.filter_combo.findData(name))

    def refresh_list(self) -> None:
        """The first page of the view; the model reads more as the list scrolls (ui/paged_list.py)."""
        srcs = list_filters.sources(self.current_filter(), self.search_box.text().strip() or None, self.app.uow)
        self.ops.query("list", lambda: list_filters.fetch_page(srcs), lambda p: self._show_list(srcs, p))

    def _request_page(self, fn: Any, done: Any, failed: Any) -> None:
        self.ops.query("list-more", fn, done, lambda _exc: failed() or False)

    def _show_list(self, srcs: tuple[list_filters.Source, ...], page: list_filters.Page) -> None:
        selected = self._selected_id()
        self.list_model.start(srcs, page)
        self.list_empty.setVisible(not page.entries)
        self.list_empty.setText("No matches." if self.search_box.text().strip() else
                                list_filters.EMPTY.get(self.current_filter(), "Nothing here yet."))
        row = self.list_model.row_of(selected) if selected else -1
        if row >= 0:
            self.list_view.selectRow(row)

    def _selected_id(self) -> str | None:
        if self.stack.currentWidget() is self.editor and self.editor.draft:
            return self.editor.draft.id
        if self.stack.currentWidget() is self.order_view and self.order_view.order:
            return self.order_view.order.id
        return None

    def _search_enter(self) -> None:
        self._search_timer.stop()
        self.refresh_list()
        if self.list_model.rowCount():
            self.list_view.setFocus()
            self.list_view.selectRow(0)

    def open_index(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        entry_id, kind = index.data(IdRole), index.data(KindRole)
        if kind == "order":
            self.open_order(entry_id)
        else:
            self.open_draft(entry_id)

    def open_draft(self, draft_id: str) -> None:
        self.editor.flush()
        self.editor.load(draft_id)
        self.stack.setCurrentWidget(self.editor)

    def open_order(self, order_id: str) -> None:
        self.editor.flush()
        self.order_view.load(order_id)
        self.stack.setCurrentWidget(self.order_view)

    def show_empty(self) -> None:
        self.stack.setCurrentWidget(self.empty)
        self.mark_paid_action.setEnabled(False) if hasattr(self, "mark_paid_action") else None

    # --- actions ----------------------------------------------------------------------------
    def new_draft(self) -> None:
        self.editor.flush()
        app = self.app
        self.ops.run(lambda: drafts.create_draft({}, app.uow()), success=self._new_draft_shown)

    def _new_draft_shown(self, d: DraftOrderDTO) -> None:
        self.editor.show_draft(d, fresh=True)
        self.stack.setCurrentWidget(self.editor)
        self.mark_paid_action.setEnabled(True)
        self.editor.customer_search.setFocus()

    def mark_paid(self) -> None:
        if self.stack.currentWidget() is self.editor:
            self.editor.mark_paid()

    def _order_paid(self, order: OrderDTO) -> None:
        self.order_view.show_order(order)
        self.stack.setCurrentWidget(self.order_view)
        self.show_today()  # the order just paid stays in sight, selected in the list
        self.statusBar().showMessage(f"Paid: order #{order.display_id}, invoice {order.invoice_number}", 8000)
        if self.settings.auto_print_receipt:
            # A counter sale: the receipt comes out without a question, whatever print_dialog says.
            self.printing.print_order(order.id, "receipt", order.invoice_number, dialog=False)

    # --- documents --------------------------------------------------------------------------
    def _document_order_id(self) -> str | None:
        if self.stack.currentWidget() is self.order_view and self.order_view.order:
            return self.order_view.order.id
        if self.stack.currentWidget() is self.editor and self.editor.draft and self.editor.draft.order_id:
            return self.editor.draft.order_id
        return None

    def order_document(self, what: str) -> None:
        """Print ("a4", "receipt"), preview or save the documents of the order on screen. The actions
        stay enabled (orders load off the UI thread); without a paid order on screen they say so."""
        order_id = self._document_order_id()
        if order_id is None:
            self.statusBar().showMessage("Open a paid order to print its invoice", 5000)
            return
        p = self.printing

        def go(order_id: str, label: str) -> None:
            if what == "preview":
                p.preview(order_id, "a4", label)
            elif what == "save":
                p.save_as_pdf(order_id, "a4", label)
            else:
                p.print_order(order_id, what, label)

        shown = self.order_view.order
        if self.stack.currentWidget() is self.order_view and shown is not None:
            go(shown.id, shown.invoice_number)
        else:  # a paid draft in the editor: its order is looked up for the invoice number
            app = self.app
            self.ops.run(lambda: orders.get_order(order_id, app.uow()), success=lambda o: go(o.id, o.invoice_number))

    def show_today(self, *, focus: bool = False) -> None:
        """The Today view of the list; the draft or order on screen is the selected row."""
        if self.current_filter() not in (list_filters.TODAY, "paid_today", "all_orders", "not_synced"):
            self.search_box.clear()
            self.set_filter(list_filters.TODAY)  # refreshes the list
        else:
            self.refresh_list()
        if focus:
            self.list_view.setFocus()

    def show_view(self, name: str) -> None:
        self.set_filter(name)
        self.list_view.setFocus()
        if self.list_view.selectionModel() and not self.list_view.selectionModel().hasSelection():
            self.list_view.selectRow(0)

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def _focus(self, w: QWidget) -> None:
        if self.stack.currentWidget() is self.editor and w.isEnabled():
            w.setFocus()

    def about_text(self) -> str:
        from app.cli import version

        return (f"<h3>Tilldesk {version()}</h3>"
                "<p>Point of sale and phone orders, offline first, syncing with Medusa.</p>"
                f"<p>Till: {self.settings.till_name}<br>Database: {self.app.db.path}<br>"
                f"Invoice archive: {self.app.archive_dir}</p>")

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Information, "About Tilldesk", self.about_text(),
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("aboutBox")
        box.setIconPixmap(window_icon().pixmap(64, 64))
        box.open()

    def open_settings(self) -> None:
        dlg = SettingsDialog(self.app, self)
        dlg.accepted.connect(lambda: self._settings_saved(dlg))
        dlg.open()

    def _settings_saved(self, dlg: SettingsDialog) -> None:
        if dlg.saved is not None:
            self.settings = dlg.saved
            self._apply_settings()
            self.staff.set_idle_minutes(self.settings.idle_lock_minutes)
            self.till_label.setText(f"Till: {self.settings.till_name}")
            self.setWindowTitle(f"Tilldesk — {self.settings.shop.name}")

    def _apply_settings(self) -> None:
        """What the views take from the settings: the shop's country (its phones read the national way)."""
        home = (self.settings.shop.country_code or "").upper()
        self.list_model.home_country = self.order_view.home_country = home
        self.editor.customer.customer_model.home_country = home
        self.scanner.configure(self.settings.scanner_max_gap_ms, self.settings.scanner_min_length)

    # --- the scanner ------------------------------------------------------------------------
    def on_scan(self, code: str) -> None:
        """A scanned code goes to the draft on screen, or to a new one when none is open."""
        def said(message: str) -> None:
            self.statusBar().showMessage(message, 6000)

        d = self.editor.draft
        if self.stack.currentWidget() is self.editor and d is not None and d.is_editable:
            self.editor.lines.scan(code, said)
            return
        self.editor.flush()
        app = self.app

        def started(new: DraftOrderDTO) -> None:
            self._new_draft_shown(new)
            self.editor.lines.scan(code, said)

        self.ops.run(lambda: drafts.create_draft({}, app.uow()), success=started)

    def on_changed(self, changes: Changes) -> None:
        if changes.draft_ids or changes.order_ids:
            self.refresh_list()

    def closeEvent(self, e: QCloseEvent) -> None:
        if not self.sync.confirm_quit():
            e.ignore()  # orders not yet on the shop server: staff chose to stay
            return
        self.editor.flush()
        self.scanner.uninstall()
        self.staff.shutdown()
        self.ops.shutdown()  # every edit typed reaches the database before the window goes
        self.printing.shutdown()
        self.shift.shutdown()
        self.sync.shutdown()
        super().closeEvent(e)


def window_icon() -> QIcon:
    from importlib.resources import files
    try:
        return QIcon(str(files("resources.icons") / "tilldesk-256.png"))
    except Exception:  # noqa: BLE001 - an icon is a nicety
        return QIcon()
