"""Medusa v2 request bodies, built from the sync's neutral records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.domain.money import decimal_str
from app.services.dto import OrderDTO
from app.sync.ports import OrderSnapshot

if TYPE_CHECKING:
    from app.sync.store import CustomerInfo

__all__ = ["ADDRESS_FIELDS", "customer_body", "draft_body"]

ADDRESS_FIELDS = ("first_name", "last_name", "phone", "company", "address_1", "address_2", "city",
                  "country_code", "province", "postal_code")


def _address(a: Any) -> dict[str, Any] | None:
    if a is None:
        return None
    out = {f: getattr(a, f) for f in ADDRESS_FIELDS if getattr(a, f, None) not in (None, "")}
    return out or None


def customer_body(info: CustomerInfo) -> dict[str, Any]:
    body: dict[str, Any] = {k: v for k, v in (("email", info.email), ("first_name", info.first_name),
                                              ("last_name", info.last_name), ("phone", info.phone),
                                              ("company_name", info.company_name)) if v}
    body["metadata"] = {"tilldesk_customer_id": info.id}
    return body


def _items(order: OrderDTO, mapped: dict[str, str] | Any) -> list[dict[str, Any]]:
    items = []
    for it in order.items:
        if it.variant_id:
            body: dict[str, Any] = {"variant_id": mapped.get(it.variant_id, it.variant_id),
                                    "quantity": it.quantity}
            if it.is_custom_price:
                body["unit_price"] = it.unit_price
        else:
            body = {"title": it.title, "unit_price": it.unit_price, "quantity": it.quantity}
        if it.metadata:
            body["metadata"] = dict(it.metadata)
        items.append(body)
    return items


def draft_body(snapshot: OrderSnapshot) -> dict[str, Any]:
    """``POST /admin/draft-orders``: items by the server's variant id (or custom items with title and
    price), both addresses, shipping, promo codes, and our own ids in ``metadata``."""
    order = snapshot.order
    body: dict[str, Any] = {"region_id": order.region_id, "currency_code": order.currency_code,
                            "items": _items(order, snapshot.variant_ids)}
    if order.sales_channel_id:
        body["sales_channel_id"] = order.sales_channel_id
    if snapshot.customer_id:
        body["customer_id"] = snapshot.customer_id
    if snapshot.email:
        body["email"] = snapshot.email
    for key in ("shipping_address", "billing_address"):
        addr = _address(getattr(order, key))
        if addr:
            body[key] = addr
    methods = [{"shipping_option_id": option, "name": m.name, "amount": m.amount}
               for m, option in zip(order.shipping_methods, snapshot.shipping_option_ids, strict=True)]
    if methods:
        body["shipping_methods"] = methods
    if order.promo_codes:
        body["promo_codes"] = list(order.promo_codes)
    body["metadata"] = {
        "tilldesk_order_id": order.id,
        "tilldesk_invoice_number": order.invoice_number,
        "tilldesk_tenders": [{"kind": str(getattr(p.kind, "value", p.kind)), "amount": decimal_str(p.amount),
                              "reference": p.reference} for p in order.payments],
    }
    # Who sold it, and the audit log's head as it stood: a log rewritten later no longer holds it.
    if snapshot.staff:
        body["metadata"]["tilldesk_staff"] = dict(snapshot.staff)
    if snapshot.audit_head:
        body["metadata"]["tilldesk_audit_head"] = snapshot.audit_head
    if order.metadata:
        body["metadata"] = {**{k: v for k, v in order.metadata.items()}, **body["metadata"]}
    return body
