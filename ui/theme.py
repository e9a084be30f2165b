"""How the window looks. Colours for messages follow the system palette: on a dark window the same
reds and greens would be unreadable, so each has a light and a dark variant, chosen from the palette
in force. The editor and the order view share one page layout."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QVBoxLayout, QWidget

# (on a light window, on a dark window): contrast of at least 4.5:1 against the window colour.
_COLOURS = {
    "error": ("#c62828", "#ff8a80"),
    "ok": ("#2e7d32", "#81c784"),
    "warning": ("#8a5a00", "#ffcc80"),
}


def is_dark() -> bool:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return False
    window = app.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def colour(kind: str) -> str:
    light, dark = _COLOURS[kind]
    return dark if is_dark() else light


def style(kind: str, *, size: int | None = None) -> str:
    """A style sheet for a message label: `style("error", size=11)`."""
    return f"color: {colour(kind)};" + (f" font-size: {size}px;" if size else "")


def page_layout(page: QWidget, heading_name: str) -> tuple[QVBoxLayout, QVBoxLayout, QLabel]:
    """A page of the window's right side: its content column (a heading first) and an action column."""
    outer = QHBoxLayout(page)
    outer.setContentsMargins(8, 4, 8, 4)
    main = QVBoxLayout()
    side = QVBoxLayout()
    outer.addLayout(main, 1)
    outer.addLayout(side, 0)
    heading = QLabel(page)
    heading.setObjectName(heading_name)
    heading.setStyleSheet("font-size: 16px; font-weight: 600;")
    main.addWidget(heading)
    return main, side, heading
