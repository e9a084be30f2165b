"""The local catalog a till sells from: a cache of what the backend holds, usable offline."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class TaxRate:
    id: str
    name: str
    code: str
    country_code: str  # ISO 3166-1 alpha-2, lower case as Medusa stores it
    province_code: str | None  # ISO 3166-2, lower case ("us-ca"), None for the country default
    rate: Decimal  # percent: 8.875 means 8.875 %


@dataclass(frozen=True, slots=True)
class Region:
    id: str
    name: str
    currency_code: str
    countries: tuple[str, ...]
    is_tax_inclusive: bool = False
    automatic_taxes: bool = True


@dataclass(frozen=True, slots=True)
class SalesChannel:
    id: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Variant:
    id: str
    product_id: str
    product_title: str
    title: str
    sku: str | None
    barcode: str | None
    prices: dict[str, Decimal] = field(default_factory=dict)  # currency code -> amount

    @property
    def display_title(self) -> str:
        if not self.title or self.title.lower() in {"default", "default variant", "one size"}:
            return self.product_title
        return f"{self.product_title} — {self.title}"

    def price_in(self, currency_code: str) -> Decimal | None:
        return self.prices.get(currency_code.lower())


@dataclass(frozen=True, slots=True)
class ShippingOption:
    id: str
    name: str
    region_id: str
    amount: Decimal
    price_type: str = "flat"


@dataclass(frozen=True, slots=True)
class CustomerAddress:
    id: str
    first_name: str | None
    last_name: str | None
    company: str | None
    address_1: str | None
    address_2: str | None
    city: str | None
    province: str | None
    postal_code: str | None
    country_code: str | None
    phone: str | None
    is_default_shipping: bool = False
    is_default_billing: bool = False


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    email: str
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    company_name: str | None = None
    addresses: tuple[CustomerAddress, ...] = ()
    has_account: bool = False

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class PromotionType(StrEnum):
    PERCENTAGE = "percentage"
    FIXED = "fixed"


class PromotionTarget(StrEnum):
    ITEMS = "items"
    SHIPPING_METHODS = "shipping_methods"
    ORDER = "order"


class Allocation(StrEnum):
    EACH = "each"
    ACROSS = "across"
    ONCE = "once"


@dataclass(frozen=True, slots=True)
class ApplicationMethod:
    type: PromotionType
    target_type: PromotionTarget
    allocation: Allocation
    value: Decimal
    currency_code: str | None = None
    max_quantity: int | None = None


@dataclass(frozen=True, slots=True)
class Promotion:
    id: str
    code: str
    application_method: ApplicationMethod
    status: str = "active"
    is_automatic: bool = False
    is_tax_inclusive: bool = False  # works on prices with tax, and its adjustments include tax
