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
    return w
