"""DTOs in Medusa's response shapes, for the command line and scripts: {"draft_order": {...}} etc.
Amounts are Decimals (written as exact JSON numbers), with `raw_*` twins like Medusa's."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from app.domain.address import Address
from app.domain.catalog import Customer, Promotion, Region, ShippingOption, Variant
from app.domain.money import money_str, normalize
from app.domain.refunds import OrderReturn, Refund
from app.domain.totals import LineTotals, OrderTotals

from .dto import DraftOrderDTO, LineItemDTO, ListEntryDTO, OrderDTO, ShippingMethodDTO

ORDER_TOTAL_FIELDS = (
    "item_subtotal", "item_tax_total", "item_total", "item_discount_total", "original_item_subtotal",
    "original_item_tax_total", "original_item_total", "shipping_subtotal", "shipping_tax_total", "shipping_total",
    "shipping_discount_total", "original_shipping_subtotal", "original_shipping_tax_total",
    "original_shipping_total", "subtotal", "original_subtotal", "discount_subtotal", "discount_tax_total",
    "discount_total", "tax_total", "original_tax_total", "original_total", "total", "paid_total", "refunded_total",
)


def _n(v: Decimal) -> Decimal:
    return normalize(v)


def _raw(v: Decimal) -> dict[str, Any]:
    return {"value": format(_n(v), "f"), "precision": 20}


def totals_fields(t: OrderTotals) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in ORDER_TOTAL_FIELDS:
        out[f] = _n(getattr(t, f))
    out["refundable_amount"] = _n(t.refundable_amount)
    out["pending_difference"] = _n(t.pending_difference)
    out["amount_due"] = t.amount_due
    for f in ("subtotal", "tax_total", "discount_total", "shipping_total", "total"):
        out[f"raw_{f}"] = _raw(getattr(t, f))
    out["tax_lines"] = [{"code": x.code, "name": x.name, "rate": _n(x.rate), "taxable_amount": _n(x.taxable_amount),
                         "amount": _n(x.amount)} for x in t.taxes]
    return out


def address(a: Address | None) -> dict[str, Any] | None:
    return None if a is None else dataclasses.asdict(a)


def line_item(i: LineItemDTO) -> dict[str, Any]:
    return {
        "id": i.id, "title": i.title, "subtitle": i.subtitle, "variant_id": i.variant_id, "product_id": i.product_id,
        "variant_sku": i.variant_sku, "variant_barcode": i.variant_barcode, "variant_title": i.variant_title,
        "product_title": i.product_title, "quantity": i.quantity, "unit_price": _n(i.unit_price),
        "is_custom_price": i.is_custom_price, "is_tax_inclusive": i.is_tax_inclusive, "metadata": i.metadata,
        "subtotal": _n(i.subtotal), "discount_subtotal": _n(i.discount_subtotal),
        "discount_total": _n(i.discount_total),
        "tax_total": _n(i.tax_total), "total": _n(i.total), "tax_rate": _n(i.tax_rate),
        "adjustments": [{"code": c, "amount": _n(a)} for c, a in i.adjustments],
        "raw_total": _raw(i.total),
    }


def shipping_method(m: ShippingMethodDTO) -> dict[str, Any]:
    return {"id": m.id, "name": m.name, "shipping_option_id": m.shipping_option_id, "amount": _n(m.amount),
            "is_custom_amount": m.is_custom_amount, "is_tax_inclusive": m.is_tax_inclusive,
            "subtotal": _n(m.subtotal), "discount_total": _n(m.discount_total), "tax_total": _n(m.tax_total),
            "total": _n(m.total)}


def draft_order(d: DraftOrderDTO) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": d.id, "display_id": d.display_id, "status": d.status, "email": d.email, "customer_id": d.customer_id,
        "customer_name": d.customer_name, "region_id": d.region_id, "currency_code": d.currency_code,
        "sales_channel_id": d.sales_channel_id, "is_tax_inclusive": d.is_tax_inclusive,
        "items": [line_item(i) for i in d.items], "shipping_address": address(d.shipping_address),
        "billing_address": address(d.billing_address),
        "shipping_methods": [shipping_method(m) for m in d.shipping_methods],
        "promotions": [{"code": c, "discount": _n(a)} for c, a in d.promo_discounts],
        "promo_codes": list(d.promo_codes),
        "promo_problems": [{"code": c, "message": msg} for c, msg in d.promo_problems],
        "no_notification_order": d.no_notification_order, "idempotency_key": d.idempotency_key,
        "metadata": d.metadata, "order_id": d.order_id, "canceled_at": d.canceled_at,
        "completed_at": d.completed_at, "created_at": d.created_at, "updated_at": d.updated_at,
    }
    out.update(totals_fields(d.totals))
    if d.exchange_credit:
        out["exchange_credit"] = _n(d.exchange_credit)  # applied first at Mark Paid
    return out


def order(o: OrderDTO) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": o.id, "display_id": o.display_id, "status": o.status, "payment_status": o.payment_status,
        "fulfillment_status": o.fulfillment_status, "invoice_number": o.invoice_number,
        "draft_order_id": o.draft_order_id, "external_id": o.external_id, "email": o.email,
        "customer_id": o.customer_id, "customer_name": o.customer_name, "region_id": o.region_id,
        "currency_code": o.currency_code, "sales_channel_id": o.sales_channel_id,
        "items": [line_item(i) for i in o.items], "shipping_address": address(o.shipping_address),
        "billing_address": address(o.billing_address),
        "shipping_methods": [shipping_method(m) for m in o.shipping_methods], "promo_codes": list(o.promo_codes),
        "payments": [{"id": p.id, "provider_id": f"tilldesk_{p.kind.value}", "tender": p.kind.value,
                      "amount": p.amount, "amount_tendered": p.amount_tendered, "change_given": p.change_given,
                      "reference": p.reference, "created_at": p.created_at} for p in o.payments],
        "change_given": o.change_given, "metadata": o.metadata, "canceled_at": o.canceled_at,
        "completed_at": o.completed_at, "archived_at": o.archived_at, "created_at": o.created_at,
        "allowed_actions": list(o.allowed_actions), "print_counts": o.print_counts,
        "sync": None if o.sync is None else {
            "state": o.sync.state, "step": o.sync.step, "steps": o.sync.steps, "attempts": o.sync.attempts,
            "last_error": o.sync.last_error, "server_order_id": o.sync.server_order_id,
            "server_display_id": o.sync.server_display_id, "label": o.sync.label},
    }
    out.update(totals_fields(o.totals))
    out["refunds"] = [refund(r) for r in o.refunds]
    out["returns"] = [order_return(r) for r in o.returns]
    t = o.totals
    out["summary"] = {"paid_total": _n(t.paid_total), "refunded_total": _n(t.refunded_total),
                      "transaction_total": _n(t.paid_total - t.refunded_total),
                      "pending_difference": _n(t.pending_difference),
                      "credit_line_total": _n(t.refunded_total), "raw_refunded_total": _raw(t.refunded_total)}
    return out


def refund(r: Refund) -> dict[str, Any]:
    """A refund in the shape of Medusa's payment refunds, with the till's credit note and tenders."""
    return {"id": r.id, "order_id": r.order_id, "amount": _n(r.amount), "raw_amount": _raw(r.amount),
            "note": r.reason, "credit_note_number": r.credit_note_number, "is_cancellation": r.is_cancellation,
            "items": [{"item_id": x.line_id, "quantity": x.quantity, "amount": _n(x.amount)} for x in r.lines],
            "shipping_amount": _n(r.shipping_amount), "extra_amount": _n(r.extra_amount),
            "adjustment": _n(r.adjustment),
            "tenders": [{"tender": t.kind.value, "amount": _n(t.amount), "reference": t.reference} for t in r.tenders],
            "created_by": r.staff_id, "created_at": r.created_at}


def order_return(r: OrderReturn) -> dict[str, Any]:
    """A return in the shape of Medusa's returns (received at the till)."""
    return {"id": r.id, "order_id": r.order_id, "refund_id": r.refund_id, "status": "received",
            "restock": r.restock, "created_at": r.created_at, "received_at": r.created_at,
            "items": [{"item_id": x.line_id, "quantity": x.quantity, "received_quantity": x.quantity}
                      for x in r.lines]}


def list_entry(e: ListEntryDTO) -> dict[str, Any]:
    d = dataclasses.asdict(e)
    d["total"] = _n(e.total)
    d["total_display"] = money_str(e.total, e.currency_code)
    return d


def catalog_item(x: Any) -> dict[str, Any]:
    if isinstance(x, (Variant, Region, ShippingOption, Customer, Promotion)):
        plain: dict[str, Any] = _plain(dataclasses.asdict(x))
        return plain
    raise TypeError(type(x).__name__)


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, Decimal):
        return _n(v)
    if hasattr(v, "value") and type(v).__module__.startswith("app.domain"):
        return v.value
    return v


__all__ = ["draft_order", "order", "refund", "order_return", "list_entry", "catalog_item", "totals_fields",
           "LineTotals"]
