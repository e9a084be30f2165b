"""pytest fixtures for the real Medusa server. Import them into a conftest.py:

    from tests.medusa_harness.fixtures import medusa_server, medusa_catalog  # noqa: F401

``medusa_server`` is session-scoped and skips only when ``TILLDESK_SKIP_MEDUSA=1``; any failure to
start is an error, so a broken harness can never pass as a skip.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest

from .seed import SeedResult, seed_catalog
from .server import SKIP_ENV, MedusaServer

# Several conftest files (and test modules) may import these fixtures; pytest then registers one
# fixture definition per importer, each with its own session cache. The process-wide handle below
# makes them all share one server, started on first use and stopped when the last user is done.
_lock = threading.Lock()
_server: MedusaServer | None = None
_users = 0
_catalog: SeedResult | None = None


def _acquire() -> MedusaServer:
    global _server, _users
    with _lock:
        if _server is None:
            _server = MedusaServer().start()
        _users += 1
        return _server


def _release() -> None:
    global _server, _users, _catalog
    with _lock:
        _users -= 1
        if _users <= 0 and _server is not None:
            try:
                _server.stop()
            finally:
                _server = None
                _catalog = None
                _users = 0


def skip_if_disabled() -> None:
    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"{SKIP_ENV}=1: the real Medusa server is disabled")


@pytest.fixture(scope="session")
def medusa_server() -> Iterator[MedusaServer]:
    """A running Medusa 2.21.2 on 127.0.0.1 with an admin JWT and a secret API key."""
    skip_if_disabled()
    server = _acquire()
    try:
        yield server
    finally:
        _release()


@pytest.fixture(scope="session")
def medusa_catalog(medusa_server: MedusaServer) -> SeedResult:
    """A small seeded catalog (10 products x 3 variants, customers, promotions), once per session."""
    global _catalog
    with _lock:
        if _catalog is None:
            _catalog = seed_catalog(medusa_server.base_url, medusa_server.jwt)
        return _catalog


__all__ = ["medusa_catalog", "medusa_server", "skip_if_disabled"]
