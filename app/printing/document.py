"""The one document model that every invoice and receipt renderer reads.

Plain frozen dataclasses, checked at construction so a renderer never meets a float amount, a
negative quantity or an unknown locale halfway through a print job. Money is `Decimal` and may be
unrounded (Medusa keeps totals like 41.0201); renderers round only when they print.
Credit notes and refunds are not modelled: every amount here is zero or positive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.numbers import is_currency

from app.domain.address_format import PostalAddress, address_lines

TenderKind = Literal["cash", "card", "other", "exchange_credit"]
TENDER_KINDS: frozenset[str] = frozenset({"cash", "card", "other", "exchange_credit"})


class InvalidDocumentError(ValueError):
    """A document field holds a value no renderer should print; the message names the field."""


def _check_money(owner: object, name: str, value: object, *, optional: bool = False) -> None:
    where = f"{type(owner).__name__}.{name}"
    if value is None and optional:
        return
    # bool is an int subclass and float is inexact: both are always a bug upstream.
    if isinstance(value, float):
        raise InvalidDocumentError(
            f"{where} must be a Decimal, got the float {value!r}; build it as Decimal('{value}')"
        )
    if not isinstance(value, Decimal):
        raise InvalidDocumentError(f"{where} must be a Decimal, got {type(value).__name__} {value!r}")
    if not value.is_finite():
        raise InvalidDocumentError(f"{where} must be a finite amount, got {value}")
    if value < 0:
        raise InvalidDocumentError(f"{where} must not be negative, got {value}")


def _check_text(owner: object, name: str, value: object, *, required: bool = False) -> None:
    where = f"{type(owner).__name__}.{name}"
    if not isinstance(value, str):
        raise InvalidDocumentError(f"{where} must be a str, got {type(value).__name__} {value!r}")
    if required and not value.strip():
        raise InvalidDocumentError(f"{where} must not be empty")


def _as_tuple(owner: object, name: str, item_type: type | tuple[type, ...]) -> None:
    """Freeze a list argument into a tuple so the document stays immutable and hashable."""
    value = getattr(owner, name)
    where = f"{type(owner).__name__}.{name}"
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidDocumentError(f"{where} must be a sequence, got {type(value).__name__}")
    items = tuple(value)
    for index, item in enumerate(items):
        if not isinstance(item, item_type):
            expected = getattr(item_type, "__name__", str(item_type))
            raise InvalidDocumentError(
                f"{where}[{index}] must be {expected}, got {type(item).__name__} {item!r}"
            )
    object.__setattr__(owner, name, items)


def _check_rate(owner: object, name: str, value: object) -> None:
    _check_money(owner, name, value)
    if value > 100:  # type: ignore[operator]
        where = f"{type(owner).__name__}.{name}"
        raise InvalidDocumentError(f"{where} is a percentage (20 means 20 %), got {value}")


@dataclass(frozen=True, slots=True)
class ShopDetails:
    """The seller as printed in the header; `logo_path` is an optional PNG or JPEG."""

    name: str
    address_lines: tuple[str, ...] = ()
    tax_id: str = ""
    phone: str = ""
    email: str = ""
    logo_path: Path | None = None
    footer_text: str = ""

    def __post_init__(self) -> None:
        _check_text(self, "name", self.name, required=True)
        _as_tuple(self, "address_lines", str)
        for name in ("tax_id", "phone", "email", "footer_text"):
            _check_text(self, name, getattr(self, name))
        if self.logo_path is not None:
            if not isinstance(self.logo_path, (str, Path)):
                raise InvalidDocumentError(
                    f"ShopDetails.logo_path must be a path, got {type(self.logo_path).__name__}"
                )
            object.__setattr__(self, "logo_path", Path(self.logo_path))


@dataclass(frozen=True, slots=True)
class PartyAddress:
    """A billing or shipping address; every part is optional text."""

    name: str = ""
    company: str = ""
    lines: tuple[str, ...] = ()
    city: str = ""
    postal_code: str = ""
    province: str = ""
    """An ISO 3166-2 code ('us-ny') or the province's name."""
    country_name: str = ""
    phone: str = ""
    country_code: str = ""
    """ISO 3166-1 alpha-2; picks how the place line reads (app.domain.address_format)."""
    province_name: str = ""
    """The province's name when `province` is a code ('New York' for 'us-ny')."""

    def __post_init__(self) -> None:
        _as_tuple(self, "lines", str)
        for f in fields(self):
            if f.name != "lines":
                _check_text(self, f.name, getattr(self, f.name))
        object.__setattr__(self, "country_code", self.country_code.strip().upper())

    def printable_lines(self) -> tuple[str, ...]:
        """The address as it goes on paper, empty parts left out: the country's own order of city,
        state and postal code ('Brooklyn, NY 11249', '31-019 Kraków'), then country and phone."""
        postal = address_lines(PostalAddress(
            name=self.name, company=self.company, street=self.lines, city=self.city,
            postal_code=self.postal_code, province=self.province, province_name=self.province_name,
            country_code=self.country_code, country_name=self.country_name))
        return tuple(line.strip() for line in (*postal, self.phone) if line and line.strip())


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One sold item. `line_total` = quantity x unit_price - discount, as the order computed it;
    `tax_rate` is a percentage (Decimal('20') is 20 %)."""

    sku: str
    title: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    subtitle: str = ""
    discount: Decimal = Decimal(0)
    tax_rate: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        _check_text(self, "sku", self.sku)
        _check_text(self, "title", self.title, required=True)
        _check_text(self, "subtitle", self.subtitle)
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int):
            raise InvalidDocumentError(
                f"InvoiceLine.quantity must be a whole number, got {type(self.quantity).__name__} "
                f"{self.quantity!r} (line {self.title!r})"
            )
        if self.quantity <= 0:
            raise InvalidDocumentError(
                f"InvoiceLine.quantity must be at least 1, got {self.quantity} (line {self.title!r})"
            )
        _check_money(self, "unit_price", self.unit_price)
        _check_money(self, "discount", self.discount)
        _check_money(self, "line_total", self.line_total)
        _check_rate(self, "tax_rate", self.tax_rate)


@dataclass(frozen=True, slots=True)
class TaxLine:
    """Tax collected at one rate: `amount` on `taxable_amount`; `rate` is a percentage."""

    name: str
    rate: Decimal
    taxable_amount: Decimal
    amount: Decimal
    code: str = ""

    def __post_init__(self) -> None:
        _check_text(self, "name", self.name, required=True)
        _check_text(self, "code", self.code)
        _check_rate(self, "rate", self.rate)
        _check_money(self, "taxable_amount", self.taxable_amount)
        _check_money(self, "amount", self.amount)


@dataclass(frozen=True, slots=True)
class TenderLine:
    """One payment. `amount` is what it paid towards the order; for cash, `amount_tendered` is
    what the customer handed over and `change_given` = amount_tendered - amount."""

    kind: TenderKind
    label: str
    amount: Decimal
    reference: str = ""
    amount_tendered: Decimal | None = None
    change_given: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if self.kind not in TENDER_KINDS:
            raise InvalidDocumentError(
                f"TenderLine.kind must be one of {sorted(TENDER_KINDS)}, got {self.kind!r}"
            )
        _check_text(self, "label", self.label, required=True)
        _check_text(self, "reference", self.reference)
        _check_money(self, "amount", self.amount)
        _check_money(self, "amount_tendered", self.amount_tendered, optional=True)
        _check_money(self, "change_given", self.change_given)
        if self.amount_tendered is None:
            if self.change_given:
                raise InvalidDocumentError(
                    "TenderLine.change_given needs amount_tendered: change is only given on "
                    "money handed over"
                )
        elif self.amount_tendered - self.amount != self.change_given:
            raise InvalidDocumentError(
                f"TenderLine.change_given must be amount_tendered - amount "
                f"({self.amount_tendered} - {self.amount}), got {self.change_given}"
            )


@dataclass(frozen=True, slots=True)
class InvoiceTotals:
    """Order totals. `total` may be unrounded; `amount_due` is the rounded sum the customer paid
    against. `tax_inclusive` says whether prices already contain the tax. `shipping_total` is the
    shipping price before its discount, `shipping_discount` what a promotion took off it.
    What is printed is computed from the lines, shipping, taxes and `amount_due` by
    `app.domain.printed.printed_totals`; `subtotal` and `discount_total` are the exact figures."""

    subtotal: Decimal
    tax_total: Decimal
    total: Decimal
    amount_due: Decimal
    paid_total: Decimal
    discount_total: Decimal = Decimal(0)
    shipping_total: Decimal = Decimal(0)
    change_given: Decimal = Decimal(0)
    tax_inclusive: bool = False
    shipping_discount: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name != "tax_inclusive":
                _check_money(self, f.name, getattr(self, f.name))
        if not isinstance(self.tax_inclusive, bool):
            raise InvalidDocumentError("InvoiceTotals.tax_inclusive must be True or False")


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    """Everything printed on an invoice or receipt for one paid order.

    `copy_number` is 0 for the original and n for the nth reprint; `locale` (e.g. 'de_DE') sets
    how amounts and dates are written, not the language of the labels."""

    shop: ShopDetails
    invoice_number: str
    order_display_id: str
    issued_at: dt.datetime
    currency_code: str
    locale: str
    lines: tuple[InvoiceLine, ...]
    totals: InvoiceTotals
    paid_at: dt.datetime | None = None
    customer_name: str = ""
    customer_email: str = ""
    billing_address: PartyAddress | None = None
    shipping_address: PartyAddress | None = None
    shipping_method_name: str = ""
    shipping_amount: Decimal = Decimal(0)
    tax_lines: tuple[TaxLine, ...] = ()
    tenders: tuple[TenderLine, ...] = ()
    copy_number: int = 0
    notes: str = ""
    cancelled: bool = False
    """The order was canceled (and refunded): the invoice says so on every page."""

    def __post_init__(self) -> None:
        if not isinstance(self.shop, ShopDetails):
            raise InvalidDocumentError("InvoiceDocument.shop must be a ShopDetails")
        if not isinstance(self.cancelled, bool):
            raise InvalidDocumentError("InvoiceDocument.cancelled must be True or False")
        _check_text(self, "invoice_number", self.invoice_number, required=True)
        if isinstance(self.order_display_id, int) and not isinstance(self.order_display_id, bool):
            object.__setattr__(self, "order_display_id", str(self.order_display_id))
        _check_text(self, "order_display_id", self.order_display_id)
        for name in ("issued_at", "paid_at"):
            value = getattr(self, name)
            if value is None and name == "paid_at":
                continue
            if not isinstance(value, dt.datetime):
                raise InvalidDocumentError(
                    f"InvoiceDocument.{name} must be a datetime, got {type(value).__name__}"
                )
        _check_text(self, "currency_code", self.currency_code, required=True)
        code = self.currency_code.strip().upper()
        # Medusa sends lower-case codes ('eur'); babel knows the ISO 4217 list.
        if len(code) != 3 or not is_currency(code):
            raise InvalidDocumentError(
                f"InvoiceDocument.currency_code {self.currency_code!r} is not an ISO 4217 code"
            )
        object.__setattr__(self, "currency_code", code)
        _check_text(self, "locale", self.locale, required=True)
        try:
            parsed = Locale.parse(self.locale.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            raise InvalidDocumentError(
                f"InvoiceDocument.locale {self.locale!r} is not a known locale (try 'en_US')"
            ) from None
        object.__setattr__(self, "locale", str(parsed))
        _as_tuple(self, "lines", InvoiceLine)
        if not self.lines:
            raise InvalidDocumentError("InvoiceDocument.lines must hold at least one line")
        if not isinstance(self.totals, InvoiceTotals):
            raise InvalidDocumentError("InvoiceDocument.totals must be an InvoiceTotals")
        for name in ("customer_name", "customer_email", "shipping_method_name", "notes"):
            _check_text(self, name, getattr(self, name))
        for name in ("billing_address", "shipping_address"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, PartyAddress):
                raise InvalidDocumentError(f"InvoiceDocument.{name} must be a PartyAddress or None")
        _check_money(self, "shipping_amount", self.shipping_amount)
        _as_tuple(self, "tax_lines", TaxLine)
        _as_tuple(self, "tenders", TenderLine)
        if self.tenders:
            paid = sum((t.amount for t in self.tenders), Decimal(0))
            change = sum((t.change_given for t in self.tenders), Decimal(0))
            if paid != self.totals.paid_total:
                raise InvalidDocumentError(
                    f"InvoiceTotals.paid_total {self.totals.paid_total} differs from the sum of the "
                    f"tenders {paid}"
                )
            if change != self.totals.change_given:
                raise InvalidDocumentError(
                    f"InvoiceTotals.change_given {self.totals.change_given} differs from the change "
                    f"of the tenders {change}"
                )
        if isinstance(self.copy_number, bool) or not isinstance(self.copy_number, int):
            raise InvalidDocumentError("InvoiceDocument.copy_number must be a whole number")
        if self.copy_number < 0:
            raise InvalidDocumentError(
                f"InvoiceDocument.copy_number must be 0 (original) or more, got {self.copy_number}"
            )

    @property
    def is_copy(self) -> bool:
        """True for a reprint."""
        return self.copy_number > 0

    @property
    def copy_label(self) -> str:
        """'COPY n' for a reprint, '' for the original."""
        return f"COPY {self.copy_number}" if self.copy_number else ""


__all__ = [
    "InvalidDocumentError",
    "InvoiceDocument",
    "InvoiceLine",
    "InvoiceTotals",
    "PartyAddress",
    "ShopDetails",
    "TaxLine",
    "TENDER_KINDS",
    "TenderKind",
    "TenderLine",
]
