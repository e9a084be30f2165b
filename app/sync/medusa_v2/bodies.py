"""Medusa v2 request bodies, built from the sync's neutral records."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.domain.money import decimal_str, div
from app.services.dto import OrderDTO
from app.sync.ports import OrderSnapshot

if TYPE_CHECKING:
    from app.sync.store import CustomerInfo

__all__ = ["ADDRESS_FIELDS", "customer_body", "draft_body", "net_of_tax"]

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


def net_of_tax(price: Decimal, rate: Decimal) -> Decimal | str:
    """A price with ``rate`` % tax inside, as the net price Medusa adds that tax back onto.

    Medusa 2.21.2 takes a price given in a draft-order request (a custom item's ``unit_price``, a
    shipping method's ``amount``) as tax-exclusive: its route drops ``is_tax_inclusive``, so a
    12.00 typed in a tax-inclusive region would be charged 14.28. Sent net, the server's tax on it
    gives back the typed price. Divided like Medusa (20 places) and sent as a decimal string,
    which the server keeps exact, where a JSON number would pass through a float (19.4999...)."""
    if not rate:
        return price
    return decimal_str(div(price, 1 + div(rate, Decimal(100))))


def _items(order: OrderDTO, mapped: dict[str, str] | Any) -> list[dict[str, Any]]:
    items = []
    for it in order.items:
        if it.variant_id:
            body: dict[str, Any] = {"variant_id": mapped.get(it.variant_id, it.variant_id),
                                    "quantity": it.quantity}
            if it.is_custom_price:
                # An override of a catalog price takes the variant's price preference on the
                # server (tax-inclusive in such a region): sent as typed (checked on 2.21.2).
                body["unit_price"] = it.unit_price
        else:
            price = net_of_tax(it.unit_price, it.tax_rate) if it.is_tax_inclusive else it.unit_price
            body = {"title": it.title, "unit_price": price, "quantity": it.quantity}
        # Our line id goes with the line: a return finds the server's item by it.
        body["metadata"] = {**dict(it.metadata or {}), "tilldesk_line_id": it.id}
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
    rates = [t.tax_rate for t in order.totals.shipping_methods]
    methods = [{"shipping_option_id": option, "name": m.name,
                "amount": net_of_tax(m.amount, rate) if m.is_tax_inclusive else m.amount}
               for m, option, rate in zip(order.shipping_methods, snapshot.shipping_option_ids, rates, strict=True)]
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
    if snapshot.shift:
        body["metadata"]["tilldesk_shift"] = snapshot.shift
    if snapshot.till:  # which till sold it: its code (in the invoice number) and its identity
        body["metadata"]["tilldesk_till"] = snapshot.till["code"]
        body["metadata"]["tilldesk_till_id"] = snapshot.till["id"]
    if order.metadata:
        body["metadata"] = {**{k: v for k, v in order.metadata.items()}, **body["metadata"]}
    return body
