"""A barcode scanner that cannot type into the wrong field.

A keyboard-wedge scanner "types" its code: printable characters a few milliseconds apart, then
Enter. This application-level event filter watches every key pressed in the main window, whatever
has focus. A printable key is held back for a moment; when the next one follows within
`max_gap_ms` it is held too. If Enter closes a run of at least `min_length` such characters, the
run was a scan: it is swallowed and `scanned(code)` is emitted, so the focused field keeps the text
it had. Otherwise (a person typing: the gaps are longer, or the run is short) the held keys are
handed on to the widget they were meant for, in order, as if nothing had happened.

The timing comes from the key events' own timestamps (milliseconds, set by the window system), so
a busy event loop does not make a scan look slow. Events without a timestamp (synthesised by
software) are never taken for a scan. Tests may inject `clock(event) -> ms`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

DEFAULT_MAX_GAP_MS = 35
DEFAULT_MIN_LENGTH = 5
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_MODIFIER_KEYS = (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr,
                  Qt.Key.Key_CapsLock)
_COMMAND_MODIFIERS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                      | Qt.KeyboardModifier.MetaModifier)


@dataclass(frozen=True, slots=True)
class _Held:
    key: int
    modifiers: Qt.KeyboardModifier
    text: str
    at: int  # ms


def event_clock(e: QKeyEvent) -> int:
    return int(e.timestamp())


class ScanFilter(QObject):
    """Install with `QApplication.instance().installEventFilter(...)`; `root` is the window whose
    keys it watches (dialogs over it are left alone)."""

    scanned = Signal(str)

    def __init__(self, root: QWidget, *, max_gap_ms: int = DEFAULT_MAX_GAP_MS, min_length: int = DEFAULT_MIN_LENGTH,
                 clock: Callable[[QKeyEvent], int] = event_clock) -> None:
        super().__init__(root)
        self.root = root
        self.max_gap_ms, self.min_length = max_gap_ms, min_length
        self.clock = clock
        self._held: list[_Held] = []
        self._target: QWidget | None = None
        self._releases_to_eat: dict[int, int] = {}
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)

    def install(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def uninstall(self) -> None:
        self.flush()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def configure(self, max_gap_ms: int, min_length: int) -> None:
        self.flush()
        self.max_gap_ms, self.min_length = max_gap_ms, min_length

    @property
    def holding(self) -> str:
        """The characters held back right now (for tests and the curious)."""
        return "".join(h.text for h in self._held)

    # --- the filter -------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, e: QEvent) -> bool:
        t = e.type()
        if self._replaying or t not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if not isinstance(obj, QWidget) or not self._watches(obj):
            return False
        assert isinstance(e, QKeyEvent)
        if t == QEvent.Type.KeyRelease:
            return self._release(e)
        return self._press(obj, e)

    def _watches(self, w: QWidget) -> bool:
        # Once per key: at the widget it is delivered to (not again while it bubbles to parents),
        # and only inside the main window, never in a dialog over it.
        if w.window() is not self.root or QApplication.activeModalWidget() is not None:
            return False
        focus = QApplication.focusWidget()
        return w is focus or (focus is None and w is self.root)

    def _release(self, e: QKeyEvent) -> bool:
        n = self._releases_to_eat.get(e.key(), 0)
        if n:
            self._releases_to_eat[e.key()] = n - 1
            return True
        return False

    def _press(self, target: QWidget, e: QKeyEvent) -> bool:
        now = self.clock(e)
        if now <= 0:  # no timestamp: typed by software, never a scan
            self.flush()
            return False
        key, text = e.key(), e.text()
        if key in _MODIFIER_KEYS:
            return False  # the scanner's Shift for a capital: no text, no effect
        fast = bool(self._held) and now - self._held[-1].at <= self.max_gap_ms and target is self._target
        if key in _ENTER:
            if fast and len(self._held) >= self.min_length:
                code = self.holding
                self._held.clear()
                self._timer.stop()
                self._eat_release(key)
                self.scanned.emit(code)
                return True
            self.flush()
            return False
        printable = (len(text) == 1 and text.isprintable() and not e.isAutoRepeat()
                     and not (e.modifiers() & _COMMAND_MODIFIERS))
        if not printable:
            self.flush()
            return False
        if not fast:
            self.flush()
        self._target = target
        self._held.append(_Held(key, e.modifiers(), text, now))
        self._eat_release(key)
        self._timer.start(self.max_gap_ms + 25)  # no next key in time: a person typed it
        return True

    def _eat_release(self, key: int) -> None:
        self._releases_to_eat[key] = self._releases_to_eat.get(key, 0) + 1

    def flush(self) -> None:
        """Hand the held keys on to the widget they were typed into, in order."""
        self._timer.stop()
        held, target = self._held, self._target
        self._held, self._target = [], None
        if not held or target is None:
            return
        self._replaying = True
        try:
            if not isValid(target):
                return  # the field is gone (its draft closed): nothing to type into
            for h in held:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(target, QKeyEvent(kind, h.key, h.modifiers, h.text))
                n = self._releases_to_eat.get(h.key, 0)
                if n:  # its own release may still come from the keyboard: that one passes
                    self._releases_to_eat[h.key] = n - 1
        finally:
            self._replaying = False


__all__ = ["DEFAULT_MAX_GAP_MS", "DEFAULT_MIN_LENGTH", "ScanFilter"]
