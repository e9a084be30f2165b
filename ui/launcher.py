"""The `tilldesk` console entry (also `python -m ui` and the bundle's entry script): the command
line from app.cli, with the window plugged in.

Qt is imported only when the window is actually opened, so `tilldesk draft list` stays fast
and works on a machine without a display."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported by app.cli when it starts the shop, not on every command
    from app.bootstrap import App


def run(app: App) -> int:
    """Show the main window and run Qt's event loop."""
    from PySide6.QtWidgets import QApplication

    from . import none_guard

    none_guard.install()  # before the first Qt call: see ui/none_guard.py

    from .main_window import MainWindow, window_icon

    existing = QApplication.instance()
    qapp = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    qapp.setApplicationName("Tilldesk")
    qapp.setWindowIcon(window_icon())
    if os.environ.get("TILLDESK_EXIT_AFTER_SHOWN") != "1":  # start-up measurements ask nobody
        from .till_dialog import ask_till_code

        ask_till_code(app)  # a first start: the till's code and name (ui/till_dialog.py)
    window = MainWindow(app)
    window.show()
    from PySide6.QtCore import QTimer

    from app import gc_pause

    QTimer.singleShot(0, gc_pause.settle)  # once the first frame is out (app/gc_pause.py)
    if os.environ.get("TILLDESK_EXIT_AFTER_SHOWN") == "1":
        # For start-up measurements (benchmarks/bench_startup.py): quit once the first frame is out.
        def _shown() -> None:
            sys.stdout.write("tilldesk: window shown\n")
            sys.stdout.flush()
            window.close()
            qapp.quit()

        QTimer.singleShot(0, _shown)
    return qapp.exec()


def ask_create(path: str) -> bool:
    """`tilldesk --db NEW.sqlite` opening the window: ask before making a new, empty database
    (a typo such as `shop.sqlit` would otherwise show an empty shop)."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    existing = QApplication.instance()
    if not isinstance(existing, QApplication):
        QApplication(sys.argv[:1])
    answer = QMessageBox.question(
        None, "Tilldesk",
        f"There is no database at\n{path}\n\nCreate a new, empty Tilldesk database there?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def open_with_progress(opener: Any) -> App:
    """A schema migration is due: run it on a worker behind a progress dialog."""
    from app import gc_pause

    from .migration_dialog import open_with_progress as run_migration

    gc_pause.settle()  # a migration takes long and makes garbage: the collector is back on for it

    return run_migration(opener)


def main(argv: list[str] | None = None) -> int:
    from app import gc_pause

    gc_pause.hold()  # the start builds long-lived objects only; see app/gc_pause.py
    from app.cli import main as cli_main

    return cli_main(argv, launch_gui=run, ask_create=ask_create, open_with_progress=open_with_progress)


if __name__ == "__main__":
    sys.exit(main())
