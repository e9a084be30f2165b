"""The slim rows of the left-hand list and `order list`: the few columns a list shows, read in
one query for a whole page, instead of every listed order's draft, lines and customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class OrderListRow:
    id: str
    display_id: int
    status: str
    customer_name: str
    email: str | None
    phone: str | None
    total: Decimal
    currency_code: str
    created_at: datetime | None
    invoice_number: str | None
    payment_status: str | None
    item_count: int


def full_name(first: str | None, last: str | None) -> str:
    return " ".join(p for p in (first, last) if p)


def display_name(customer: str | None, billing: str | None, shipping: str | None, email: str | None) -> str:
    """Who a draft or order is for: the customer's name, else the billing then the shipping
    address's name, else the email (services.dto_builders.customer_name uses it too)."""
    for name in (customer, billing, shipping):
        if name:
            return name
    return email or ""
