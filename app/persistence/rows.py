"""SQLAlchemy 2 rows. Rows stay inside persistence: services see domain objects and DTOs."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, MetaData, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.domain.outbox import OutboxKind

from .types import DecimalText, JSONText, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {Decimal: DecimalText, datetime: UTCDateTime, dict[str, Any]: JSONText, list[Any]: JSONText}


# -- settings and counters ---------------------------------------------------------------------
class SettingRow(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[Any] = mapped_column(JSONText)


class CounterRow(Base):
    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class InvoiceSequenceRow(Base):
    __tablename__ = "invoice_sequences"
    prefix: Mapped[str] = mapped_column(String, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


# -- catalog ---------------------------------------------------------------------------------
class RegionRow(Base):
    __tablename__ = "regions"
    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    currency_code: Mapped[str]
    countries: Mapped[list[Any]]
    is_tax_inclusive: Mapped[bool] = mapped_column(default=False)
    automatic_taxes: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime | None]


class TaxRateRow(Base):
    __tablename__ = "tax_rates"
    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    code: Mapped[str]
    country_code: Mapped[str] = mapped_column(index=True)
    province_code: Mapped[str | None]
    rate: Mapped[Decimal]
    updated_at: Mapped[datetime | None]


class SalesChannelRow(Base):
    __tablename__ = "sales_channels"
    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    description: Mapped[str | None]
    updated_at: Mapped[datetime | None]


class ProductRow(Base):
    __tablename__ = "products"
    id: Mapped[str] = mapped_column(primary_key=True)
    title: Mapped[str]
    subtitle: Mapped[str | None]
    handle: Mapped[str | None]
    description: Mapped[str | None]
    status: Mapped[str] = mapped_column(default="published")
    updated_at: Mapped[datetime | None]
    variants: Mapped[list[VariantRow]] = relationship(back_populates="product", cascade="all, delete-orphan")


class VariantRow(Base):
    __tablename__ = "variants"
    id: Mapped[str] = mapped_column(primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    title: Mapped[str]
    sku: Mapped[str | None] = mapped_column(index=True)
    barcode: Mapped[str | None] = mapped_column(index=True)
    prices: Mapped[dict[str, Any]]  # currency code -> decimal text
    search_text: Mapped[str] = mapped_column(default="")  # lower-cased product and variant titles, SKU, barcode
    updated_at: Mapped[datetime | None]
    product: Mapped[ProductRow] = relationship(back_populates="variants")


class ShippingOptionRow(Base):
    __tablename__ = "shipping_options"
    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    region_id: Mapped[str] = mapped_column(index=True)
    amount: Mapped[Decimal]
    price_type: Mapped[str] = mapped_column(default="flat")
    updated_at: Mapped[datetime | None]


class CustomerRow(Base):
    __tablename__ = "customers"
    id: Mapped[str] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(index=True)
    first_name: Mapped[str | None]
    last_name: Mapped[str | None]
    phone: Mapped[str | None]
    company_name: Mapped[str | None]
    has_account: Mapped[bool] = mapped_column(default=False)
    created_locally: Mapped[bool] = mapped_column(default=False)  # still to be created on the server
    server_id: Mapped[str | None]  # the server's id once a local customer has been pushed
    search_text: Mapped[str] = mapped_column(default="")
    updated_at: Mapped[datetime | None]
    addresses: Mapped[list[CustomerAddressRow]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="CustomerAddressRow.id")


class CustomerAddressRow(Base):
    __tablename__ = "customer_addresses"
    id: Mapped[str] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    first_name: Mapped[str | None]
    last_name: Mapped[str | None]
    company: Mapped[str | None]
    address_1: Mapped[str | None]
    address_2: Mapped[str | None]
    city: Mapped[str | None]
    province: Mapped[str | None]
    postal_code: Mapped[str | None]
    country_code: Mapped[str | None]
    phone: Mapped[str | None]
    is_default_shipping: Mapped[bool] = mapped_column(default=False)
    is_default_billing: Mapped[bool] = mapped_column(default=False)
    customer: Mapped[CustomerRow] = relationship(back_populates="addresses")


class PromotionRow(Base):
    __tablename__ = "promotions"
    id: Mapped[str] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(unique=True)
    status: Mapped[str] = mapped_column(default="active")
    is_automatic: Mapped[bool] = mapped_column(default=False)
    type: Mapped[str]
    target_type: Mapped[str]
    allocation: Mapped[str]
    value: Mapped[Decimal]
    currency_code: Mapped[str | None]
    max_quantity: Mapped[int | None]
    updated_at: Mapped[datetime | None]


# -- drafts and orders -----------------------------------------------------------------------
class AddressRow(Base):
    __tablename__ = "addresses"
    id: Mapped[str] = mapped_column(primary_key=True)
    first_name: Mapped[str | None]
    last_name: Mapped[str | None]
    phone: Mapped[str | None]
    company: Mapped[str | None]
    address_1: Mapped[str | None]
    address_2: Mapped[str | None]
    city: Mapped[str | None]
    country_code: Mapped[str | None]
    province: Mapped[str | None]
    postal_code: Mapped[str | None]
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)


class DraftOrderRow(Base):
    __tablename__ = "draft_orders"
    id: Mapped[str] = mapped_column(primary_key=True)
    display_id: Mapped[int] = mapped_column(unique=True)
    status: Mapped[str] = mapped_column(index=True)
    email: Mapped[str | None]
    customer_id: Mapped[str | None] = mapped_column(index=True)
    region_id: Mapped[str]
    currency_code: Mapped[str]
    sales_channel_id: Mapped[str | None]
    shipping_address_id: Mapped[str | None] = mapped_column(ForeignKey("addresses.id"))
    billing_address_id: Mapped[str | None] = mapped_column(ForeignKey("addresses.id"))
    promo_codes: Mapped[list[Any]] = mapped_column(default=list)
    no_notification_order: Mapped[bool] = mapped_column(default=False)
    idempotency_key: Mapped[str | None]
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    order_id: Mapped[str | None]
    canceled_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
    search_text: Mapped[str] = mapped_column(default="")
    staff_id: Mapped[str | None]
    shipping_address: Mapped[AddressRow | None] = relationship(foreign_keys=[shipping_address_id])
    billing_address: Mapped[AddressRow | None] = relationship(foreign_keys=[billing_address_id])
    items: Mapped[list[LineItemRow]] = relationship(
        back_populates="draft", cascade="all, delete-orphan", order_by="LineItemRow.position")
    shipping_methods: Mapped[list[ShippingMethodRow]] = relationship(
        back_populates="draft", cascade="all, delete-orphan", order_by="ShippingMethodRow.id")


class LineItemRow(Base):
    __tablename__ = "line_items"
    id: Mapped[str] = mapped_column(primary_key=True)
    draft_order_id: Mapped[str] = mapped_column(ForeignKey("draft_orders.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str]
    subtitle: Mapped[str | None]
    variant_id: Mapped[str | None]
    product_id: Mapped[str | None]
    variant_sku: Mapped[str | None]
    variant_barcode: Mapped[str | None]
    variant_title: Mapped[str | None]
    product_title: Mapped[str | None]
    unit_price: Mapped[Decimal]
    quantity: Mapped[int]
    is_custom_price: Mapped[bool] = mapped_column(default=False)
    is_tax_inclusive: Mapped[bool] = mapped_column(default=False)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    created_at: Mapped[datetime | None]
    draft: Mapped[DraftOrderRow] = relationship(back_populates="items")


class ShippingMethodRow(Base):
    __tablename__ = "shipping_methods"
    id: Mapped[str] = mapped_column(primary_key=True)
    draft_order_id: Mapped[str] = mapped_column(ForeignKey("draft_orders.id", ondelete="CASCADE"), index=True)
    name: Mapped[str]
    amount: Mapped[Decimal]
    shipping_option_id: Mapped[str | None]
    is_custom_amount: Mapped[bool] = mapped_column(default=False)
    is_tax_inclusive: Mapped[bool] = mapped_column(default=False)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    draft: Mapped[DraftOrderRow] = relationship(back_populates="shipping_methods")


class OrderRow(Base):
    __tablename__ = "orders"
    id: Mapped[str] = mapped_column(primary_key=True)
    display_id: Mapped[int] = mapped_column(unique=True)
    draft_order_id: Mapped[str] = mapped_column(ForeignKey("draft_orders.id"), unique=True)
    currency_code: Mapped[str]
    region_id: Mapped[str]
    invoice_number: Mapped[str] = mapped_column(unique=True)
    email: Mapped[str | None]
    customer_id: Mapped[str | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(index=True)
    payment_status: Mapped[str]
    fulfillment_status: Mapped[str]
    external_id: Mapped[str | None]
    no_notification: Mapped[bool] = mapped_column(default=False)
    refunded_total: Mapped[Decimal] = mapped_column(default=Decimal(0))
    totals: Mapped[dict[str, Any]]  # the totals as computed and paid at Mark Paid, decimal text
    canceled_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(index=True)
    search_text: Mapped[str] = mapped_column(default="")
    staff_id: Mapped[str | None]
    approver_id: Mapped[str | None]
    payments: Mapped[list[PaymentRow]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="PaymentRow.id")


class PaymentRow(Base):
    __tablename__ = "payments"
    id: Mapped[str] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str]
    amount: Mapped[Decimal]
    amount_tendered: Mapped[Decimal]
    change_given: Mapped[Decimal]
    reference: Mapped[str | None]
    created_at: Mapped[datetime]
    staff_id: Mapped[str | None]  # who took it (0004)
    # The shift the payment was taken in (None: no shift was open; 0005).
    shift_id: Mapped[str | None] = mapped_column(ForeignKey("shifts.id"), index=True, default=None)
    order: Mapped[OrderRow] = relationship(back_populates="payments")


class OutboxRow(Base):
    """One paid order waiting to reach the backend; the push is a persisted step machine."""

    __tablename__ = "outbox"
    # One entry per (order, kind, subject): the sale (subject ""), each refund, return and the
    # cancellation (subject: the refund's or return's id) (app.domain.outbox).
    __table_args__ = (UniqueConstraint("order_id", "kind", "subject_id", name="uq_outbox_order_kind_subject"),)
    id: Mapped[str] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(default=OutboxKind.SALE.value)
    subject_id: Mapped[str] = mapped_column(default="", server_default="")
    state: Mapped[str] = mapped_column(index=True)  # one of app.domain.outbox.STATES
    step: Mapped[int] = mapped_column(default=0)  # steps finished, 0..STEPS
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)  # server ids learnt so far
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None]
    next_attempt_at: Mapped[datetime | None]
    server_order_id: Mapped[str | None]
    server_display_id: Mapped[int | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PrintRow(Base):
    """Every print and reprint of an invoice or receipt, so a reprint can say which copy it is."""

    __tablename__ = "prints"
    id: Mapped[str] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[str]  # a4 | receipt
    copy_number: Mapped[int]
    archive_path: Mapped[str | None]
    destination: Mapped[str | None]  # printer name, file or escpos host
    printed_at: Mapped[datetime]
    staff_id: Mapped[str | None]
    approver_id: Mapped[str | None]
    __table_args__ = (UniqueConstraint("order_id", "kind", "copy_number", name="uq_prints_order_kind_copy"),)



# -- staff and the audit log (0004) ------------------------------------------------------------
class StaffRow(Base):
    """A staff account. The PIN is only ever here as a salted scrypt hash with its parameters."""

    __tablename__ = "staff"
    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    name_key: Mapped[str] = mapped_column(unique=True)  # the name folded, so "ann" and "Ann" are one
    role: Mapped[str]
    pin_hash: Mapped[str]
    active: Mapped[bool] = mapped_column(default=True)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]


class AuditRow(Base):
    """Append-only (triggers refuse UPDATE and DELETE); the hash chain shows any edit anyway.
    Everything hashed is stored as text, exactly as it was hashed."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str]
    till: Mapped[str]
    staff_id: Mapped[str | None]
    action: Mapped[str] = mapped_column(index=True)
    subject: Mapped[str | None]
    details: Mapped[str]  # canonical JSON
    prev_hash: Mapped[str]
    hash: Mapped[str]
