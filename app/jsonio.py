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


# Deeper than any body Tilldesk reads (an address's metadata is at depth 4); JSON nested deeper is
# refused before it reaches code that recurses over it.
MAX_DEPTH = 32
# A number beyond 10**±MAX_EXPONENT is no amount, quantity or id: refuse it instead of failing
# later where it is stored or printed.
MAX_EXPONENT = 30


def _number(text: str) -> Decimal:
    d = Decimal(text)
    if d and abs(d.adjusted()) > MAX_EXPONENT:
        shown = text if len(text) <= 20 else text[:20] + "…"
        raise ValueError(f"the number {shown} is out of range")
    return d


def _check(obj: Any) -> None:
    """Refuse nesting deeper than MAX_DEPTH and text that is not valid Unicode (a lone
    surrogate such as \\ud800 cannot be stored or printed). Iterative, so it cannot recurse."""
    stack: list[tuple[Any, int]] = [(obj, 1)]
    while stack:
        o, depth = stack.pop()
        if isinstance(o, str):
            try:
                o.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("text holds a lone surrogate (an invalid \\uD800-\\uDFFF escape)") from None
        elif isinstance(o, (dict, list)):
            if depth > MAX_DEPTH:
                raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
            items = [*o.keys(), *o.values()] if isinstance(o, dict) else o
            stack.extend((x, depth + 1) for x in items)


def loads(data: str | bytes) -> Any:
    """Every fractional number becomes an exact Decimal; NaN and Infinity are refused, and so are
    nesting deeper than MAX_DEPTH, lone surrogates and numbers beyond 10**MAX_EXPONENT
    (ValueError)."""
    try:
        obj = json.loads(data, parse_float=_number, parse_constant=_reject_constant)
    except RecursionError:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels") from None
    _check(obj)
    return obj
