"""The till's settings: one JSON value per key."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from .. import rows as r
from ._base import SqlRepository


class SqlSettingsRepository(SqlRepository):
    def get(self, key: str, default: Any = None) -> Any:
        row = self.s.get(r.SettingRow, key)
        return default if row is None else row.value

    def all(self) -> dict[str, Any]:
        return {row.key: row.value for row in self.s.scalars(select(r.SettingRow))}

    def set(self, key: str, value: Any) -> None:
        self.log.settings()
        row = self.s.get(r.SettingRow, key)
        if value is None:  # the column is NOT NULL; an absent row reads back as None (the default)
            if row is not None:
                self.s.delete(row)
            return
        if row is None:
            self.s.add(r.SettingRow(key=key, value=value))
        else:
            row.value = value
