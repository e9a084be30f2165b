"""Building the frozen DTOs from domain objects, prices and the order snapshot."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.domain.draft_order import DraftOrder
from app.domain.listing import display_name
from app.domain.order import Order, OrderStatus, PaymentStatus
from app.domain.outbox import STEPS, OutboxEntry
from app.domain.pricing import PricedDraft, price_draft, totals_rules
from app.domain.totals import Adjustment, LineTotals, OrderTotals

from .context import UnitOfWork
from .dto import DraftOrderDTO, LineItemDTO, OrderDTO, ShippingMethodDTO, SyncStateDTO
from .exchange_credit import credit_of
from .snapshot import totals_from_dict


def price(uow: UnitOfWork, draft: DraftOrder, *, strict: bool) -> PricedDraft:
    region = uow.catalog.region(draft.region_id)
    return price_draft(draft, region, uow.catalog.tax_rates(), uow.catalog.promotions(), strict=strict,
                       rules=rules_of(uow))


def rules_of(uow: UnitOfWork) -> str:
    """The totals strategy of the till's backend kind: a v1 shop computes in rounded integers."""
    kind = uow.settings.get("backend_kind")
    return totals_rules(kind if isinstance(kind, str) else None)


def customer_name(uow: UnitOfWork, draft: DraftOrder) -> str:
    """The one rule of app.domain.listing.display_name, which the list's single query uses too."""
    name = None
    if draft.customer_id:
        try:
            name = uow.customers.get(draft.customer_id).full_name
        except Exception:  # a customer removed by a later sync still leaves the draft readable
            pass
    billing, shipping = draft.billing_address, draft.shipping_address
    return display_name(name, billing.full_name if billing else None, shipping.full_name if shipping else None,
                        draft.email)


def search_text(uow: UnitOfWork, draft: DraftOrder, invoice_number: str | None = None) -> str:
    parts: list[str] = [f"#{draft.display_id}", str(draft.display_id), draft.email or "", customer_name(uow, draft)]
    for addr in (draft.shipping_address, draft.billing_address):
        if addr is not None:
            parts += [addr.full_name, addr.company or "", addr.phone or "",
                      "".join(c for c in addr.phone or "" if c.isdigit())]
    if draft.customer_id:
        try:
            c = uow.customers.get(draft.customer_id)
            parts += [c.phone or "", "".join(ch for ch in c.phone or "" if ch.isdigit())]
        except Exception:
            pass
    if invoice_number:
        parts.append(invoice_number)
    return " ".join(p.lower() for p in parts if p)


def _items(draft: DraftOrder, totals: OrderTotals, adjustments: dict[str, list[Adjustment]]) -> tuple[LineItemDTO, ...]:
    by_id: dict[str, LineTotals] = {t.id: t for t in totals.items}
    out = []
    for it in draft.items:
        t = by_id[it.id]
        out.append(LineItemDTO(
            id=it.id, title=it.title, subtitle=it.subtitle, variant_id=it.variant_id, product_id=it.product_id,
            variant_sku=it.variant_sku, variant_barcode=it.variant_barcode, variant_title=it.variant_title,
            product_title=it.product_title, quantity=it.quantity, unit_price=it.unit_price,
            is_custom_price=it.is_custom_price, is_tax_inclusive=it.is_tax_inclusive, subtotal=t.subtotal,
            discount_subtotal=t.discount_subtotal, discount_total=t.discount_total, tax_total=t.tax_total,
            total=t.total, tax_rate=t.tax_rate,
            adjustments=tuple((a.code, a.amount) for a in adjustments.get(it.id, [])),
            metadata=dict(it.metadata), created_at=it.created_at))
    return tuple(out)


def _methods(draft: DraftOrder, totals: OrderTotals) -> tuple[ShippingMethodDTO, ...]:
    by_id = {t.id: t for t in totals.shipping_methods}
    return tuple(ShippingMethodDTO(
        id=m.id, name=m.name, shipping_option_id=m.shipping_option_id, amount=m.amount,
        is_custom_amount=m.is_custom_amount, is_tax_inclusive=m.is_tax_inclusive,
        subtotal=by_id[m.id].subtotal, discount_total=by_id[m.id].discount_total,
        tax_total=by_id[m.id].tax_total, total=by_id[m.id].total) for m in draft.shipping_methods)


def _region_info(uow: UnitOfWork, region_id: str) -> tuple[str, bool]:
    try:
        r = uow.catalog.region(region_id)
        return r.name, r.is_tax_inclusive
    except Exception:
        return region_id, False


