"""Exact money: Decimal only, unrounded like Medusa v2, rounded only where money changes hands.

Medusa keeps totals unrounded (41.0201 is a real total). We do the same and round only when an
amount is due, tendered or printed, with one named rule per currency.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from typing import Final, ParamSpec, TypeVar

from .errors import InvalidValue

P = ParamSpec("P")
R = TypeVar("R")

# Medusa's bignumber.js adds, subtracts and multiplies exactly and rounds only divisions (to 20
# places after the point, half up). A 200-digit context keeps our sums and products exact too.
MONEY_CONTEXT: Final = Context(prec=200, rounding=ROUND_HALF_UP)
DIV_PLACES: Final = 20

ZERO: Final = Decimal(0)

# ISO 4217 minor units for the currencies a shop is likely to meet; anything else has 2.
_MINOR_UNITS: Final[dict[str, int]] = {
    "bhd": 3, "clp": 0, "isk": 0, "jod": 3, "jpy": 0, "krw": 0, "kwd": 3, "omr": 3,
    "pyg": 0, "tnd": 3, "ugx": 0, "vnd": 0, "xaf": 0, "xof": 0, "huf": 2,
}

# The rounding rule per currency: commercial rounding (half away from zero) everywhere for now.
# Cash rounding (e.g. CHF to 0.05) would be added here as a named rule, not sprinkled through code.
ROUNDING_RULE: Final = ROUND_HALF_UP

MAX_AMOUNT: Final = Decimal("1000000000")  # a billion in any currency is a typing error at a till


def minor_units(currency_code: str) -> int:
    return _MINOR_UNITS.get(currency_code.lower(), 2)


def to_decimal(value: object, *, field: str = "amount") -> Decimal:
    """Turn user or wire input into a finite Decimal; floats are refused (they are already inexact)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise InvalidValue("must be given as a decimal string or integer, not a float", field=field)
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidValue(f"{value!r} is not a number", field=field) from None
    else:
        raise InvalidValue(f"{value!r} is not a number", field=field)
    if not result.is_finite():
        raise InvalidValue("must be a finite number", field=field)
    if abs(result) >= MAX_AMOUNT:
        raise InvalidValue("is implausibly large", field=field)
    return result


def round_money(amount: Decimal, currency_code: str) -> Decimal:
    """Round to the currency's minor unit with its named rule: where money changes hands."""
    exp = Decimal(1).scaleb(-minor_units(currency_code))
    with localcontext(MONEY_CONTEXT):
        return amount.quantize(exp, rounding=ROUNDING_RULE)


def normalize(amount: Decimal) -> Decimal:
    """Drop trailing zeros without ever switching to exponent notation (41.0201, 12.5, 3)."""
    if amount == 0:
        return ZERO
    n = amount.normalize(MONEY_CONTEXT)
    if n.as_tuple().exponent > 0:  # type: ignore[operator]
        n = n.quantize(Decimal(1), context=MONEY_CONTEXT)  # 28 digits would raise on large whole amounts
    return n


def decimal_str(amount: Decimal) -> str:
    """Plain decimal text for storage and JSON: no exponent, no float noise."""
    return format(normalize(amount), "f")


def money_str(amount: Decimal, currency_code: str) -> str:
    """The amount as it is shown and paid: rounded to minor units (e.g. '41.02')."""
    return format(round_money(amount, currency_code), "f")


def exact(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a whole computation in the exact context: a bare `a + b` elsewhere would round at 28 digits."""
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with localcontext(MONEY_CONTEXT):
            return fn(*args, **kwargs)
    return wrapper


def mul(a: Decimal, b: Decimal) -> Decimal:
    with localcontext(MONEY_CONTEXT):
        return a * b


def div(a: Decimal, b: Decimal) -> Decimal:
    """bignumber.js `dividedBy` with DECIMAL_PLACES 20 and ROUND_HALF_UP, rounded once, exactly:
    dividing at a context precision and then quantizing would round twice."""
    with localcontext(MONEY_CONTEXT):
        n = a.scaleb(DIV_PLACES)
        q, r = divmod(n, b)
        if 2 * abs(r) >= abs(b):
            q += 1 if (n < 0) == (b < 0) else -1
        return q.scaleb(-DIV_PLACES)


def sig20(x: Decimal) -> Decimal:
    """What Medusa stores and returns as `raw_*`: 20 significant digits, half up."""
    if x == 0:
        return ZERO
    with localcontext(Context(prec=20, rounding=ROUND_HALF_UP)):
        return +x


def dsum(values) -> Decimal:  # type: ignore[no-untyped-def]
    with localcontext(MONEY_CONTEXT):
        total = ZERO
        for v in values:
            total += v
        return total
