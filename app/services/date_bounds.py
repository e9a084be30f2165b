"""The date bounds of a list or search (`--from`, `--to`, the window's "Paid today"): a local
date is the whole day where the till is. Light on purpose: the command line's quick lists
(app.cli.quick) read the same bounds without loading the services' heavier modules."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from app.domain.errors import InvalidValue

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
                   r"(Z|[+-][0-9]{2}:[0-9]{2})?)?")


def as_utc(v: Any, *, end: bool = False, field: str = "created_from") -> datetime | None:
    """A date or date-time bound; None for no bound. A bound beyond what a date-time can hold
    (9999-12-31 as an end, 0001-01-01 as a start) is no bound at all."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, str):
        text = v.strip()
        try:
            if not _DATE.fullmatch(text):
                raise ValueError
            v = datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)
        except ValueError:
            shown = text if len(text) <= 40 else text[:40] + "…"
            raise InvalidValue(f"{shown!r} is not a date (use YYYY-MM-DD)", field=field) from None
    try:
        if isinstance(v, datetime):
            return v if v.tzinfo else v.astimezone()
        if isinstance(v, date):
            return datetime.combine(v + timedelta(days=1) if end else v, time.min).astimezone()
    except (OverflowError, ValueError):
        return None
    raise InvalidValue("is not a date", field=field)
