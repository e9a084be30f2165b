"""The one clock of the core. Everything that stamps a time asks ``now()``; a test that needs a
fixed time swaps the source with ``use()`` instead of patching datetime in many modules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_now() -> datetime:
    return datetime.now(UTC)


_source: Clock = system_now


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    return _source()


def local_today_start() -> datetime:
    """Midnight today in the till's local timezone (what "today" means to the clerk)."""
    return now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)


@contextmanager
def use(source: Clock) -> Iterator[None]:
    """Run a block with another time source (tests)."""
    global _source
    previous, _source = _source, source
    try:
        yield
    finally:
        _source = previous