# -- shifts and the cash drawer ----------------------------------------------------------------
class ShiftRow(Base):
    """A till's shift. The Z report is written in the same commit that closes it."""

    __tablename__ = "shifts"
    __table_args__ = (UniqueConstraint("till_id", "z_number", name="uq_shifts_till_z"),)
    id: Mapped[str] = mapped_column(primary_key=True)
    till_id: Mapped[str]
    currency_code: Mapped[str]
    opening_float: Mapped[dict[str, Any]]  # tender -> decimal text
    opened_at: Mapped[datetime] = mapped_column(index=True)
    opened_by: Mapped[str | None]  # staff id, no foreign key until staff accounts exist
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None]
    counted: Mapped[dict[str, Any] | None] = mapped_column(JSONText, nullable=True)
    z_number: Mapped[int | None]
    report: Mapped[dict[str, Any] | None] = mapped_column(JSONText, nullable=True)


class CashMovementRow(Base):
    __tablename__ = "cash_movements"
    id: Mapped[str] = mapped_column(primary_key=True)
    shift_id: Mapped[str] = mapped_column(ForeignKey("shifts.id"), index=True)
    kind: Mapped[str]  # in | out
    amount: Mapped[Decimal]
    reason: Mapped[str]
    staff_id: Mapped[str | None]
    created_at: Mapped[datetime]


