"""The one op helper (after Anki's CollectionOp): runs a service call off the UI thread, reports
errors one way, and broadcasts what changed.

Every call builds its own unit of work inside the callable, on the thread that runs it, so a
SQLAlchemy session never crosses threads. Edits go through ONE worker thread in submission
order: two quick edits to the same draft must reach SQLite in the order they were typed.
Read-only look-ups (search-as-you-type) use a second worker so a slow search never holds up an
edit, and only the newest answer for a given channel is delivered.

A service says what it changed (``OpResult``): the runner hands its value to ``success`` and
broadcasts its changes, so no call site writes a change set by hand.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from app.domain.changes import Changes, OpResult
from app.domain.errors import DomainError
from app.domain.permissions import ApprovalRequired

from .none_guard import install as _guard_none

# The relay delivers results (often None) through queued signals, which this PySide6 build
# over-releases on Python 3.11 (see none_guard).
_guard_none()

log = logging.getLogger(__name__)

Success = Callable[[Any], None]
ErrorHandler = Callable[[Exception], bool]  # True: handled (e.g. shown next to a field)
# retry(via): submit the same call again as via(call), e.g. lambda call: app.approved(approval, call)
Retry = Callable[[Callable[[Callable[[], Any]], Any]], None]
# approval_hook(exc, retry): True when it took over (asks a manager, then retries or gives up)
ApprovalHook = Callable[[ApprovalRequired, Retry], bool]


class _Relay(QObject):
    # Emitted from a worker thread; the relay lives on the UI thread, so Qt queues the call there.
    # One tuple, never bare None arguments.
    done = Signal(object)


def _call(fn: Callable[[], Any]) -> tuple[Any, Exception | None]:
    try:
        return fn(), None
    except Exception as e:  # noqa: BLE001 - reported on the UI thread
        if not isinstance(e, DomainError):
            log.error("operation failed\n%s", traceback.format_exc())
        return None, e


def describe_error(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if errors:
        return "\n".join(f"{e.field}: {e.message}" if e.field else e.message for e in errors)
    if isinstance(exc, DomainError):
        return str(exc)
    return f"Something went wrong: {exc}"


class OpRunner(QObject):
    """`run(fn, success=..., error=...)`. With synchronous=True (tests) the call runs inline and
    callbacks fire before run() returns.

    A call that returns an OpResult has its value passed to `success` and its changes broadcast on
    `changed`; the change set always comes from the service, never from the call site."""

    changed = Signal(object)  # Changes
    failed = Signal(str, object)  # message, exception: the window shows it in one consistent way
    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, synchronous: bool = False) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        # Plain Python worker threads: QRunnable subclasses with auto-delete have crashed PySide6
        # with reference-count errors; a Qt signal still brings each result back to the UI thread.
        self._edits = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tilldesk-edit")
        self._queries = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tilldesk-query")
        self._relay = _Relay(self)
        self._relay.done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._pending: dict[int, Callable[[Any, Exception | None], None]] = {}
        self._latest: dict[str, int] = {}
        self._seq = 0
        self.approval_hook: ApprovalHook | None = None  # set by the staff session (ui.staff)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def run(self, fn: Callable[[], Any], *, success: Success | None = None,
            error: ErrorHandler | None = None) -> None:
        self._submit(self._edits, fn, success, error, channel=None)

    def query(self, channel: str, fn: Callable[[], Any], success: Success,
              error: ErrorHandler | None = None) -> None:
        """A read whose answer is wanted only if no newer query on `channel` was asked since."""
        self._submit(self._queries, fn, success, error, channel=channel)

    def wait(self, msecs: int = 10000) -> bool:
        """Block until queued work ran (closing the window, tests of the threaded path)."""
        from PySide6.QtCore import QCoreApplication, QDeadlineTimer

        deadline = QDeadlineTimer(msecs)
        while self._pending and not deadline.hasExpired():
            QCoreApplication.processEvents()
        return not self._pending

    def shutdown(self) -> None:
        self.wait()
        self._edits.shutdown(wait=True)
        self._queries.shutdown(wait=True)

    def _deliver(self, payload: tuple[int, Any, Exception | None]) -> None:
        token, result, exc = payload
        finish = self._pending.pop(token, None)
        if not self._pending:
            self.busyChanged.emit(False)
        if finish is not None:
            finish(result, exc)

    def _submit(self, pool: ThreadPoolExecutor, fn: Callable[[], Any], success: Success | None,
                error: ErrorHandler | None, channel: str | None) -> None:
        self._seq += 1
        token = self._seq
        if channel is not None:
            self._latest[channel] = token

        def finish(result: Any, exc: Exception | None) -> None:
            if channel is not None and self._latest.get(channel) != token:
                return  # a newer question was asked meanwhile
            if exc is not None:
                hook = self.approval_hook
                if isinstance(exc, ApprovalRequired) and channel is None and hook is not None and hook(
                        exc, lambda via: self._submit(pool, lambda: via(fn), success, error, channel)):
                    return
                if error is not None and error(exc):
                    return
                self.failed.emit(describe_error(exc), exc)
                return
            said: Changes | None = None
            if isinstance(result, OpResult):
                result, said = result.value, result.changes
            if success is not None:
                success(result)
            if said:
                self.changed.emit(said)

        if self.synchronous:
            finish(*_call(fn))
            return

        if not self._pending:
            self.busyChanged.emit(True)
        self._pending[token] = finish
        relay = self._relay
        pool.submit(lambda: relay.done.emit((token, *_call(fn))))
