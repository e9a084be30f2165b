"""How money and statuses read in the window. Amounts are rounded only for display, with the
currency's own rule (app.domain.money), never through float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pycountry
from babel.numbers import format_currency

from app.domain.address import Address
from app.domain.address_format import PostalAddress, address_lines
from app.domain.money import round_money
from app.printing.phones import format_phone


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


_PAYMENT = {"captured": "Paid", "awaiting": "Awaiting payment", "not_paid": "Not paid",
            "partially_refunded": "Partly refunded", "refunded": "Refunded", "canceled": "Payment cancelled"}
_FULFILLMENT = {"not_fulfilled": "not yet fulfilled", "partially_fulfilled": "partly fulfilled",
                "fulfilled": "fulfilled", "partially_shipped": "partly shipped", "shipped": "shipped",
                "partially_returned": "partly returned", "returned": "returned", "canceled": "fulfilment cancelled"}
_DRAFT = {"open": "Open", "completed": "Paid", "canceled": "Cancelled"}


def order_state_text(status: str | None, payment_status: str | None = None,
                     fulfillment_status: str | None = None) -> str:
    """An order's state as a clerk says it ('Paid · not yet fulfilled', 'Cancelled', 'Refunded'),
    from Medusa's three values, which stay as they are in the data and the command line."""
    s, p, f = status or "", payment_status or "", fulfillment_status or ""
    if s == "canceled":
        return "Cancelled · refunded" if p == "refunded" else "Cancelled"
    if s == "archived":
        return "Archived"
    if s == "requires_action":
        return "Needs attention"
    if p == "refunded":
        return "Refunded"
    paid = _PAYMENT.get(p, status_text(p)) if p else ""
    if s == "completed":
        return " · ".join(x for x in (paid, "completed") if x)
    goods = _FULFILLMENT.get(f, status_text(f).lower()) if f else ""
    return " · ".join(x for x in (paid, goods) if x) or status_text(s)


def draft_state_text(status: str | None) -> str:
    """'Open', 'Paid' (the draft became an order), 'Cancelled'."""
    return _DRAFT.get(status or "", status_text(status))


def phone_text(raw: str | None, home_country: str | None) -> str:
    """A stored phone as people read it: national for the shop's country, international otherwise."""
    return format_phone(raw, home_country)


def address_text(a: Address | None, home_country: str | None = None, *, phone: bool = True) -> str:
    """An address in its country's format (app.domain.address_format), as the invoice prints it."""
    if a is None:
        return "—"
    lines = address_lines(PostalAddress(
        name=a.full_name, company=a.company or "", street=tuple(x for x in (a.address_1, a.address_2) if x),
        city=a.city or "", postal_code=a.postal_code or "", province=a.province or "",
        province_name=province_name(a.province), country_code=a.country_code or "",
        country_name=country_name(a.country_code)))
    shown = [*lines, phone_text(a.phone, home_country) if phone else ""]
    return "\n".join(x for x in shown if x) or "—"


def province_name(code: str | None) -> str:
    """'New York' for 'us-ny'; text that is no subdivision code comes back unchanged."""
    if not code:
        return ""
    sub = pycountry.subdivisions.get(code=code.upper()) if "-" in code else None
    return str(sub.name) if sub is not None else code


def country_name(code: str | None) -> str:
    country = pycountry.countries.get(alpha_2=code.upper()) if code else None
    return str(getattr(country, "name", "")) if country else ""
