"""The window's entry point: `run(app)` shows the main window and runs Qt's event loop."""

from __future__ import annotations

import os
import sys

from app.bootstrap import App


def run(app: App) -> int:
    from PySide6.QtWidgets import QApplication

    from . import none_guard

    none_guard.install()  # before the first Qt call: see ui/none_guard.py

    from .main_window import MainWindow, window_icon

    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    qapp.setApplicationName("Tilldesk")
    qapp.setWindowIcon(window_icon())
    window = MainWindow(app)
    window.show()
    if os.environ.get("TILLDESK_EXIT_AFTER_SHOWN") == "1":
        # For start-up measurements (benchmarks/bench_startup.py): quit once the first frame is out.
        from PySide6.QtCore import QTimer

        def _shown() -> None:
            sys.stdout.write("tilldesk: window shown\n")
            sys.stdout.flush()
            window.close()
            qapp.quit()

        QTimer.singleShot(0, _shown)
    return qapp.exec()
