"""The sync loop without Qt: ``SyncRunner.run_once()`` does one round (push, then pull), and
``SyncWorker`` runs rounds on a background thread every ``interval`` seconds or when nudged.

The window wraps ``SyncWorker`` (or calls ``run_once`` from its own QThread) and turns the
listener callbacks into signals. Callbacks run on the worker thread: a listener must not touch
widgets directly. Offline is a state, not an error: after a few transient failures in a row the
``OnlineMonitor`` says offline, and the server is then probed with growing pauses instead of
every round.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from app.sync.backoff import OnlineMonitor
from app.sync.config import DEFAULT_KIND, BackendConfig
from app.sync.engine import PushEngine, PushResult
from app.sync.errors import BackendError
from app.sync.line import LineMeter, MeteredBackend, MeteredCatalog, RetryPolicy, RetrySettingError, push_round
from app.sync.parallel import check_concurrency, push_concurrency, push_round_parallel
from app.sync.ports import Backend, CatalogSource
from app.sync.pull import CatalogPuller, PullProgress, PullReport, PullSettingError, page_size_from_settings
from app.sync.registry import open_backend
from app.sync.secrets import require_api_key
from app.sync.store import SyncStore, utcnow
from app.sync.tills import ensure_claim

__all__ = ["SyncStatus", "SyncRunner", "SyncWorker", "RoundReport", "backend_from_settings", "BACKEND_URL_KEY",
           "BACKEND_KIND_KEY"]

log = logging.getLogger(__name__)

BACKEND_URL_KEY = "backend_url"
BACKEND_KIND_KEY = "backend_kind"


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows. A new instance is sent to listeners on every change."""

    configured: bool = False
    online: bool | None = None  # None: not tried yet
    running: bool = False
    queued: int = 0  # queued + in progress
    needs_attention: int = 0
    last_sync: datetime | None = None  # last round that reached the server without failing
    last_error: str | None = None
    progress: str | None = None  # "1,200 of 8,000 variants", "7 of 40 sent"
    # This round's push and what the line did (app.sync.line): "poor connection: 7 of 40 sent".
    sent: int = 0  # orders that reached "synced" this round
    to_send: int = 0  # orders that were due when the round began
    answered: int = 0  # requests that got an answer
    lost: int = 0  # requests lost on the line (cut, timed out, 5xx)
    line: str | None = None  # "good", "poor" (some got through, some were lost), "down"; None: not tried


@dataclass
class RoundReport:
    pulled: PullReport | None = None
    pushed: list[PushResult] = field(default_factory=list)
    error: str | None = None
    skipped_offline: bool = False
    answered: int = 0  # requests that got an answer (see app.sync.line.LineMeter)
    lost: int = 0  # requests lost on the line
    retries: int = 0  # in-round retries made

    @property
    def synced(self) -> int:
        return sum(1 for r in self.pushed if r.state == "synced")


def backend_from_settings(store: SyncStore) -> Backend | None:
    """The backend the settings name (its kind from ``backend_kind``), or None when no server is
    configured. An unknown kind raises ``UnknownBackendKind``, which the status shows."""
    url = store.setting(BACKEND_URL_KEY)
    if not url:
        return None
    config = BackendConfig(url=str(url), kind=str(store.setting(BACKEND_KIND_KEY) or DEFAULT_KIND))
    return open_backend(config, require_api_key(config.url))


def _catalog_of(backend: Backend) -> CatalogSource:
    return backend.catalog()


