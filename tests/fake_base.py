"""What every in-memory repository of tests/fake_uow.py shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.domain.changes import ChangeLog
from app.domain.errors import NotFound

if TYPE_CHECKING:
    from tests.fake_uow import _State


class _Repo:
    def __init__(self, st: _State, log: ChangeLog) -> None:
        self.st = st
        self.log = log


def _get(table: dict[str, Any], key: str, message: str, field_name: str) -> Any:
    if key not in table:
        raise NotFound(message, field=field_name)
    return table[key]
