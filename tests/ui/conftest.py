"""Window tests: offscreen Qt, a fresh demo database per test through the real start-up path."""

from __future__ import annotations

import os

# Before any Qt import: no display is needed, and the locale warning stays quiet.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "C.UTF-8")

import pytest  # noqa: E402

from app.bootstrap import App, start  # noqa: E402


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "t.sqlite"


@pytest.fixture
def till(db_path) -> App:
    app = start(db_path, demo=True)
    yield app
    app.close()


@pytest.fixture
def window(qtbot, till):
    from ui.main_window import MainWindow

    w = MainWindow(till, synchronous=True)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    _close_modal_dialogs()


def _close_modal_dialogs() -> None:
    """A message box a test left open (an error shown with open(), never answered) stays the
    application's modal widget, and the next test's window would take its keys for a dialog's
    (the scanner, for one, stands aside while a modal dialog is up)."""
    from PySide6.QtWidgets import QApplication

    for _ in range(20):
        modal = QApplication.activeModalWidget()
        if modal is None:
            return
        modal.close()
        QApplication.processEvents()
