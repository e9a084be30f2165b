"""Column types SQLite lacks: exact decimals as TEXT and timezone-aware UTC timestamps."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.types import TEXT, TypeDecorator

from app.domain.money import decimal_str


class DecimalText(TypeDecorator[Decimal]):
    """Money stored losslessly as decimal text ('41.0201'), never as a float."""

    impl = TEXT
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money must not be a float")
        return decimal_str(Decimal(value))

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


class UTCDateTime(TypeDecorator[datetime]):
    """ISO-8601 text in UTC; sorts correctly as text and reads back timezone-aware."""

    impl = TEXT
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise TypeError("timestamps must be timezone-aware")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


def _default(o: Any) -> Any:
    if isinstance(o, Decimal):
        return decimal_str(o)
    if isinstance(o, datetime):
        return o.isoformat()
    raise TypeError(f"cannot store {type(o).__name__} as JSON")


class JSONText(TypeDecorator[Any]):
    """JSON with Decimals kept as strings, so nothing goes through float."""

    impl = TEXT
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        return json.dumps(value, default=_default, ensure_ascii=False, sort_keys=True)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return None if value is None else json.loads(value)
