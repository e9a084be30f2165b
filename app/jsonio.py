"""Exact JSON for money: Decimals are written as plain JSON numbers (41.0201, never 41.020100000000001)
and read back as Decimals. Used by the command line and the sync client."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

_MARK = "\u0001D:"
_MARKED = re.compile(r'"\\u0001D:(-?[0-9.]+)\\u0001"')


def _default(o: Any) -> Any:
    if isinstance(o, Decimal):
        if not o.is_finite():
            raise ValueError(f"cannot write the non-finite amount {o!r} as JSON")
        # 'f' never uses an exponent (1E+2 is written 100) and keeps the digits given (12.50).
        return f"{_MARK}{format(o, 'f')}\u0001"
    if isinstance(o, (datetime, date)):
        return o.isoformat()
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    raise TypeError(f"cannot write a {type(o).__name__} as JSON")


def _no_floats(o: Any) -> None:
    if isinstance(o, float):
        raise TypeError(f"float {o!r} in JSON output: amounts must be Decimal")
    if isinstance(o, dict):
        for v in o.values():
            _no_floats(v)
    elif isinstance(o, (list, tuple)):
        for v in o:
            _no_floats(v)


def dumps(obj: Any, *, indent: int | None = None, compact: bool = False) -> str:
    """`compact` drops the spaces after separators (request bodies); `indent` pretty-prints."""
    _no_floats(obj)
    text = json.dumps(obj, default=_default, ensure_ascii=False, indent=indent,
                      separators=(",", ":") if compact else None)
    return _MARKED.sub(r"\1", text)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def loads(data: str | bytes) -> Any:
    """Every fractional number becomes an exact Decimal; NaN and Infinity are refused."""
    return json.loads(data, parse_float=Decimal, parse_constant=_reject_constant)
