"""Reading Medusa v1 answers: integer minor units back to exact major units, and v1's totals
renamed to the meanings the push compares (``subtotal`` with shipping, ``shipping_total`` and
``item_total`` with tax, as in :class:`app.domain.totals.OrderTotals`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.domain.money import decimal_str
from app.domain.totals_v1 import from_minor
from app.sync.ports import RemoteMoneyState, RemoteOrder, RemotePayment, RemoteRefund

__all__ = ["totals_of", "remote_draft", "remote_order", "payment_of", "money_state", "PAID_STATUSES"]

PAID_STATUSES = ("captured", "partially_refunded", "refunded")


def _int(d: dict[str, Any], key: str) -> int:
    value = d.get(key)
    return int(value) if isinstance(value, int | Decimal) else 0


def totals_of(obj: dict[str, Any], currency_code: str | None = None) -> dict[str, Any]:
    """A cart's or an order's totals, JSON-safe (exact decimal strings in major units)."""
    cur = str(currency_code or obj.get("currency_code") or (obj.get("region") or {}).get("currency_code") or "usd")
    sub, disc = _int(obj, "subtotal"), _int(obj, "discount_total")
    ship, ship_tax = _int(obj, "shipping_total"), _int(obj, "shipping_tax_total")
    item_tax = _int(obj, "item_tax_total")

    def major(x: int) -> str:
        return decimal_str(from_minor(x, cur))

    return {"total": major(_int(obj, "total")), "subtotal": major(sub + ship),
            "tax_total": major(_int(obj, "tax_total")),
            "discount_total": major(disc), "shipping_total": major(ship + ship_tax),
            "item_total": major(sub - disc + item_tax), "currency_code": cur,
            "items": [str(i.get("id")) for i in obj.get("items") or []]}


def remote_draft(draft: dict[str, Any]) -> RemoteOrder:
    """A draft not yet paid. v1 drafts have their own display ids, so none is reported: the
    order's comes after ``/pay``."""
    cart = draft.get("cart") or {}
    cur = (cart.get("region") or {}).get("currency_code")
    return RemoteOrder(id=str(draft["id"]), display_id=None, converted=False, paid=False,
                       to_pay=from_minor(_int(cart, "total"), cur or "usd") if cart else None,
                       totals=totals_of(cart, cur) if cart.get("total") is not None else None)


def remote_order(order: dict[str, Any]) -> RemoteOrder:
    paid = order.get("payment_status") in PAID_STATUSES
    cur = str(order.get("currency_code") or "usd")
    due = max(_int(order, "total") - _int(order, "paid_total"), 0)
    return RemoteOrder(id=str(order["id"]), order_id=str(order["id"]), display_id=order.get("display_id"),
                       converted=True, paid=paid,
                       to_pay=Decimal(0) if paid else from_minor(due, cur), totals=totals_of(order, cur))


def payment_of(order: dict[str, Any]) -> RemotePayment:
    """v1 refunds an order, not a payment: the whole captured amount is one "payment" whose id is
    the order's, with the order's refunds (our refund id in each one's ``note``)."""
    cur = str(order.get("currency_code") or "usd")
    refunds = tuple(RemoteRefund(from_minor(_int(r, "amount"), cur), r.get("note"))
                    for r in order.get("refunds") or [])
    return RemotePayment(id=str(order["id"]), amount=from_minor(_int(order, "paid_total"), cur), refunds=refunds)


def money_state(order: dict[str, Any]) -> RemoteMoneyState:
    """v1's figures in the engine's terms. A canceled v1 order keeps ``refunded_total`` 0 and says
    ``payment_status: canceled``: its captured payment was canceled (given back whole) rather
    than refunded, which Tilldesk reads as everything captured refunded."""
    cur = str(order.get("currency_code") or "usd")
    status, payment = str(order.get("status") or ""), str(order.get("payment_status") or "")
    refunded = _int(order, "refunded_total")
    if status == "canceled" and payment == "canceled":
        paid = _int(order, "paid_total")
        return RemoteMoneyState(status=status, payment_status="refunded" if paid else payment,
                                refunded_total=from_minor(paid, cur))
    return RemoteMoneyState(status=status, payment_status=payment, refunded_total=from_minor(refunded, cur))
