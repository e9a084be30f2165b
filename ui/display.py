"""How money and statuses read in the window. Amounts are rounded only for display, with the
currency's own rule (app.domain.money), never through float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency

from app.domain.money import round_money


def money(amount: Decimal | None, currency_code: str, locale: str = "en_US") -> str:
    if amount is None:
        return ""
    return format_currency(round_money(amount, currency_code), currency_code.upper(), locale=locale)


def parse_amount(text: str) -> Decimal | None:
    """What a person types as an amount ('12', '12.5', '1,234.50', '$3'): None when it is not one."""
    t = text.strip().replace(",", "").lstrip("$€£").strip()
    if not t:
        return None
    try:
        d = Decimal(t)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def status_text(status: str | None) -> str:
    return (status or "").replace("_", " ").capitalize()
