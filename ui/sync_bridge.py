"""The window's end of the sync: owns the background ``SyncWorker`` and turns its listener calls
(made on the worker thread) into a Qt signal delivered on the UI thread.

The worker runs whether or not a shop server is configured: an unconfigured round only counts
the outbox and says "not configured", so the status bar learns the queued count the same way in
both cases and picks up a server as soon as one is saved.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from app.bootstrap import App
from app.services.dto import Changes
from app.services.settings import load_settings
from app.sync.facade import UNSYNCED_STATES, Backend, SyncRunner, SyncService, SyncStatus, SyncWorker

from .none_guard import install as _guard_none

_guard_none()  # queued signals from a worker thread (see none_guard)

log = logging.getLogger(__name__)

__all__ = ["SyncBridge", "describe_status", "shorten", "UNSYNCED_STATES"]

# At quit the worker gets this long to finish the order in flight. The step machine records each
# finished step, so a thread cut off after this resumes (or looks the order up) on the next start.
STOP_TIMEOUT = 5.0


def shorten(text: str, limit: int = 48) -> str:
    """The first line of an error, cut at ``limit`` characters: the status bar is narrow."""
    first = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def _orders(n: int) -> str:
    return f"{n} order{'s' if n != 1 else ''}"


def _clock(when: datetime | None) -> str:
    return when.astimezone().strftime("%H:%M") if when is not None else ""


def _poor_tip(s: SyncStatus) -> str:
    tip = (f"The connection to the shop server is poor: {s.answered} request{'s' if s.answered != 1 else ''} "
           f"got through and {s.lost} {'were' if s.lost != 1 else 'was'} lost. Selling goes on; orders keep "
           "going out as requests get through, each exactly once.")
    if s.last_error:
        tip += f"\n\n{s.last_error}"
    return tip


def describe_status(s: SyncStatus) -> tuple[str, str]:
    """(status bar text, tooltip) for a sync status. Offline is a state like any other."""
    attention = f"{_orders(s.needs_attention)} need{'s' if s.needs_attention == 1 else ''} attention" \
        if s.needs_attention else ""
    waiting = s.queued + s.needs_attention
    if not s.configured:
        tip = "Orders are kept on this computer. Set the shop server in Sync › Backend… to send them."
        if waiting:
            tip += f"\n{_orders(waiting)} not yet sent."
        return "Sync not configured", tip
    poor = s.answered > 0 and s.lost > 0  # some requests got through, others were lost
    if s.running and s.progress:
        if poor:
            return f"Poor connection: {s.progress}", _poor_tip(s)
        return f"Syncing · {s.progress}", f"Talking to the shop server: {s.progress}"
    if s.online is not False and s.line == "poor":
        text = "Poor connection" + (f": {s.sent} of {s.to_send} sent" if s.to_send else "")
        if s.queued:
            text += f" · {s.queued} queued"
        return text, _poor_tip(s)
    if s.online is False:
        text = "Offline" + (f" — {_orders(waiting)} waiting" if waiting else "")
        tip = ("The shop server cannot be reached. Selling goes on; orders are kept here and sent "
               "when it is back.")
        if s.last_error:
            tip += f"\n\n{s.last_error}"
        return text, tip
    if s.last_error:
        text = f"Sync problem: {shorten(s.last_error)}"
        tip = s.last_error + (f"\n\n{_orders(waiting)} not yet sent." if waiting else "")
        return text, tip
    if s.online is None:
        return ("Syncing…" if s.running else "Connecting…"), "Contacting the shop server"
    bits = ["Online", f"{s.queued} queued" if s.queued else "all sent"]
    if attention:
        bits.append(attention)
    if s.running:
        bits.append("syncing…")
    elif s.last_sync is not None:
        bits.append(f"last sync {_clock(s.last_sync)}")
    tip = "Connected to the shop server."
    if s.last_sync is not None:
        tip += f" Last successful sync at {_clock(s.last_sync)}."
    return " · ".join(bits), tip


class SyncBridge(QObject):
    """``statusChanged(SyncStatus)`` on the UI thread; ``sync_now()``, ``nudge()``, ``restart()``, ``stop()``."""

    statusChanged = Signal(object)  # SyncStatus
    # Emitted from the worker thread with (generation, status); queued to the UI thread.
    _relay = Signal(object)

    def __init__(self, app: App, parent: QObject | None = None, *,
                 backend_factory: Callable[[], Backend | None] | None = None,
                 interval: float | None = None, autostart: bool = True) -> None:
        super().__init__(parent)
        self.app = app
        self.service = SyncService(app)
        self.status = SyncStatus()
        self.interval = interval
        self._backend_factory = backend_factory
        self._runner_options: dict[str, Any] = {}
        self._worker: SyncWorker | None = None
        self._generation = 0
        self._closed = False
        self._lock = threading.Lock()
        self._relay.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        if autostart:
            self.restart()

    # -- public ------------------------------------------------------------------------------
    @property
    def worker(self) -> SyncWorker | None:
        return self._worker

    @property
    def runner(self) -> SyncRunner | None:
        return self._worker.runner if self._worker is not None else None

    def sync_now(self) -> None:
        """Staff asked: try the server now, even while the offline probe is waiting."""
        if self._worker is not None:
            self._worker.trigger(force=True)

    def nudge(self) -> None:
        """Something was queued: run a round soon. Offline, the round only recounts the outbox
        (``force=False`` keeps the probe pause, so a busy till does not hammer a dead server)."""
        if self._worker is not None:
            self._worker.trigger(force=False)

    def on_changes(self, changes: Changes) -> None:
        if changes.outbox or changes.order_ids:
            self.nudge()

    def restart(self, backend_factory: Callable[[], Backend | None] | None = None, **runner_options: Any) -> None:
        """Start (again) with the current settings, e.g. after the backend was changed. The old
        worker is stopped before the new one starts, on a helper thread: two workers pushing the
        same outbox at once could send an order twice, and stopping may wait for an order in
        flight, which the UI thread must not."""
        if backend_factory is not None:
            self._backend_factory = backend_factory
        if runner_options:
            self._runner_options = runner_options  # tests: auto_pull=False, fast engine backoff
        with self._lock:
            if self._closed:
                return
            old = self._worker
            self._generation += 1
            gen = self._generation
            relay = self._relay

            def listener(status: SyncStatus, gen: int = gen) -> None:
                try:
                    relay.emit((gen, status))
                except RuntimeError:  # the bridge is gone (window closed): nobody to tell
                    pass

            worker = self.service.worker(self._backend_factory, interval=self._interval(), listener=listener,
                                         **self._runner_options)
            self._worker = worker

        if old is None:
            worker.start()
            return

        def swap() -> None:
            old.stop(None)
            with self._lock:
                if gen == self._generation and not self._closed:
                    worker.start()

        threading.Thread(target=swap, name="tilldesk-sync-restart", daemon=True).start()

    def stop(self, timeout: float = STOP_TIMEOUT) -> bool:
        """On quit. True when the worker thread ended in time."""
        with self._lock:
            self._closed = True
            worker, self._worker = self._worker, None
        if worker is None:
            return True
        return worker.stop(timeout)

    def unsynced_count(self) -> int:
        """Orders not yet on the server (a local count, asked at quit)."""
        return self.service.unsynced_count()

    def is_configured(self) -> bool:
        return self._backend_factory is not None or self.service.is_configured()

    # -- internals ---------------------------------------------------------------------------
    def _interval(self) -> float:
        if self.interval is not None:
            return self.interval
        return float(load_settings(self.app.uow()).sync_interval_seconds)

    def _deliver(self, payload: tuple[int, SyncStatus]) -> None:
        gen, status = payload
        if gen != self._generation or self._closed:
            return  # a late word from a worker that was replaced
        self.status = status
        self.statusChanged.emit(status)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<SyncBridge gen={self._generation} status={self.status!r}>"
