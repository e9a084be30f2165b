"""The idle lock: no key press, click or wheel for ``minutes`` and the till locks itself.

The clock and the check timer are injected so tests move time by hand instead of waiting."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

ACTIVITY = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                      QEvent.Type.Wheel, QEvent.Type.TouchBegin})


class IdleWatch(QObject):
    idle = Signal()

    def __init__(self, parent: QObject, *, minutes: int, clock: Callable[[], float] = time.monotonic,
                 timer: QTimer | None = None, check_every_ms: int = 15_000) -> None:
        super().__init__(parent)
        self.clock = clock
        self.minutes = minutes
        self.last = clock()
        self.paused = False
        self.timer = timer if timer is not None else QTimer(self)
        self.timer.setInterval(check_every_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        self.touch()

    def touch(self) -> None:
        self.last = self.clock()

    def check(self) -> None:
        if self.paused or self.minutes <= 0:
            return
        if self.clock() - self.last >= self.minutes * 60:
            self.paused = True  # once: the session resumes the watch after the next sign-in
            self.idle.emit()

    def resume(self) -> None:
        self.paused = False
        self.touch()

    def stop(self) -> None:
        self.timer.stop()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:
        if e.type() in ACTIVITY:
            self.last = self.clock()
        return False
