"""The draft order aggregate, with Medusa's semantics: a draft is open until paid, then completed,
and an order is created from it. A canceled draft keeps status open with canceled_at set (as in
Medusa v1's DraftOrder) but can no longer be edited or paid."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .address import Address
from .errors import AlreadyPaid, DraftNotOpen, InvalidValue, NotFound

MAX_QUANTITY = 10_000  # more than this on one phone order is a slip of the finger
MAX_LINES = 2_000


class DraftStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"


@dataclass(slots=True)
class LineItem:
    id: str
    title: str
    quantity: int
    unit_price: Decimal
    variant_id: str | None = None
    product_id: str | None = None
    subtitle: str | None = None
    variant_sku: str | None = None
    variant_barcode: str | None = None
    variant_title: str | None = None
    product_title: str | None = None
    is_custom_price: bool = False
    is_tax_inclusive: bool = False
    metadata: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None

    @property
    def is_custom_item(self) -> bool:
        return self.variant_id is None

    def __post_init__(self) -> None:
        validate_quantity(self.quantity)
        validate_unit_price(self.unit_price)
        if not self.title or not self.title.strip():
            raise InvalidValue("a line item needs a title", field="title")


@dataclass(slots=True)
class ShippingMethod:
    id: str
    name: str
    amount: Decimal
    shipping_option_id: str | None
    is_custom_amount: bool = False
    is_tax_inclusive: bool = False
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise InvalidValue("must not be negative", field="shipping_methods.amount")


def validate_quantity(quantity: object, field_name: str = "quantity") -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidValue("must be a whole number", field=field_name)
    if quantity <= 0:
        raise InvalidValue("must be at least 1", field=field_name)
    if quantity > MAX_QUANTITY:
        raise InvalidValue(f"must be at most {MAX_QUANTITY:,}", field=field_name)
    return quantity


def validate_unit_price(price: Decimal, field_name: str = "unit_price") -> Decimal:
    if not isinstance(price, Decimal) or not price.is_finite():
        raise InvalidValue("must be a decimal amount", field=field_name)
    if price < 0:
        raise InvalidValue("must not be negative", field=field_name)
    return price


@dataclass(slots=True)
class DraftOrder:
    id: str
    display_id: int
    region_id: str
    currency_code: str
    status: DraftStatus = DraftStatus.OPEN
    email: str | None = None
    customer_id: str | None = None
    sales_channel_id: str | None = None
    items: list[LineItem] = field(default_factory=list)
    shipping_address: Address | None = None
    billing_address: Address | None = None
    shipping_methods: list[ShippingMethod] = field(default_factory=list)
    promo_codes: list[str] = field(default_factory=list)
    no_notification_order: bool = False
    idempotency_key: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    order_id: str | None = None
    canceled_at: datetime | None = None
    completed_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    staff_id: str | None = None  # who started it

    # -- rules -----------------------------------------------------------------------------
    @property
    def is_editable(self) -> bool:
        return self.status is DraftStatus.OPEN and self.canceled_at is None

    def ensure_editable(self) -> None:
        if self.status is DraftStatus.COMPLETED:
            raise DraftNotOpen(f"draft #{self.display_id} is completed and can no longer be changed")
        if self.canceled_at is not None:
            raise DraftNotOpen(f"draft #{self.display_id} was canceled and can no longer be changed")

    def ensure_payable(self) -> None:
        if self.status is DraftStatus.COMPLETED or self.order_id is not None:
            raise AlreadyPaid(f"draft #{self.display_id} is already paid (order {self.order_id})")
        self.ensure_editable()
        if not self.items:
            raise InvalidValue("a draft needs at least one line item before it can be paid", field="items")

    # -- edits -----------------------------------------------------------------------------
    def item(self, item_id: str) -> LineItem:
        for it in self.items:
            if it.id == item_id:
                return it
        raise NotFound(f"draft #{self.display_id} has no line item {item_id}", field="item_id")

    def add_item(self, item: LineItem) -> LineItem:
        self.ensure_editable()
        if len(self.items) >= MAX_LINES:
            raise InvalidValue(f"a draft can hold at most {MAX_LINES} lines", field="items")
        # The same catalog variant at the same price adds up on one line, as a till should.
        if item.variant_id is not None and not item.is_custom_price:
            for existing in self.items:
                if (existing.variant_id == item.variant_id and not existing.is_custom_price
                        and existing.unit_price == item.unit_price and not item.metadata):
                    existing.quantity = validate_quantity(existing.quantity + item.quantity)
                    return existing
        self.items.append(item)
        return item

    def update_item(self, item_id: str, *, quantity: int | None = None,
                    unit_price: Decimal | None = None, title: str | None = None,
                    metadata: dict[str, Any] | None = None) -> LineItem:
        self.ensure_editable()
        it = self.item(item_id)
        if quantity is not None:
            it.quantity = validate_quantity(quantity)
        if unit_price is not None:
            it.unit_price = validate_unit_price(unit_price)
            it.is_custom_price = True
        if title is not None:
            if not title.strip():
                raise InvalidValue("a line item needs a title", field="title")
            it.title = title.strip()
        if metadata is not None:
            it.metadata = dict(metadata)
        return it

    def remove_item(self, item_id: str) -> LineItem:
        self.ensure_editable()
        it = self.item(item_id)
        self.items.remove(it)
        return it

    def set_shipping_method(self, method: ShippingMethod | None) -> None:
        """A till order has one shipping method; setting one replaces the previous."""
        self.ensure_editable()
        self.shipping_methods = [method] if method is not None else []

    def apply_promo_code(self, code: str) -> None:
        self.ensure_editable()
        code = code.strip()
        if code.upper() in (c.upper() for c in self.promo_codes):
            return
        self.promo_codes.append(code)

    def remove_promo_code(self, code: str) -> None:
        self.ensure_editable()
        remaining = [c for c in self.promo_codes if c.upper() != code.strip().upper()]
        if len(remaining) == len(self.promo_codes):
            raise NotFound(f"promo code {code!r} is not on this draft", field="promo_codes")
        self.promo_codes = remaining

    def cancel(self, now: datetime) -> None:
        self.ensure_editable()
        self.canceled_at = now

    def complete(self, order_id: str, now: datetime) -> None:
        self.ensure_payable()
        self.status = DraftStatus.COMPLETED
        self.order_id = order_id
        self.completed_at = now

    def copy(self) -> DraftOrder:
        return replace(
            self,
            items=[replace(i, metadata=dict(i.metadata)) for i in self.items],
            shipping_methods=[replace(m) for m in self.shipping_methods],
            promo_codes=list(self.promo_codes),
            metadata=dict(self.metadata),
        )
