"""Frozen results that leave the services: the window's item models and the CLI read these,
never ORM rows or mutable domain objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.domain.address import Address
from app.domain.catalog import Customer, Region, SalesChannel, ShippingOption, Variant
from app.domain.changes import Changes, OpResult  # re-exported: the window imports them from here
from app.domain.order import Payment
from app.domain.refunds import OrderReturn, Refund
from app.domain.totals import OrderTotals

__all__ = [
    "Address", "Customer", "Region", "SalesChannel", "ShippingOption", "Variant", "Payment", "OrderTotals",
    "LineItemDTO", "ShippingMethodDTO", "DraftOrderDTO", "OrderDTO", "SyncStateDTO", "ListEntryDTO",
    "ListPage", "Changes", "OpResult",
]


@dataclass(frozen=True, slots=True)
class LineItemDTO:
    id: str
    title: str
    subtitle: str | None
    variant_id: str | None
    product_id: str | None
    variant_sku: str | None
    variant_barcode: str | None
    variant_title: str | None
    product_title: str | None
    quantity: int
    unit_price: Decimal
    is_custom_price: bool
    is_tax_inclusive: bool
    subtotal: Decimal
    discount_subtotal: Decimal
    discount_total: Decimal
    tax_total: Decimal
    total: Decimal
    tax_rate: Decimal
    adjustments: tuple[tuple[str, Decimal], ...]  # (promo code, amount)
    metadata: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None

    @property
    def is_custom_item(self) -> bool:
        return self.variant_id is None


@dataclass(frozen=True, slots=True)
class ShippingMethodDTO:
    id: str
    name: str
    shipping_option_id: str | None
    amount: Decimal
    is_custom_amount: bool
    is_tax_inclusive: bool
    subtotal: Decimal
    discount_total: Decimal
    tax_total: Decimal
    total: Decimal


@dataclass(frozen=True, slots=True)
class DraftOrderDTO:
    id: str
    display_id: int
    status: str  # open | completed
    is_editable: bool
    region_id: str
    region_name: str
    currency_code: str
    is_tax_inclusive: bool
    email: str | None
    customer_id: str | None
    customer_name: str
    sales_channel_id: str | None
    items: tuple[LineItemDTO, ...]
    shipping_address: Address | None
    billing_address: Address | None
    shipping_methods: tuple[ShippingMethodDTO, ...]
    promo_codes: tuple[str, ...]
    promo_discounts: tuple[tuple[str, Decimal], ...]
    promo_problems: tuple[tuple[str, str], ...]  # (code, why it does not apply)
    no_notification_order: bool
    idempotency_key: str | None
    metadata: dict[str, Any]
    order_id: str | None
    canceled_at: datetime | None
    completed_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None
    totals: OrderTotals
    exchange_credit: Decimal = Decimal(0)  # an exchange draft's credit, applied first at Mark Paid

    @property
    def amount_due(self) -> Decimal:
        return self.totals.amount_due


@dataclass(frozen=True, slots=True)
class SyncStateDTO:
    state: str  # queued | in_progress | synced | needs_attention | discarded
    step: int
    steps: int
    attempts: int
    last_error: str | None
    server_order_id: str | None
    server_display_id: int | None
    updated_at: datetime | None

    @property
    def label(self) -> str:
        if self.state == "synced":
            return f"synced as #{self.server_display_id}" if self.server_display_id else "synced"
        if self.state == "needs_attention":
            return f"needs attention: {self.last_error or 'unknown problem'}"
        if self.state == "in_progress":
            return f"step {self.step + 1} of {self.steps}"
        return self.state.replace("_", " ")


@dataclass(frozen=True, slots=True)
class OrderDTO:
    id: str
    display_id: int
    status: str
    payment_status: str
    fulfillment_status: str
    invoice_number: str
    draft_order_id: str
    draft_display_id: int
    region_id: str
    currency_code: str
    is_tax_inclusive: bool
    email: str | None
    customer_id: str | None
    customer_name: str
    sales_channel_id: str | None
    items: tuple[LineItemDTO, ...]
    shipping_address: Address | None
    billing_address: Address | None
    shipping_methods: tuple[ShippingMethodDTO, ...]
    promo_codes: tuple[str, ...]
    payments: tuple[Payment, ...]
    totals: OrderTotals
    change_given: Decimal
    external_id: str | None
    metadata: dict[str, Any]
    canceled_at: datetime | None
    completed_at: datetime | None
    archived_at: datetime | None
    created_at: datetime | None
    sync: SyncStateDTO | None
    print_counts: dict[str, int] = field(default_factory=dict)  # kind -> prints so far
    allowed_actions: tuple[str, ...] = ()  # complete | cancel | archive | refund
    refunds: tuple[Refund, ...] = ()  # oldest first, each with its credit note number
    returns: tuple[OrderReturn, ...] = ()


@dataclass(frozen=True, slots=True)
class ListEntryDTO:
    """One row of the left-hand list: a draft or an order."""

    kind: str  # draft | order
    id: str
    display_id: int
    status: str
    customer_name: str
    email: str | None
    phone: str | None
    total: Decimal
    currency_code: str
    created_at: datetime | None
    invoice_number: str | None = None
    payment_status: str | None = None
    sync_state: str | None = None
    item_count: int = 0


@dataclass(frozen=True, slots=True)
class ListPage:
    entries: tuple[ListEntryDTO, ...]
    count: int
