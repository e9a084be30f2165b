"""Orders, created from a draft when it is paid, with the lifecycle of Medusa's orders document."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from .errors import InvalidTransition


class OrderStatus(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    ARCHIVED = "archived"
    CANCELED = "canceled"
    REQUIRES_ACTION = "requires_action"


class PaymentStatus(StrEnum):
    NOT_PAID = "not_paid"
    AWAITING = "awaiting"
    CAPTURED = "captured"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    CANCELED = "canceled"


class FulfillmentStatus(StrEnum):
    NOT_FULFILLED = "not_fulfilled"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    FULFILLED = "fulfilled"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    PARTIALLY_RETURNED = "partially_returned"
    RETURNED = "returned"
    CANCELED = "canceled"


class TenderKind(StrEnum):
    CASH = "cash"
    CARD = "card"
    OTHER = "other"
    #: Goods handed back in an exchange: the credit a refund gives, spent on the new order
    #: (app.domain.exchange). Never offered as a tender of its own.
    EXCHANGE_CREDIT = "exchange_credit"


@dataclass(frozen=True, slots=True)
class Payment:
    """One tender at Mark Paid. `amount` is what it pays towards the order; for cash,
    `amount_tendered` is what the customer handed over and `change_given` what went back."""

    id: str
    kind: TenderKind
    amount: Decimal
    amount_tendered: Decimal
    change_given: Decimal
    reference: str | None
    created_at: datetime
    staff_id: str | None = None  # who took it (None: staff is off)


@dataclass(slots=True)
class Order:
    id: str
    display_id: int
    draft_order_id: str
    currency_code: str
    region_id: str
    invoice_number: str
    email: str | None = None
    customer_id: str | None = None
    status: OrderStatus = OrderStatus.PENDING
    payment_status: PaymentStatus = PaymentStatus.CAPTURED
    fulfillment_status: FulfillmentStatus = FulfillmentStatus.NOT_FULFILLED
    external_id: str | None = None
    canceled_at: datetime | None = None
    completed_at: datetime | None = None
    archived_at: datetime | None = None
    created_at: datetime | None = None
    payments: list[Payment] = field(default_factory=list)
    refunded_total: Decimal = Decimal(0)
    no_notification: bool = False
    staff_id: str | None = None  # who marked it paid
    approver_id: str | None = None  # who approved a guarded action on it

    @property
    def paid_total(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal(0))

    @property
    def refundable_amount(self) -> Decimal:
        return self.paid_total - self.refunded_total

    @property
    def change_given(self) -> Decimal:
        return sum((p.change_given for p in self.payments), Decimal(0))

    # -- lifecycle (orders document: archive only once completed or refunded; no cancel once
    #    fully refunded or with live fulfillments; a partly refunded order may be canceled, and
    #    its cancel refunds the rest, as Medusa's cancel refunds what is captured and not refunded)
    def complete(self, now: datetime) -> None:
        if self.status is not OrderStatus.PENDING:
            raise InvalidTransition(f"order #{self.display_id} is {self.status.value}; "
                                    "only a pending order can be completed",
                                    field="status")
        self.status = OrderStatus.COMPLETED
        self.completed_at = now

    def cancel(self, now: datetime) -> None:
        if self.status in (OrderStatus.CANCELED, OrderStatus.ARCHIVED):
            raise InvalidTransition(f"order #{self.display_id} is {self.status.value} and cannot be canceled",
                                    field="status")
        if self.payment_status is PaymentStatus.REFUNDED:
            raise InvalidTransition(f"order #{self.display_id} has been refunded in full and cannot be canceled",
                                    field="status")
        if self.fulfillment_status not in (FulfillmentStatus.NOT_FULFILLED, FulfillmentStatus.CANCELED):
            raise InvalidTransition(f"order #{self.display_id} has fulfillments that are not canceled", field="status")
        self.status = OrderStatus.CANCELED
        self.canceled_at = now

    def archive(self, now: datetime) -> None:
        if self.status is OrderStatus.ARCHIVED:
            raise InvalidTransition(f"order #{self.display_id} is already archived", field="status")
        if not (self.status is OrderStatus.COMPLETED or self.payment_status is PaymentStatus.REFUNDED):
            raise InvalidTransition(
                f"order #{self.display_id} is {self.status.value}; only a completed or refunded order can be archived",
                field="status")
        self.status = OrderStatus.ARCHIVED
        self.archived_at = now
