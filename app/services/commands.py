"""Commands: what a user action asks for, validated at the edge with a message per field.

Shapes follow Medusa v2's `POST /admin/draft-orders` body, so the CLI, the window and the
sync speak the same language."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import EmailStr, Field, field_validator, model_validator

# The base and the light query live in command_base, so a list or search (`order list --q`)
# imports neither email_validator, phonenumbers nor pycountry; re-exported here.
from .command_base import Amount
from .command_base import Command as Command
from .command_base import OrderQuery as OrderQuery
from .command_base import PositiveAmount as PositiveAmount
from .command_base import Quantity as Quantity
from .command_base import Text as Text

# Countries whose addresses are not deliverable without a state or province.
PROVINCE_REQUIRED = {"us", "ca", "au", "br", "mx", "in"}


def _country(code: str) -> Any:
    import pycountry  # on first use: a third of the start-up's imports otherwise

    return pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None


def normalize_province(country_code: str, province: str) -> str:
    """ISO 3166-2 in lower case as Medusa stores it ('us-ny'); accepts 'NY', 'US-NY' or 'New York'."""
    import pycountry

    country = country_code.upper()
    subdivisions: list[Any] = list(pycountry.subdivisions.get(country_code=country) or [])  # type: ignore[no-untyped-call]
    p = province.strip()
    code = p.upper() if "-" in p else f"{country}-{p.upper()}"
    for s in subdivisions:
        if s.code.upper() == code or s.name.casefold() == p.casefold():
            return str(s.code).lower()
    found = _country(country)
    raise ValueError(f"{province!r} is not a province or state of {found.name if found else country}")


def normalize_phone(phone: str, country_code: str | None) -> str:
    import phonenumbers  # on first use: not needed for the first frame

    try:
        num = phonenumbers.parse(phone, (country_code or "").upper() or None)
    except phonenumbers.NumberParseException:
        raise ValueError(f"{phone!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(num):
        raise ValueError(f"{phone!r} is not a valid phone number"
                         + (f" for {country_code.upper()}" if country_code else ""))
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


class AddressInput(Command):
    first_name: Annotated[str | None, Field(max_length=100)] = None
    last_name: Annotated[str | None, Field(max_length=100)] = None
    phone: Annotated[str | None, Field(max_length=40)] = None
    company: Annotated[str | None, Field(max_length=200)] = None
    address_1: Annotated[str | None, Field(max_length=200)] = None
    address_2: Annotated[str | None, Field(max_length=200)] = None
    city: Annotated[str | None, Field(max_length=100)] = None
    country_code: Annotated[str | None, Field(max_length=2)] = None
    province: Annotated[str | None, Field(max_length=100)] = None
    postal_code: Annotated[str | None, Field(max_length=20)] = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, v: Any) -> Any:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("country_code")
    @classmethod
    def _country_known(cls, v: str | None) -> str | None:
        if v is None:
            return None
        if _country(v) is None:
            raise ValueError(f"{v!r} is not an ISO 3166-1 country code (e.g. us, de, pl)")
        return v.lower()

    @model_validator(mode="after")
    def _check_place(self) -> AddressInput:
        updates: dict[str, Any] = {}
        if self.province is not None:
            if self.country_code is None:
                raise ValueError("province: needs a country")
            try:
                updates["province"] = normalize_province(self.country_code, self.province)
            except ValueError as exc:
                raise ValueError(f"province: {exc}") from None
        elif self.country_code in PROVINCE_REQUIRED and self.address_1:
            raise ValueError(f"province: is required for addresses in {self.country_code.upper()}")
        if self.phone is not None:
            try:
                updates["phone"] = normalize_phone(self.phone, self.country_code)
            except ValueError as exc:
                raise ValueError(f"phone: {exc}") from None
        if self.address_1 and not (self.country_code and self.city):
            missing = [f for f in ("city", "country_code") if not getattr(self, f)]
            raise ValueError(f"{missing[0]}: is required with a street address")
        for k, v in updates.items():
            object.__setattr__(self, k, v)
        return self


class DraftItemInput(Command):
    variant_id: str | None = None
    variant_sku: str | None = None
    variant_barcode: str | None = None
    title: Annotated[str | None, Field(max_length=300)] = None
    unit_price: Amount | None = None
    quantity: Quantity
    metadata: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_kind(self) -> DraftItemInput:
        refs = [f for f in ("variant_id", "variant_sku", "variant_barcode") if getattr(self, f)]
        if len(refs) > 1:
            raise ValueError(f"give one of variant_id, variant_sku or variant_barcode, not {' and '.join(refs)}")
        if not refs and (not self.title or self.unit_price is None):
            raise ValueError("a custom item needs a title and a unit_price "
                             "(or give a variant_id, variant_sku or variant_barcode)")
        return self


class ShippingMethodInput(Command):
    shipping_option_id: str | None = None
    name: Annotated[str | None, Field(max_length=200)] = None
    amount: Amount | None = None
    data: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _option_or_custom(self) -> ShippingMethodInput:
        if not self.shipping_option_id and (not self.name or self.amount is None):
            raise ValueError("give a shipping_option_id, or a name and an amount for a custom method")
        return self


class CreateDraftOrder(Command):
    region_id: str | None = None
    email: EmailStr | None = None
    customer_id: str | None = None
    sales_channel_id: str | None = None
    currency_code: str | None = None
    items: list[DraftItemInput] = Field(default_factory=list, max_length=2000)
    shipping_address: AddressInput | None = None
    billing_address: AddressInput | None = None
    shipping_methods: list[ShippingMethodInput] = Field(default_factory=list, max_length=1)
    promo_codes: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(default_factory=list)
    no_notification_order: bool = False
    metadata: dict[str, Any] = Field(default_factory=dict)
    locale: str | None = None
    idempotency_key: str | None = None


class UpdateDraftOrder(Command):
    """Only the fields given change; an explicit null clears an address or the customer."""

    draft_id: str
    email: EmailStr | None = None
    customer_id: str | None = None
    region_id: str | None = None
    sales_channel_id: str | None = None
    shipping_address: AddressInput | None = None
    billing_address: AddressInput | None = None
    metadata: dict[str, Any] | None = None
    no_notification_order: bool | None = None


class AddLineItem(DraftItemInput):
    draft_id: str


class UpdateLineItem(Command):
    draft_id: str
    item_id: str
    quantity: Quantity | None = None
    unit_price: Amount | None = None
    title: Annotated[str | None, Field(min_length=1, max_length=300)] = None
    metadata: dict[str, Any] | None = None


class RemoveLineItem(Command):
    draft_id: str
    item_id: str


class SetShippingMethod(Command):
    draft_id: str
    shipping_option_id: str | None = None  # None removes the shipping method
    amount: Amount | None = None  # a custom price for this order
    name: Annotated[str | None, Field(max_length=200)] = None


class PromoCode(Command):
    draft_id: str
    code: Annotated[str, Field(min_length=1, max_length=100)]


class TenderInput(Command):
    kind: Literal["cash", "card", "other"]
    amount: PositiveAmount
    reference: Annotated[str | None, Field(max_length=100)] = None


class MarkPaid(Command):
    draft_id: str
    tenders: list[TenderInput] = Field(default_factory=list, max_length=20)
    staff_id: Annotated[str | None, Field(max_length=100)] = None  # who took the payment (staff accounts later)
    # An exchange draft whose credit exceeds its total: how the rest of the credit goes back.
    credit_refund_kind: Literal["cash", "card", "other"] | None = None
    credit_refund_reference: Annotated[str | None, Field(max_length=100)] = None


class NewCustomer(Command):
    email: EmailStr
    first_name: Annotated[str | None, Field(max_length=100)] = None
    last_name: Annotated[str | None, Field(max_length=100)] = None
    phone: Annotated[str | None, Field(max_length=40)] = None
    company_name: Annotated[str | None, Field(max_length=200)] = None
    address: AddressInput | None = None

    @model_validator(mode="after")
    def _phone(self) -> NewCustomer:
        if self.phone:
            country = self.address.country_code if self.address else None
            try:
                object.__setattr__(self, "phone", normalize_phone(self.phone, country))
            except ValueError as exc:
                raise ValueError(f"phone: {exc}") from None
        return self
