"""Medusa v1 request bodies (integers in minor units), built from the sync's neutral records."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from app.domain.money import decimal_str
from app.domain.totals_v1 import to_minor
from app.sync.medusa_v1.client import METADATA_LOCAL_ID_KEY
from app.sync.ports import NeedsAttention, OrderSnapshot

if TYPE_CHECKING:
    from app.sync.store import CustomerInfo

__all__ = ["ADDRESS_FIELDS", "customer_body", "draft_body"]

ADDRESS_FIELDS = ("first_name", "last_name", "phone", "company", "address_1", "address_2", "city",
                  "country_code", "province", "postal_code")


def _address(a: Any) -> dict[str, Any] | None:
    if a is None:
        return None
    out = {f: getattr(a, f) for f in ADDRESS_FIELDS if getattr(a, f, None) not in (None, "")}
    if "country_code" in out:
        out["country_code"] = str(out["country_code"]).lower()
    return out or None


def customer_body(info: CustomerInfo) -> dict[str, Any]:
    """v1 insists on a password for a customer made by an admin: a random one nobody knows
    (the customer can reset it from the shop if they ever want an account)."""
    body: dict[str, Any] = {k: v for k, v in (("email", info.email), ("first_name", info.first_name),
                                              ("last_name", info.last_name), ("phone", info.phone)) if v}
    body["password"] = secrets.token_urlsafe(24)
    body["metadata"] = {"tilldesk_customer_id": info.id}
    return body


def draft_body(snapshot: OrderSnapshot) -> dict[str, Any]:
    """``POST /admin/draft-orders``: v1 wants ``email`` and at least one shipping method, takes
    integer prices, discount codes as ``discounts: [{code}]``, and keeps ``metadata`` on the cart."""
    order = snapshot.order
    cur = order.currency_code
    if not snapshot.email:
        raise NeedsAttention("A Medusa v1 shop needs an e-mail address on every order; add one and retry.")
    if not order.shipping_methods:
        raise NeedsAttention("A Medusa v1 shop needs a shipping method on every order; add one and retry.")
    items: list[dict[str, Any]] = []
    for it in order.items:
        if it.variant_id:
            item: dict[str, Any] = {"variant_id": snapshot.variant_ids.get(it.variant_id, it.variant_id),
                                    "quantity": it.quantity}
            if it.is_custom_price:
                item["unit_price"] = to_minor(it.unit_price, cur)
        else:
            item = {"title": it.title, "unit_price": to_minor(it.unit_price, cur), "quantity": it.quantity}
        if it.metadata:
            item["metadata"] = dict(it.metadata)
        items.append(item)
    body: dict[str, Any] = {
        "email": snapshot.email, "region_id": order.region_id, "no_notification_order": True, "items": items,
        "shipping_methods": [{"option_id": option, "price": to_minor(m.amount, cur)}
                             for m, option in zip(order.shipping_methods, snapshot.shipping_option_ids, strict=True)],
    }
    if snapshot.customer_id:
        body["customer_id"] = snapshot.customer_id
    if order.promo_codes:
        body["discounts"] = [{"code": c} for c in order.promo_codes]
    for key in ("shipping_address", "billing_address"):
        addr = _address(getattr(order, key))
        if addr:
            body[key] = addr
    meta: dict[str, Any] = dict(order.metadata or {})
    meta.update({
        METADATA_LOCAL_ID_KEY: order.id,
        "tilldesk_invoice_number": order.invoice_number,
        "tilldesk_tenders": [{"kind": str(getattr(p.kind, "value", p.kind)), "amount": decimal_str(p.amount),
                              "reference": p.reference} for p in order.payments],
    })
    # Who sold it, in which shift, and the audit log's head as it stood (as on v2).
    if snapshot.staff:
        meta["tilldesk_staff"] = dict(snapshot.staff)
    if snapshot.shift:
        meta["tilldesk_shift"] = snapshot.shift
    if snapshot.audit_head:
        meta["tilldesk_audit_head"] = snapshot.audit_head
    if snapshot.till:  # which till sold it (app/domain/tills.py), as on v2
        meta["tilldesk_till"] = snapshot.till["code"]
        meta["tilldesk_till_id"] = snapshot.till["id"]
    body["metadata"] = meta
    return body