def _from_draft(uow: UnitOfWork, draft: DraftOrder, totals: OrderTotals,
                adjustments: dict[str, list[Adjustment]]) -> dict[str, Any]:
    """The fields a draft and the order paid from it both show, taken from the draft."""
    return dict(customer_name=customer_name(uow, draft), sales_channel_id=draft.sales_channel_id,
                items=_items(draft, totals, adjustments), shipping_address=draft.shipping_address,
                billing_address=draft.billing_address, shipping_methods=_methods(draft, totals),
                promo_codes=tuple(draft.promo_codes), metadata=dict(draft.metadata))


def draft_dto(uow: UnitOfWork, draft: DraftOrder) -> DraftOrderDTO:
    problems: tuple[tuple[str, str], ...] = ()
    if draft.order_id is not None:
        # A paid draft shows what was paid, frozen at Mark Paid.
        totals, adjustments = totals_from_dict(uow.orders.totals_snapshot(draft.order_id))
        discounts: dict[str, Decimal] = {}
        for adjs in adjustments.values():
            for a in adjs:
                discounts[a.code] = discounts.get(a.code, Decimal(0)) + a.amount
    else:
        priced = price(uow, draft, strict=False)
        totals, adjustments = priced.totals, priced.adjustments
        discounts, problems = priced.promo_discounts, priced.problems
    region_name, incl = _region_info(uow, draft.region_id)
    return DraftOrderDTO(
        id=draft.id, display_id=draft.display_id, status=draft.status.value, is_editable=draft.is_editable,
        region_id=draft.region_id, region_name=region_name, currency_code=draft.currency_code,
        is_tax_inclusive=incl, email=draft.email, customer_id=draft.customer_id,
        promo_discounts=tuple(discounts.items()), promo_problems=problems,
        no_notification_order=draft.no_notification_order, idempotency_key=draft.idempotency_key,
        order_id=draft.order_id, canceled_at=draft.canceled_at, **_from_draft(uow, draft, totals, adjustments),
        completed_at=draft.completed_at, created_at=draft.created_at, updated_at=draft.updated_at, totals=totals,
        exchange_credit=credit_of(uow, draft))


def sync_dto(row: OutboxEntry | None) -> SyncStateDTO | None:
    if row is None:
        return None
    return SyncStateDTO(state=row.state, step=row.step, steps=STEPS, attempts=row.attempts,
                        last_error=row.last_error, server_order_id=row.server_order_id,
                        server_display_id=row.server_display_id, updated_at=row.updated_at)


def allowed_actions(order: Order) -> tuple[str, ...]:
    actions = []
    if order.status is OrderStatus.PENDING:
        actions.append("complete")
    if order.status not in (OrderStatus.CANCELED, OrderStatus.ARCHIVED) \
            and order.payment_status is not PaymentStatus.REFUNDED:
        actions.append("cancel")
    if order.status is OrderStatus.COMPLETED or (order.payment_status is PaymentStatus.REFUNDED
                                                  and order.status is not OrderStatus.ARCHIVED):
        actions.append("archive")
    if order.status is not OrderStatus.CANCELED and order.payment_status in (
            PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED):
        actions.append("refund")
    return tuple(actions)


def order_dto(uow: UnitOfWork, order: Order) -> OrderDTO:
    draft = uow.drafts.get(order.draft_order_id)
    totals, adjustments = totals_from_dict(uow.orders.totals_snapshot(order.id))
    totals_paid = OrderTotals(**{**{f: getattr(totals, f) for f in totals.__dataclass_fields__},
                                 "paid_total": order.paid_total, "refunded_total": order.refunded_total})
    _, incl = _region_info(uow, order.region_id)
    return OrderDTO(
        id=order.id, display_id=order.display_id, status=order.status.value,
        payment_status=order.payment_status.value, fulfillment_status=order.fulfillment_status.value,
        invoice_number=order.invoice_number, draft_order_id=draft.id, draft_display_id=draft.display_id,
        region_id=order.region_id, currency_code=order.currency_code, is_tax_inclusive=incl, email=order.email,
        customer_id=order.customer_id, payments=tuple(order.payments), totals=totals_paid,
        change_given=order.change_given, external_id=order.external_id, canceled_at=order.canceled_at,
        **_from_draft(uow, draft, totals, adjustments),
        completed_at=order.completed_at, archived_at=order.archived_at, created_at=order.created_at,
        sync=sync_dto(uow.outbox.for_order(order.id)),
        print_counts={k: uow.prints.count(order.id, k) for k in ("a4", "receipt")},
        allowed_actions=allowed_actions(order), refunds=tuple(uow.refunds.for_order(order.id)),
        returns=tuple(uow.refunds.returns_for_order(order.id)))
