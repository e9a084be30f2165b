"""pytest fixtures for the real Medusa v1 server. Import them into a conftest.py:

    from tests.medusa_v1_harness.fixtures import medusa_v1_server, medusa_v1_catalog  # noqa: F401

``medusa_v1_server`` is session-scoped (one server per run, stopped at the end) and skips only
when ``TILLDESK_SKIP_MEDUSA=1``; a failure to start is an error, never a skip.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from tests.medusa_harness.fixtures import skip_if_disabled

from .seed import SeedV1, seed_v1
from .server import MedusaV1Server

_lock = threading.Lock()
_server: MedusaV1Server | None = None
_users = 0
_catalog: SeedV1 | None = None


def _acquire() -> MedusaV1Server:
    global _server, _users
    with _lock:
        if _server is None:
            _server = MedusaV1Server().start()
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


@pytest.fixture(scope="session")
def medusa_v1_server() -> Iterator[MedusaV1Server]:
    """A running Medusa 1.20.11 on 127.0.0.1 with an admin API token."""
    skip_if_disabled()
    server = _acquire()
    try:
        yield server
    finally:
        _release()


@pytest.fixture(scope="session")
def medusa_v1_catalog(medusa_v1_server: MedusaV1Server) -> SeedV1:
    """USD and tax-inclusive EUR regions, shipping options, products, discounts, customers."""
    global _catalog
    with _lock:
        if _catalog is None:
            _catalog = seed_v1(medusa_v1_server.base_url, medusa_v1_server.api_token)
        return _catalog


__all__ = ["medusa_v1_catalog", "medusa_v1_server"]
