"""Reading the Medusa v1 `POST /admin/draft-orders` body (integer minor-unit prices,
`discounts[].code`, `shipping_methods[].option_id` and `price`) into Tilldesk's v2-shaped command."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.domain.errors import InvalidValue
from app.domain.money import minor_units

V1_FIELDS = {"email", "region_id", "customer_id", "no_notification_order", "status", "metadata", "discounts",
             "shipping_methods", "items", "billing_address", "shipping_address", "idempotency_key"}


def _minor(value: Any, currency: str, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue("must be an integer amount in minor units (e.g. 1250 for 12.50)", field=field)
    return Decimal(value).scaleb(-minor_units(currency))


def _address(a: Any) -> Any:
    if not isinstance(a, dict):
        return a
    # v1 examples send phone and postal code as numbers; they are text.
    return {k: (str(v) if k in ("phone", "postal_code") and isinstance(v, int) else v) for k, v in a.items()}


def from_v1(body: dict[str, Any], currency_code: str) -> dict[str, Any]:
    unknown = sorted(set(body) - V1_FIELDS)
    if unknown:
        raise InvalidValue("is not a field of the Medusa v1 draft-order body", field=unknown[0])
    if body.get("status") not in (None, "open"):
        raise InvalidValue("a new draft order can only be open", field="status")
    out: dict[str, Any] = {k: body[k] for k in ("email", "region_id", "customer_id", "no_notification_order",
                                                "metadata", "idempotency_key") if k in body}
    for key in ("items", "shipping_methods", "discounts"):
        if body.get(key) is not None and not isinstance(body[key], list):
            raise InvalidValue("must be a list", field=key)
    for key in ("shipping_address", "billing_address", "metadata"):
        if body.get(key) is not None and not isinstance(body[key], dict):
            raise InvalidValue("must be an object", field=key)
    items = []
    for i, it in enumerate(body.get("items") or []):
        if not isinstance(it, dict):
            raise InvalidValue("must be an object", field=f"items.{i}")
        item = {k: it[k] for k in ("variant_id", "title", "quantity", "metadata") if k in it}
        if it.get("unit_price") is not None:
            item["unit_price"] = _minor(it["unit_price"], currency_code, f"items.{i}.unit_price")
        items.append(item)
    out["items"] = items
    methods = []
    for i, m in enumerate(body.get("shipping_methods") or []):
        if not isinstance(m, dict):
            raise InvalidValue("must be an object", field=f"shipping_methods.{i}")
        method: dict[str, Any] = {"shipping_option_id": m.get("option_id")}
        if m.get("price") is not None:
            method["amount"] = _minor(m["price"], currency_code, f"shipping_methods.{i}.price")
        methods.append(method)
    out["shipping_methods"] = methods
    out["promo_codes"] = [d["code"] for d in body.get("discounts") or [] if isinstance(d, dict) and d.get("code")]
    for k in ("shipping_address", "billing_address"):
        if body.get(k) is not None:
            out[k] = _address(body[k])
    return out
