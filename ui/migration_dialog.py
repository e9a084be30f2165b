"""The window's start when the database needs a schema migration: the migration runs on a worker
thread (the UI never freezes) behind a progress dialog that says which revision is being applied,
how far it has got, and where the backup taken before it is kept. A failure says so in one
message; the file is left as it was (one transaction) and the backup stays."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from app.bootstrap import App
from app.persistence.migration_progress import Progress

from .none_guard import install as _guard_none

_guard_none()  # queued signals from the worker (see none_guard)

STEPS = 1000  # the bar's resolution


def progress_text(p: Progress) -> str:
    if p.index >= p.count:
        head = f"Database updated to schema {p.revision}."
    else:
        head = f"Updating the database to schema {p.revision} ({p.index + 1} of {p.count})…"
        if p.total:
            head += f"\n{p.done:,} of {p.total:,} done"
    if p.backup:
        head += f"\nA copy from before the update is kept: {Path(p.backup).name}"
    return head


class MigrationDialog(QProgressDialog):
    """Modal, without Cancel: a migration half-stopped would only be rolled back anyway."""

    progressed = Signal(object)  # Progress, emitted on the worker thread, shown on the UI thread
    _finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Opening the database…", "", 0, STEPS, parent)
        self.setObjectName("migrationDialog")
        self.setWindowTitle("Tilldesk — updating the database")
        self.setCancelButton(None)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.seen: list[Progress] = []  # every step shown, for the record (and tests)
        self.progressed.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self.failure_text = ""

    def _show(self, p: Progress) -> None:
        self.seen.append(p)
        self.setLabelText(progress_text(p))
        self.setValue(round(p.fraction * STEPS))

    def run(self, opener: Callable[[Any], App]) -> App:
        """``opener(listener)`` on a worker; this thread keeps painting until it is done."""
        result: dict[str, Any] = {}
        loop = QEventLoop()
        self._finished.connect(loop.quit, Qt.ConnectionType.QueuedConnection)

        def work() -> None:
            try:
                result["app"] = opener(self.progressed.emit)
            except BaseException as exc:  # noqa: BLE001 - handed to the UI thread below
                result["error"] = exc
            finally:
                self._finished.emit()

        self.show()
        worker = threading.Thread(target=work, name="tilldesk-migrate", daemon=True)
        worker.start()
        loop.exec()
        worker.join()
        QApplication.processEvents()  # the last progress step reaches the label
        self.hide()  # not close(): closing a progress dialog cancels and resets it
        if "error" in result:
            self.failure_text = str(result["error"])
            self.show_failure(self.failure_text)
            raise result["error"]
        app: App = result["app"]
        return app

    def show_failure(self, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Critical, "Tilldesk", f"The database could not be updated.\n\n{message}",
                          QMessageBox.StandardButton.Close)
        box.setObjectName("migrationFailedBox")
        box.exec()


def open_with_progress(opener: Callable[[Any], App], dialog: MigrationDialog | None = None) -> App:
    existing = QApplication.instance()
    if not isinstance(existing, QApplication):
        import sys

        QApplication(sys.argv[:1])
    return (dialog or MigrationDialog()).run(opener)