class SyncRunner:
    """One sync round at a time. Owns its backend (and HTTP connection) and its DB sessions."""

    def __init__(self, store: SyncStore, backend_factory: Callable[[], Backend | None] | None = None, *,
                 monitor: OnlineMonitor | None = None, pull_every: float = 300.0, auto_pull: bool = True,
                 auto_push: bool = True,
                 engine_options: dict[str, Any] | None = None,
                 source_factory: Callable[[Backend], CatalogSource] | None = None,
                 monotonic: Callable[[], float] = time.monotonic,
                 retry_policy: RetryPolicy | None = None,
                 push_workers: int | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.store = store
        self.backend_factory = backend_factory or (lambda: backend_from_settings(store))
        self.monitor = monitor or OnlineMonitor()
        self.pull_every = pull_every
        self.auto_pull = auto_pull
        self.auto_push = auto_push
        self.engine_options = engine_options or {}
        self.source_factory = source_factory or _catalog_of
        self.monotonic = monotonic
        self.retry_policy = retry_policy  # None: from the settings (sync_retry.*) at each round
        # Orders pushed at once; None: the sync_push_concurrency setting at each round.
        self.push_workers = None if push_workers is None else check_concurrency(push_workers)
        self.sleep = sleep
        self._backend: Backend | None = None
        self._last_pull: float | None = None
        self._listeners: list[Callable[[SyncStatus], None]] = []
        self._status = SyncStatus()
        self._lock = threading.Lock()

    # -- listeners ---------------------------------------------------------------------------
    def add_listener(self, fn: Callable[[SyncStatus], None]) -> None:
        self._listeners.append(fn)

    @property
    def status(self) -> SyncStatus:
        return self._status

    def _emit(self, **changes: Any) -> None:
        self._status = replace(self._status, **changes)
        for fn in list(self._listeners):
            try:
                fn(self._status)
            except Exception:  # a broken listener must not stop the sync
                log.exception("sync status listener failed")

    def refresh_counts(self) -> SyncStatus:
        counts = self.store.counts()
        self._emit(queued=counts["queued"] + counts["in_progress"], needs_attention=counts["needs_attention"])
        return self._status

    # -- the round -----------------------------------------------------------------------------
    def backend(self) -> Backend | None:
        if self._backend is None:
            self._backend = self.backend_factory()
        return self._backend

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None

    def run_once(self, *, pull: bool | None = None, push: bool | None = None, full_pull: bool = False,
                 progress: Callable[[PullProgress], None] | None = None,
                 stop: Callable[[], bool] | None = None, force: bool = False) -> RoundReport:
        """One round. ``pull=None`` pulls when ``pull_every`` seconds have passed since the last one.
        ``force`` ignores the offline probe pause (the user pressed "Sync now")."""
        with self._lock:
            report = RoundReport()
            self.refresh_counts()
            try:
                backend = self.backend()
                policy = self.retry_policy or RetryPolicy.from_settings(self.store)
                workers = self.push_workers or push_concurrency(self.store)
                page_size = page_size_from_settings(self.store)
            except (BackendError, RetrySettingError, PullSettingError) as exc:
                self._emit(configured=True, last_error=str(exc))
                report.error = str(exc)
                return report
            if backend is None:
                self._emit(configured=False, online=None)
                report.error = "No shop server is configured."
                return report
            now = self.monotonic()
            if not force and not self.monitor.should_probe(now):
                report.skipped_offline = True
                return report
            self._emit(configured=True, running=True, sent=0, to_send=0, answered=0, lost=0)
            if push is None:
                push = self.auto_push
            due_pull = pull if pull is not None else self.auto_pull and (
                self._last_pull is None or now - self._last_pull >= self.pull_every)
            meter = LineMeter(policy, sleep=self.sleep)
            metered = MeteredBackend(backend, meter)
            # Paid orders go before the catalog, and the two halves of a round stand alone: on a
            # line that loses requests, a failed pull must not starve the push (it did when the
            # pull came first and its failure ended the round), nor a failed push the pull.
            failed: list[Exception] = []
            try:
                if push:
                    try:
                        self._push(metered, meter, report, stop, workers)
                    except (_RoundFailed, BackendError) as exc:
                        failed.append(exc)
                if due_pull and not (stop is not None and stop()):
                    try:
                        self._pull(metered, meter, report, full_pull, progress, stop, page_size)
                    except BackendError as exc:
                        failed.append(exc)
                report.answered, report.lost, report.retries = meter.ok, meter.lost, meter.retries
                line = "good" if not meter.lost else ("poor" if meter.ok else "down")
                if not failed:
                    self.monitor.record_success(self.monotonic())
                    self._emit(online=True, last_sync=utcnow(), last_error=None, progress=None, line=line,
                               answered=meter.ok, lost=meter.lost)
                else:
                    self._record_failures(failed, report, meter)
            finally:
                self._emit(running=False)
                self.refresh_counts()
            return report

    def _push(self, backend: Backend, meter: LineMeter, report: RoundReport,
              stop: Callable[[], bool] | None, workers: int = 1) -> None:
        now = self.engine_options.get("clock", utcnow)()
        if self.store.due(now, limit=1):
            # Before anything goes out: this till's code is its own on this server (app/sync/tills.py).
            ensure_claim(self.store, backend)

        def started(n: int) -> None:
            self._emit(to_send=n, sent=0, progress=f"0 of {n} sent" if n else None)

        def one_done(r: PushResult) -> None:
            sent = self._status.sent + (r.state == "synced")
            self._emit(sent=sent, answered=meter.ok, lost=meter.lost,
                       progress=f"{sent} of {self._status.to_send} sent")
            self.refresh_counts()

        def engine(over: Backend) -> PushEngine:
            return PushEngine(self.store, over, **self.engine_options)

        if workers > 1:  # one engine per worker thread, all over the one backend (app.sync.parallel)
            report.pushed = push_round_parallel(engine, backend, meter, workers, stop=stop, on_start=started,
                                                on_result=one_done)
        else:
            report.pushed = push_round(engine(backend), meter, stop=stop, on_start=started, on_result=one_done)
        failures = [r for r in report.pushed if r.transient and r.error]
        if failures:
            raise _RoundFailed(failures[-1].error or "")

    def _pull(self, backend: Backend, meter: LineMeter, report: RoundReport, full: bool,
              progress: Callable[[PullProgress], None] | None, stop: Callable[[], bool] | None,
              page_size: int) -> None:
        def on_progress(p: PullProgress) -> None:
            self._emit(progress=p.message)
            if progress is not None:
                progress(p)
        source = MeteredCatalog(self.source_factory(backend), meter, stop)
        puller = CatalogPuller(self.store, source, page_size=page_size, progress=on_progress, stop=stop)
        report.pulled = puller.pull(full=full)
        self._last_pull = self.monotonic()

    def _record_failures(self, failed: list[Exception], report: RoundReport, meter: LineMeter) -> None:
        """Status after a round where the push, the pull or both failed. When some requests got
        an answer the line is poor, not down: online, with the error and what got through. Only a
        round where nothing got through counts towards offline; a permanent failure (a refused
        key, a bad address) says online with the error."""
        exc = failed[-1]
        message = "; ".join(dict.fromkeys(str(e) for e in failed))
        report.error = message
        transient = [e for e in failed if isinstance(e, _RoundFailed) or getattr(e, "transient", False)]
        if meter.ok:
            self.monitor.record_success(self.monotonic())
            line = "poor" if meter.lost else "good"
            self._emit(online=True, last_error=message, progress=None, line=line, answered=meter.ok,
                       lost=meter.lost)
            return
        went = False
        for e in transient:
            went = self.monitor.record_failure(self.monotonic(), str(e)) or went
        online = self.monitor.online if transient else True
        self._emit(online=online, last_error=message, progress=None, line="down" if transient else None,
                   answered=meter.ok, lost=meter.lost)
        if went:
            log.warning("shop server offline: %s", exc)


class _RoundFailed(Exception):
    pass


class SyncWorker:
    """Runs ``SyncRunner`` rounds on a daemon thread until ``stop()``.

    ``trigger()`` (after Mark Paid, or "Sync now") starts a round at once; otherwise rounds run
    every ``interval`` seconds, or sooner when a backing-off order becomes due.
    """

    def __init__(self, runner: SyncRunner, *, interval: float = 60.0, name: str = "tilldesk-sync") -> None:
        self.runner = runner
        self.interval = interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._force = False
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self.rounds = 0

    def start(self) -> SyncWorker:
        self._thread.start()
        return self

    def trigger(self, *, force: bool = True) -> None:
        self._force = self._force or force
        self._wake.set()

    def stop(self, timeout: float | None = 30.0) -> bool:
        """Ask the loop to end after the order in flight; True when the thread has ended."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        alive = self._thread.is_alive()
        if not alive:
            self.runner.close()
        return not alive

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _sleep_time(self) -> float:
        if not self.runner.monitor.online:
            # Offline: wait for the monitor's next probe, not for orders that are due.
            return max(0.05, min(self.interval, self.runner.monitor.seconds_until_probe(self.runner.monotonic())))
        wait = self.interval
        due = self.runner.store.next_due_at()
        if due is not None:
            wait = min(wait, max(0.05, (due - utcnow()).total_seconds()))
        return wait

    def _loop(self) -> None:
        while not self._stop.is_set():
            force, self._force = self._force, False
            self._wake.clear()
            try:
                self.runner.run_once(stop=self._stop.is_set, force=force)
            except Exception:  # keep the loop alive; the status shows the error
                log.exception("sync round failed")
                self.runner._emit(running=False, last_error="The sync stopped on an unexpected error; see the log.")
            self.rounds += 1
            if self._stop.is_set():
                break
            self._wake.wait(self._sleep_time())
