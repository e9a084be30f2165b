"""The sync in the window: the status bar text, the sync view (each order's way to the shop
server, with Retry and Discard), the Sync menu and the warning when quitting with unsynced orders.

``SyncUi(window)`` wires it all into a ``MainWindow`` in one call; the code lives here so the
window module only gains a few lines.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.sync.facade import STEP_NAMES, STEPS, UNSYNCED_STATES, OutboxEntry, SyncService, SyncStatus

from .models import IdRole, ObjectRole, RowsTableModel
from .sync_bridge import SyncBridge, describe_status

__all__ = ["SyncQueueModel", "SyncView", "SyncUi", "state_text", "SHOWN_DONE_LIMIT"]

Index = QModelIndex | QPersistentModelIndex

# Synced orders pile up for years; the view shows every unsynced one and the newest of the rest.
SHOWN_DONE_LIMIT = 500


def _local(when: datetime | None) -> str:
    if when is None:
        return ""
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def state_text(e: OutboxEntry) -> str:
    if e.state == "synced":
        return f"Synced as #{e.server_display_id}" if e.server_display_id is not None else "Synced"
    if e.state == "needs_attention":
        return "Needs attention"
    if e.state == "discarded":
        return "Discarded (kept on this till only)"
    if e.state == "in_progress" or e.step > 0:
        # ``step`` counts finished steps: the one under way is the next.
        k = min(e.step + 1, STEPS)
        return f"Step {k} of {STEPS}: {STEP_NAMES[k - 1]}"
    return "Queued"


def detail_text(e: OutboxEntry) -> str:
    if e.state in ("synced", "discarded"):
        return ""
    if not e.last_error:
        return ""
    first = e.last_error.strip().splitlines()[0]
    if e.state != "needs_attention" and e.next_attempt_at is not None:
        return f"Retry at {e.next_attempt_at.astimezone():%H:%M} · {first}"
    return first


class SyncQueueModel(RowsTableModel):
    """The outbox, one row per paid order (``OutboxEntry``)."""

    COL_ORDER, COL_STATE, COL_DETAIL, COL_UPDATED = range(4)
    HEADERS = ("Order", "State", "Reason / last error", "Updated")

    def set_entries(self, entries: list[OutboxEntry] | tuple[OutboxEntry, ...]) -> None:
        self._reset(entries)

    def entry(self, row: int) -> OutboxEntry:
        return self._rows[row]

    def entries(self) -> list[OutboxEntry]:
        return list(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        e, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_ORDER:
                return e.invoice_number or (f"#{e.display_id}" if e.display_id is not None else e.order_id)
            if col == self.COL_STATE:
                return state_text(e)
            if col == self.COL_DETAIL:
                return detail_text(e)
            if col == self.COL_UPDATED:
                return _local(e.updated_at)
        if role == Qt.ItemDataRole.ToolTipRole:
            bits = [f"Order #{e.display_id}" if e.display_id is not None else e.order_id, state_text(e)]
            if e.last_error:
                bits.append(e.last_error)
            if e.attempts:
                bits.append(f"{e.attempts} attempt(s)")
            if e.server_order_id:
                bits.append(f"Server order {e.server_order_id}")
            return "\n".join(bits)
        if role == IdRole:
            return e.id
        if role == ObjectRole:
            return e
        return None


def load_queue(service: SyncService, include_done: bool) -> list[OutboxEntry]:
    """Runs off the UI thread. Unsynced orders first (they need the eye), then the newest done."""
    return service.queue(include_done, SHOWN_DONE_LIMIT)


def confirm_discard(parent: QWidget, entry: OutboxEntry) -> bool:
    label = entry.invoice_number or f"#{entry.display_id}"
    text = (f"Never send order {label} to the shop server?\n\n"
            "It stays on this till (and on its invoice) but the shop's stock and reports will not see it.")
    if entry.step > 0:
        text += (f"\n\nPart of it may already be on the server ({entry.step} of {STEPS} steps done): "
                 "check the server's draft orders afterwards.")
    answer = QMessageBox.question(parent, "Discard order from sync", text,
                                  QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                                  QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Discard


class SyncView(QDialog):
    """Non-modal: staff can keep selling with it open."""

    def __init__(self, ui: SyncUi, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.setObjectName("syncView")
        self.setWindowTitle("Sync with the shop server")
        self.setModal(False)
        self.resize(820, 420)
        lay = QVBoxLayout(self)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("syncViewStatus")
        self.status_label.setWordWrap(True)
        self.model = SyncQueueModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("syncQueue")
        self.table.setAccessibleName("Orders waiting for the shop server")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(SyncQueueModel.COL_DETAIL, QHeaderView.ResizeMode.Stretch)
        self.empty_label = QLabel("No paid orders yet: nothing to send.", self)
        self.empty_label.setObjectName("syncQueueEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.show_done = QCheckBox("Show synced and discarded orders", self)
        self.show_done.setObjectName("syncShowDone")
        self.show_done.setChecked(True)
        self.show_done.toggled.connect(lambda _c: self.refresh())
        buttons = QHBoxLayout()
        self.retry_button = QPushButton("&Retry", self)
        self.retry_button.setObjectName("syncRetry")
        self.retry_button.setToolTip("Send the selected order again now")
        self.discard_button = QPushButton("&Discard…", self)
        self.discard_button.setObjectName("syncDiscard")
        self.discard_button.setToolTip("Never send the selected order (it stays on this till)")
        self.sync_now_button = QPushButton("&Sync now", self)
        self.sync_now_button.setObjectName("syncNow")
        self.sync_now_button.setToolTip("Talk to the shop server now (F5)")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        for b in (self.retry_button, self.discard_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.sync_now_button)
        buttons.addWidget(close)
        lay.addWidget(self.status_label)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.empty_label)
        lay.addWidget(self.show_done)
        lay.addLayout(buttons)
        self.retry_button.clicked.connect(self.retry_selected)
        self.discard_button.clicked.connect(self.discard_selected)
        self.sync_now_button.clicked.connect(ui.bridge.sync_now)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(200)  # a round emits a burst of statuses: reload once
        self._refresh_timer.timeout.connect(self.refresh)
        self.show_status(ui.bridge.status)
        self._enable()

    # -- data --------------------------------------------------------------------------------
    def refresh(self) -> None:
        service, include = self.ui.bridge.service, self.show_done.isChecked()
        self.ui.window.ops.query("sync-queue", lambda: load_queue(service, include), self._show)

    def refresh_soon(self) -> None:
        if self.isVisible():
            self._refresh_timer.start()

    def _show(self, entries: list[OutboxEntry]) -> None:
        selected = self.selected()
        self.model.set_entries(entries)
        self.empty_label.setVisible(not entries)
        row = self.model.row_of(selected.id) if selected else -1
        if row >= 0:
            self.table.selectRow(row)
        self._enable()

    def show_status(self, status: SyncStatus) -> None:
        text, tip = describe_status(status)
        self.status_label.setText(text)
        self.status_label.setToolTip(tip)
        self.refresh_soon()

    def selected(self) -> OutboxEntry | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.entry(rows[0].row()) if rows else None

    def select_order(self, order_id: str) -> bool:
        row = next((i for i, e in enumerate(self.model.entries()) if e.order_id == order_id), -1)
        if row >= 0:
            self.table.selectRow(row)
        return row >= 0

    def _enable(self) -> None:
        e = self.selected()
        open_ = e is not None and e.state in UNSYNCED_STATES
        self.retry_button.setEnabled(open_)
        self.discard_button.setEnabled(open_)

    # -- actions -------------------------------------------------------------------------------
    def retry_selected(self) -> None:
        e = self.selected()
        if e is None or e.state not in UNSYNCED_STATES:
            return
        service = self.ui.bridge.service
        self.ui.window.ops.run(lambda: service.retry(e.id), success=lambda _r: self.refresh())
        self.ui.bridge.sync_now()

    def discard_selected(self) -> None:
        e = self.selected()
        if e is None or e.state not in UNSYNCED_STATES:
            return
        if not confirm_discard(self, e):
            return
        service = self.ui.bridge.service
        self.ui.window.ops.run(lambda: service.discard(e.id), success=lambda _r: self.refresh())

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()


class SyncUi:
    """Everything sync in a ``MainWindow``: ``SyncUi(window)`` builds the bridge, feeds the status
    bar, adds the Sync menu and nudges the worker after each action that queued an order."""

    def __init__(self, window: Any, bridge: SyncBridge | None = None) -> None:
        self.window = window
        self.bridge = bridge or SyncBridge(window.app, window)
        self.view: SyncView | None = None
        self.backend_dialog: Any = None
        self.warn_on_quit = True
        self.bridge.statusChanged.connect(self.show_status)
        window.ops.changed.connect(self.bridge.on_changes)
        self.show_status(self.bridge.status if self.bridge.status != SyncStatus() else None)
        menu = window.menuBar().addMenu("&Sync")
        self.view_action = window._action(menu, "Sync &view", ["Ctrl+Shift+Y"], self.open_view,
                                          "Each paid order's way to the shop server")
        self.sync_now_action = window._action(menu, "Sync &now", ["F5"], self.bridge.sync_now,
                                              "Talk to the shop server now")
        menu.addSeparator()
        self.backend_action = window._action(menu, "&Backend…", [], self.open_backend,
                                             "The shop server's address and API key")

    def show_status(self, status: SyncStatus | None) -> None:
        if status is None:
            # Before the worker's first word: say what the settings say, without a query.
            text, tip = ("Sync starting…", "Contacting the shop server") if self.bridge.is_configured() \
                else describe_status(SyncStatus())
        else:
            text, tip = describe_status(status)
            if self.view is not None:
                self.view.show_status(status)
        self.window.set_sync_status(text, tip)

    def open_view(self) -> SyncView:
        if self.view is None:
            self.view = SyncView(self, self.window)
        self.view.show()
        self.view.raise_()
        self.view.activateWindow()
        return self.view

    def open_backend(self) -> Any:
        from .backend_dialog import BackendDialog

        dlg = BackendDialog(self.window.app, self.window)
        dlg.accepted.connect(lambda: self.bridge.restart())
        self.backend_dialog = dlg
        dlg.open()
        return dlg

    def confirm_quit(self) -> bool:
        """False when staff chose to stay because orders have not reached the server."""
        if not self.warn_on_quit or not self.bridge.is_configured():
            return True  # without a server nothing is waiting to go out: no nagging at each close
        n = self.bridge.unsynced_count()
        if n == 0:
            return True
        box = QMessageBox(QMessageBox.Icon.Warning, "Quit Tilldesk",
                          f"{n} order{'s have' if n != 1 else ' has'} not reached the shop server yet.",
                          QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel, self.window)
        box.setObjectName("quitUnsyncedDialog")
        box.setInformativeText("They are kept on this computer and go out the next time Tilldesk runs "
                               "with the server reachable. Quit anyway?")
        box.button(QMessageBox.StandardButton.Close).setText("&Quit anyway")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Close

    def shutdown(self) -> None:
        self.warn_on_quit = False  # asked once: a second close (window teardown) must not ask again
        self.bridge.stop()
