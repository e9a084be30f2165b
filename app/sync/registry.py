"""Which package talks to which kind of shop server (like Picard's plugin registries).

A backend registers a factory under its kind; the till's ``backend_kind`` setting picks one
(``"medusa-v2"`` when unset). Adding a server kind is one new package under ``app/sync/`` and
one line in :data:`_BUILTIN`. Factories are imported on first use, so a till never loads the
HTTP client of a server it does not talk to.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.sync.config import DEFAULT_KIND, BackendConfig
from app.sync.errors import UnknownBackendKind
from app.sync.ports import Backend

if TYPE_CHECKING:  # httpx loads with a backend's package, not with the window
    import httpx

__all__ = ["BackendFactory", "register", "kinds", "open_backend", "DEFAULT_KIND"]

#: ``factory(config, api_key, transport=None) -> Backend``
BackendFactory = Callable[..., Backend]

#: kind -> "module:function" of its factory.
_BUILTIN: dict[str, str] = {
    "medusa-v2": "app.sync.medusa_v2.backend:open_backend",
    "medusa-v1": "app.sync.medusa_v1.backend:open_backend",
}
_factories: dict[str, BackendFactory | str] = dict(_BUILTIN)


def register(kind: str, factory: BackendFactory | str) -> None:
    """Make ``kind`` available; ``factory`` may be ``"module:function"`` to import lazily."""
    _factories[kind] = factory


def kinds() -> tuple[str, ...]:
    return tuple(sorted(_factories))


def _factory(kind: str) -> BackendFactory:
    found = _factories.get(kind)
    if found is None:
        raise UnknownBackendKind(
            f"This Tilldesk cannot talk to a shop server of kind {kind!r}. "
            f"Known kinds: {', '.join(kinds())}. Check the backend settings.",
            detail=f"backend_kind={kind!r}",
        )
    if isinstance(found, str):
        module, _, name = found.partition(":")
        loaded: BackendFactory = getattr(importlib.import_module(module), name)
        _factories[kind] = found = loaded
    return found


def open_backend(config: BackendConfig, api_key: str, *,
                 transport: httpx.BaseTransport | None = None) -> Backend:
    """The backend for ``config.kind``. ``transport`` is for tests (``httpx.MockTransport``)."""
    return _factory(config.kind)(config, api_key, transport=transport)
