"""The commands' base and their shared field types, and the list query: what a search or a list
needs without the heavier validators (emails, phone numbers, countries) of app.services.commands."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from app.domain.draft_order import MAX_QUANTITY

_ASCII_AMOUNT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_ASCII_INT = re.compile(r"-?[0-9]+")


def _quoted(v: str) -> str:
    return repr(v if len(v) <= 60 else v[:60] + "…")


def _ascii_amount(v: Any) -> Any:
    """Money as a number or as text of ASCII digits: no `true`, no `1_000`, no Arabic-Indic or
    full-width digits, no no-break space (pydantic alone would take all of them)."""
    if isinstance(v, bool):
        raise ValueError("must be an amount, not true or false")
    if isinstance(v, str) and not _ASCII_AMOUNT.fullmatch(v.strip(" ")):
        raise ValueError(f"{_quoted(v)} is not an amount (use ASCII digits, e.g. 12.50)")
    return v


def _ascii_int(v: Any) -> Any:
    if isinstance(v, bool):
        raise ValueError("must be a whole number, not true or false")
    if isinstance(v, str) and not _ASCII_INT.fullmatch(v.strip(" ")):
        raise ValueError(f"{_quoted(v)} is not a whole number (use ASCII digits)")
    if isinstance(v, Decimal) and v == v.to_integral_value() and v.is_finite():
        return int(v)
    return v


Amount = Annotated[Decimal, BeforeValidator(_ascii_amount), Field(ge=0, lt=Decimal(10**9), allow_inf_nan=False)]
PositiveAmount = Annotated[Decimal, BeforeValidator(_ascii_amount),
                           Field(gt=0, lt=Decimal(10**9), allow_inf_nan=False)]
Quantity = Annotated[int, BeforeValidator(_ascii_int), Field(ge=1, le=MAX_QUANTITY)]
Text = Annotated[str, Field(max_length=500)]

# Deeper than any command body nests (an address's metadata is at depth 4).
MAX_DEPTH = 32
# Numbers beyond 10**±MAX_EXPONENT are no amount, quantity or id; in metadata they cannot be stored.
MAX_EXPONENT = 30


def check_plain(data: Any) -> None:
    """Refuse, naming the field, what cannot be stored or printed whatever its field: text with a
    lone surrogate, a number that is not finite or is beyond 10**30, nesting deeper than 32.
    Iterative, so hostile nesting cannot exhaust the stack."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        o, path, depth = stack.pop()
        where = f"{path}: " if path else ""
        if isinstance(o, str):
            try:
                o.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError(f"{where}text holds a lone surrogate (an invalid \\uD800-\\uDFFF escape)") from None
        elif isinstance(o, (Decimal, float)) and not isinstance(o, bool):
            d = Decimal(o) if isinstance(o, float) else o
            if not d.is_finite() or (d and abs(d.adjusted()) > MAX_EXPONENT):
                raise ValueError(f"{where}the number is out of range")
        elif isinstance(o, int) and not isinstance(o, bool):
            if o and len(str(abs(o))) > MAX_EXPONENT + 1:
                raise ValueError(f"{where}the number is out of range")
        elif isinstance(o, (dict, list, tuple)):
            if depth >= MAX_DEPTH:
                raise ValueError(f"{where}nested deeper than {MAX_DEPTH} levels")
            pairs = o.items() if isinstance(o, dict) else enumerate(o)
            for k, v in pairs:
                check_plain_key(k, path)
                stack.append((v, f"{path}.{k}" if path else str(k), depth + 1))


def check_plain_key(key: Any, path: str) -> None:
    if isinstance(key, str):
        try:
            key.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"{path + ': ' if path else ''}a key holds a lone surrogate") from None


class Command(BaseModel):
    # str_max_length: no text field needs more, and a message never quotes a megabyte back.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True, str_max_length=1000,
                              defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _plain(cls, data: Any) -> Any:
        check_plain(data)
        return data


class OrderQuery(Command):
    q: str | None = None
    status: list[str] | None = None
    created_from: Any = None  # datetime or date; inclusive
    created_to: Any = None  # exclusive
    limit: Annotated[int, BeforeValidator(_ascii_int), Field(ge=1, le=1000)] = 100
    offset: Annotated[int, BeforeValidator(_ascii_int), Field(ge=0, le=10**9)] = 0
    sync_state: list[str] | None = None
