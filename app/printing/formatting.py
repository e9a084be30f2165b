"""Locale-aware text for amounts, rates and dates, shared by the PDF and ESC/POS renderers."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_percent, get_currency_precision

# babel quantizes with the decimal context (half-even: 0.125 prints as 0.12). A printed amount
# must match what a cashier computes by hand, so round half-up to the currency's digits first.
PRINT_ROUNDING = ROUND_HALF_UP


def round_for_print(amount: Decimal, currency_code: str) -> Decimal:
    """`amount` rounded half-up to the currency's minor unit (2 for EUR, 0 for JPY)."""
    exponent = Decimal(1).scaleb(-get_currency_precision(currency_code.upper()))
    return amount.quantize(exponent, rounding=PRINT_ROUNDING)


def format_money(amount: Decimal, currency_code: str, locale: str) -> str:
    """'€1,234.50' (en_US), '1.234,50 €' (de_DE); no-break spaces kept as babel writes them."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"amount must be a Decimal, got {type(amount).__name__}")
    return _money(str(round_for_print(amount, currency_code)), currency_code.upper(), locale)


# babel formats one amount in about 0.3 ms, and an invoice prints the same few amounts (unit
# prices, totals) many times, over and over across sales. Keyed by the Decimal's text, not the
# Decimal: 1.5 and 1.50 are equal (and hash alike) but need not print alike.
@lru_cache(maxsize=4096)
def _money(amount: str, currency_code: str, locale: str) -> str:
    return format_currency(Decimal(amount), currency_code, locale=locale)


@lru_cache(maxsize=4096)
def _unit_money(amount: str, currency_code: str, locale: str) -> str:
    return format_currency(Decimal(amount), currency_code, locale=locale, decimal_quantization=False)


@lru_cache(maxsize=512)
def _percent(rate: str, locale: str) -> str:
    return format_percent(Decimal(rate) / 100, locale=locale, decimal_quantization=False)


def format_unit_price(amount: Decimal, currency_code: str, locale: str) -> str:
    """A unit price with every digit it has beyond the minor unit ('$0.333'), never fewer than
    the currency's: quantity x the printed unit price then rounds to the printed line amount."""
    from app.domain.printed import shown_unit_price

    shown = shown_unit_price(amount, currency_code)
    return _unit_money(str(shown), currency_code.upper(), locale)


def format_rate(rate: Decimal, locale: str) -> str:
    """A tax percentage (Decimal('7.5') means 7.5 %) in the locale's style: '7.5%', '7,5 %'."""
    return _percent(str(rate), locale)


def format_day(moment: dt.datetime | dt.date, locale: str) -> str:
    """The calendar day in the locale's medium style ('Mar 1, 2026', '01.03.2026')."""
    return format_date(moment, format="medium", locale=locale)


def format_moment(moment: dt.datetime, locale: str) -> str:
    """Day and wall-clock time as given (no time-zone conversion), e.g. '3/1/26, 2:05 PM'."""
    if moment.tzinfo is not None:
        moment = moment.replace(tzinfo=None)  # babel would otherwise shift to its default zone
    return format_datetime(moment, format="short", locale=locale)


__all__ = ["PRINT_ROUNDING", "format_day", "format_moment", "format_money", "format_rate", "format_unit_price",
           "round_for_print"]