class RefundRow(Base):
    """One refund, with the gapless credit note number taken in the same commit."""

    __tablename__ = "refunds"
    id: Mapped[str] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    credit_note_number: Mapped[str] = mapped_column(unique=True)
    amount: Mapped[Decimal]
    shipping_amount: Mapped[Decimal]
    extra_amount: Mapped[Decimal]
    adjustment: Mapped[Decimal]
    reason: Mapped[str | None]
    lines: Mapped[list[Any]]  # [{line_id, quantity, amount}], amounts as decimal text
    tenders: Mapped[list[Any]]  # [{kind, amount, reference}]
    is_cancellation: Mapped[bool] = mapped_column(default=False)
    staff_id: Mapped[str | None]
    created_at: Mapped[datetime]


class DrawerOpeningRow(Base):
    """Every time the drawer was told to open, and why: a cash payment or refund, or 'no sale'."""

    __tablename__ = "drawer_openings"
    id: Mapped[str] = mapped_column(primary_key=True)
    reason: Mapped[str]
    note: Mapped[str | None]
    shift_id: Mapped[str | None] = mapped_column(ForeignKey("shifts.id"), index=True)
    staff_id: Mapped[str | None]
    destination: Mapped[str | None]
    error: Mapped[str | None]
    created_at: Mapped[datetime]


class ReturnRow(Base):
    __tablename__ = "returns"
    id: Mapped[str] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    refund_id: Mapped[str | None] = mapped_column(ForeignKey("refunds.id"))
    lines: Mapped[list[Any]]  # [{line_id, quantity}]
    restock: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]


Index("ix_variants_search", VariantRow.search_text)
# One open shift per till, kept by the database itself: a second open is refused even if two
# processes race past the service's own check.
Index("uq_shifts_open_till", ShiftRow.till_id, unique=True, sqlite_where=ShiftRow.closed_at.is_(None))
Index("ix_customers_name", CustomerRow.last_name, CustomerRow.first_name)
