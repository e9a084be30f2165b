"""Sync › Backend…: the shop server's kind (Medusa v2 or v1), its address, its secret API key and how often to sync.

The key goes ONLY to the OS keyring (``app.sync.facade.store_api_key``): never to the settings
table, a file or a log. A machine without a keyring is told so in plain words, with the
environment variable to use instead. "Test connection" runs on a thread of its own (a dead
server can take the whole HTTP timeout to answer) and reports back by signal.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.bootstrap import App
from app.services.settings import load_settings, save_settings
from app.sync.facade import (
    API_KEY_ENV_VAR,
    NO_KEYRING_TEXT,
    BackendError,
    NoKeyringAvailable,
    api_key_source,
    backend_kinds,
    connection_message,
    normalize_base_url,
    store_api_key,
)

from . import theme
from .none_guard import install as _guard_none

_guard_none()

__all__ = ["BackendDialog", "NO_KEYRING_TEXT", "connection_message"]


class _Relay(QObject):
    done = Signal(object)  # (token, message)


class BackendDialog(QDialog):
    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setObjectName("backendDialog")
        self.setWindowTitle("Shop server")
        self.setMinimumWidth(520)
        settings = load_settings(app.uow())
        self.backend_kind = settings.backend_kind
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)

        # The kind decides how the till prices (v1: integer cents, rounded per line) and which
        # API the sync speaks; kept in the settings as ``tilldesk backend set --kind`` does.
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("backendKind")
        self.kind_combo.setAccessibleName("Server kind")
        for kind, label in backend_kinds():
            self.kind_combo.addItem(label, kind)
        found = self.kind_combo.findData(self.backend_kind)
        if found < 0:  # a kind this build does not know: show it rather than silently switch
            self.kind_combo.addItem(self.backend_kind, self.backend_kind)
            found = self.kind_combo.count() - 1
        self.kind_combo.setCurrentIndex(found)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        kind_label = QLabel("Server &kind", self)
        kind_label.setBuddy(self.kind_combo)
        form.addRow(kind_label, self.kind_combo)

        self.url_edit = QLineEdit(settings.backend_url or "", self)
        self.url_edit.setObjectName("backendUrl")
        self.url_edit.setAccessibleName("Server address")
        self.url_edit.setPlaceholderText("https://shop.example.com")
        self.url_error = QLabel(self)
        self.url_error.setObjectName("backendUrlError")
        self.url_error.setStyleSheet(theme.style("error", size=11))
        self.url_error.setWordWrap(True)
        self.url_error.hide()
        url_label = QLabel("Server &address", self)
        url_label.setBuddy(self.url_edit)
        form.addRow(url_label, self.url_edit)
        form.addRow("", self.url_error)

        self.key_edit = QLineEdit(self)
        self.key_edit.setObjectName("backendApiKey")
        self.key_edit.setAccessibleName("API key")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setToolTip("The shop's secret API key (sk_…). Kept in this computer's keyring only.")
        self.key_label = QLabel(self)
        self.key_label.setBuddy(self.key_edit)
        form.addRow(self.key_label, self.key_edit)
        self.key_note = QLabel(self)
        self.key_note.setObjectName("backendKeyNote")
        self.key_note.setWordWrap(True)
        self.key_note.setStyleSheet("color: palette(mid); font-size: 11px;")
        form.addRow("", self.key_note)

        self.interval = QSpinBox(self)
        self.interval.setObjectName("backendInterval")
        self.interval.setRange(30, 86400)
        self.interval.setSuffix(" s")
        self.interval.setValue(settings.sync_interval_seconds)
        self.interval.setAccessibleName("Sync every")
        form.addRow("Sync every", self.interval)

        test_row = QHBoxLayout()
        self.test_button = QPushButton("&Test connection", self)
        self.test_button.setObjectName("backendTest")
        self.test_button.clicked.connect(self.test)
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        layout.addLayout(test_row)
        self.result_label = QLabel(self)
        self.result_label.setObjectName("backendTestResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.result_label)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self._relay = _Relay(self)
        self._relay.done.connect(self._tested, Qt.ConnectionType.QueuedConnection)
        self._test_token = 0
        self.testing = False
        self.saved: Any = None
        self._explain_key()
        self._kind_changed()
        self.setTabOrder(self.kind_combo, self.url_edit)

    def _kind_changed(self, *_: object) -> None:
        self.backend_kind = str(self.kind_combo.currentData())
        v1 = self.backend_kind == "medusa-v1"
        self.key_label.setText("API &token" if v1 else "API &key")
        self.key_edit.setAccessibleName("API token" if v1 else "API key")
        self.key_edit.setToolTip("The admin user's API token. Kept in this computer's keyring only." if v1 else
                                 "The shop's secret API key (sk_…). Kept in this computer's keyring only.")

    def _explain_key(self) -> None:
        url = self.url_edit.text().strip()
        if not url:
            self.key_note.setText("Stored in this computer's keyring, never in Tilldesk's files.")
            return
        try:
            source = api_key_source(url)
        except ValueError:
            source = "none"
        if source == "environment":
            self.key_note.setText(f"The key comes from {API_KEY_ENV_VAR}; a key typed here is not used.")
        elif source == "keyring":
            self.key_note.setText("A key is stored in the keyring. Leave empty to keep it.")
            self.key_edit.setPlaceholderText("•••••••• (stored)")
        else:
            self.key_note.setText("No key stored yet. It goes to this computer's keyring, never to "
                                  "Tilldesk's files.")

    # -- test ------------------------------------------------------------------------------------
    def test(self) -> None:
        self._test_token += 1
        token, url, key, relay = self._test_token, self.url_edit.text().strip(), self.key_edit.text().strip(), \
            self._relay
        kind, app = self.backend_kind, self.app
        self.testing = True
        self.test_button.setEnabled(False)
        self.result_label.setText("Testing…")

        def work() -> None:
            try:
                message = connection_message(url, key, kind, app)
            except Exception as exc:  # noqa: BLE001 - shown in the dialog
                message = f"The test failed: {exc}"
            try:
                relay.done.emit((token, message))
            except RuntimeError:  # the dialog was closed meanwhile
                pass

        threading.Thread(target=work, name="tilldesk-backend-test", daemon=True).start()

    def _tested(self, payload: tuple[int, str]) -> None:
        token, message = payload
        if token != self._test_token:
            return
        self.testing = False
        self.test_button.setEnabled(True)
        self.result_label.setText(message)

    # -- save ------------------------------------------------------------------------------------
    def _show_url_error(self, text: str) -> None:
        self.url_error.setText(text)
        self.url_error.setVisible(bool(text))

    def save(self) -> None:
        raw = self.url_edit.text().strip()
        url: str | None = None
        if raw:
            try:
                url = normalize_base_url(raw)
            except ValueError as exc:
                self._show_url_error(str(exc))
                self.url_edit.setFocus()
                return
        self._show_url_error("")
        key = self.key_edit.text().strip()
        if key:
            if url is None:
                self._show_url_error("Enter the server address the key belongs to.")
                return
            try:
                store_api_key(url, key)
            except NoKeyringAvailable:
                self.result_label.setText(NO_KEYRING_TEXT)
                return
            except BackendError as exc:
                self.result_label.setText(str(exc))
                return
            self.key_edit.clear()
        self.saved = save_settings({"backend_url": url, "backend_kind": self.backend_kind,
                                    "sync_interval_seconds": self.interval.value()}, self.app.uow())
        self.accept()
