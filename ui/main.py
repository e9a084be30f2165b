"""The window's entry point: `run(app)` shows the main window and runs Qt's event loop."""

from __future__ import annotations

import sys

from app.bootstrap import App


def run(app: App) -> int:
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow, window_icon

    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    qapp.setApplicationName("Tilldesk")
    qapp.setWindowIcon(window_icon())
    window = MainWindow(app)
    window.show()
    return qapp.exec()
