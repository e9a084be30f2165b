"""What every service needs besides the unit of work: a clock and the till's settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol


def utcnow() -> datetime:
    return datetime.now(UTC)


class UnitOfWork(Protocol):
    """The port services declare; app.persistence.uow.SqlUnitOfWork implements it."""

    settings: Any
    counters: Any
    catalog: Any
    drafts: Any
    orders: Any
    outbox: Any
    prints: Any

    def __enter__(self) -> "UnitOfWork": ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...
    def flush(self) -> None: ...


UowFactory = Callable[[], UnitOfWork]
Clock = Callable[[], datetime]
