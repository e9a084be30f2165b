"""The window's one door into the sync: status, the outbox queue, Retry and Discard, the backend
settings and their test, and the background worker.

``ui/`` imports this module only (plus the plain types it re-exports), so the sync's inner
modules (engine, pull, registry, a backend's package) can change without touching a widget.
Everything here is Qt-free; the window's bridge turns the worker's callbacks into signals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.bootstrap import App
from app.domain.changes import Changes, OpResult
from app.sync import secrets
from app.sync.backoff import OnlineMonitor
from app.sync.config import DEFAULT_KIND, BackendConfig, normalize_base_url
from app.sync.engine import STEP_NAMES, STEPS, discard, retry
from app.sync.errors import BackendError, NoKeyringAvailable
from app.sync.ports import Backend
from app.sync.registry import open_backend
from app.sync.store import OutboxEntry, SyncStore
from app.sync.worker import BACKEND_KIND_KEY, BACKEND_URL_KEY, SyncRunner, SyncStatus, SyncWorker

__all__ = [
    "SyncService", "SyncStatus", "SyncRunner", "SyncWorker", "OutboxEntry", "Backend", "BackendError",
    "NoKeyringAvailable",
    "STEPS", "STEP_NAMES", "UNSYNCED_STATES", "API_KEY_ENV_VAR", "normalize_base_url", "connection_message",
    "api_key_source", "store_api_key", "NO_KEYRING_TEXT", "backend_kinds",
]

UNSYNCED_STATES = ("queued", "in_progress", "needs_attention")
API_KEY_ENV_VAR = secrets.ENV_VAR
NO_KEYRING_TEXT = (
    "This computer has no keyring, so Tilldesk cannot store the API key safely (it never writes "
    f"it to a file). Set the environment variable {secrets.ENV_VAR} to the key before starting "
    "Tilldesk, leave the key field empty and save the address."
)

BackendFactory = Callable[[], Backend | None]

_KIND_LABELS = {"medusa-v2": "Medusa v2", "medusa-v1": "Medusa v1"}


def backend_kinds() -> list[tuple[str, str]]:
    """The server kinds this Tilldesk can talk to, as (kind, label), the default first."""
    from app.sync.registry import kinds

    known = sorted(kinds(), key=lambda k: (k != DEFAULT_KIND, k != "medusa-v2", k))
    return [(k, _KIND_LABELS.get(k, k)) for k in known]


class SyncService:
    """The sync as the window sees it. Each call opens its own units of work (thread-safe)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.store = SyncStore(app.uow)

    # -- the queue ---------------------------------------------------------------------------
    def entries(self) -> list[OutboxEntry]:
        return self.store.entries()

    def queue(self, include_done: bool, done_limit: int) -> list[OutboxEntry]:
        """Unsynced orders first (they need the eye), then the newest ``done_limit`` of the rest."""
        entries = self.store.entries()
        open_ = [e for e in entries if e.state in UNSYNCED_STATES]
        if not include_done:
            return open_
        done = [e for e in entries if e.state not in UNSYNCED_STATES]
        done.sort(key=lambda e: e.updated_at, reverse=True)
        return open_ + done[:done_limit]

    def unsynced_count(self) -> int:
        counts = self.store.counts()
        return sum(counts[s] for s in UNSYNCED_STATES)

    def retry(self, outbox_id: str) -> OpResult[OutboxEntry]:
        return _changed(retry(self.store, outbox_id))

    def discard(self, outbox_id: str) -> OpResult[OutboxEntry]:
        return _changed(discard(self.store, outbox_id))

    # -- the backend settings ----------------------------------------------------------------
    def is_configured(self) -> bool:
        return bool(self.store.setting(BACKEND_URL_KEY))

    def backend_kind(self) -> str:
        return str(self.store.setting(BACKEND_KIND_KEY) or DEFAULT_KIND)

    # -- the worker --------------------------------------------------------------------------
    def worker(self, backend_factory: BackendFactory | None, *, interval: float,
               listener: Callable[[SyncStatus], None], **runner_options: Any) -> SyncWorker:
        """A worker (not started) whose rounds report to ``listener`` on the worker thread."""
        # One failed round already counts as offline: rounds are minutes apart, so the default
        # three-in-a-row would leave "online" showing for a long time with the server gone.
        # Once offline, the monitor spaces its probes, so a dead server is still not hammered.
        options: dict[str, Any] = {"monitor": OnlineMonitor(failure_threshold=1), **runner_options}
        runner = SyncRunner(self.store, backend_factory, **options)
        runner.add_listener(listener)
        return SyncWorker(runner, interval=interval)


def api_key_source(url: str) -> str:
    """``"environment"``, ``"keyring"`` or ``"none"``, for the settings dialog to explain itself."""
    return secrets.api_key_source(url)


def store_api_key(url: str, key: str) -> None:
    """Into the OS keyring only; raises ``NoKeyringAvailable`` where there is none."""
    secrets.set_api_key(url, key)


def connection_message(url: str, typed_key: str, kind: str = DEFAULT_KIND, app: App | None = None) -> str:
    """Runs off the UI thread: the plain-words answer of the server at ``url``; with ``app``, also
    whether another till already holds this till's code there (app/sync/tills.py)."""
    try:
        config = BackendConfig(url=url, kind=kind)
    except Exception as exc:  # noqa: BLE001 - pydantic wraps the URL check's ValueError
        return _url_error(exc)
    try:
        key = typed_key or secrets.get_api_key(config.url)
    except NoKeyringAvailable:
        return NO_KEYRING_TEXT
    except BackendError as exc:
        return str(exc)
    if not key:
        return f"No API key yet: enter it above (or set {secrets.ENV_VAR})."
    try:
        backend = open_backend(config, key)
    except BackendError as exc:
        return str(exc)
    try:
        check = backend.check_connection()
        if check.ok and app is not None:
            from app.sync.tills import check_code_free

            refusal = check_code_free(SyncStore(app.uow), backend)
            if refusal:
                return f"Connected, but this till cannot send orders there: {refusal}"
        return check.message
    except BackendError as exc:
        return str(exc)
    finally:
        backend.close()


def _url_error(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        msgs = [str(e.get("msg", "")).removeprefix("Value error, ") for e in errors()]
        return " ".join(m for m in msgs if m) or str(exc)
    return str(exc)


def _changed(entry: OutboxEntry) -> OpResult[OutboxEntry]:
    """Retry and Discard change one outbox entry and what its order shows, as services report."""
    return OpResult(entry, Changes(order_ids=(entry.order_id,), outbox=True))
