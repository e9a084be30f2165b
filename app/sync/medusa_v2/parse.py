"""Reading Medusa v2 answers: exact amounts (``raw_*``), totals, payment state."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.domain.money import decimal_str
from app.sync.ports import RemoteMoneyState, RemoteOrder, RemotePayment, RemoteRefund

__all__ = ["TOTAL_FIELDS", "server_amount", "totals_of", "is_paid", "open_collection", "remote_order",
           "is_draft_status"]

#: Order-level totals Medusa returns on a draft and on an order, compared one by one.
TOTAL_FIELDS = ("total", "subtotal", "tax_total", "discount_total", "shipping_total", "item_total")


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, dict) and "value" in value:
        return Decimal(str(value["value"]))
    if isinstance(value, float):  # never expected (the client parses to Decimal); be exact anyway
        return Decimal(repr(value))
    return Decimal(str(value))


def server_amount(obj: dict[str, Any], name: str) -> Decimal | None:
    """Medusa's exact value: ``raw_<name>.value`` when present, else the number itself."""
    raw = obj.get(f"raw_{name}")
    if isinstance(raw, dict) and "value" in raw:
        return _dec(raw)
    return _dec(obj.get(name))


def totals_of(server: dict[str, Any]) -> dict[str, Any]:
    """The parts of a server draft needed to compare totals, as JSON-safe text."""
    out: dict[str, Any] = {}
    for name in TOTAL_FIELDS:
        v = server_amount(server, name)
        if v is not None:
            out[name] = decimal_str(v)
    if isinstance(server.get("items"), list):
        out["items"] = [{"id": it.get("id"), "total": decimal_str(server_amount(it, "total") or Decimal(0))}
                        for it in server["items"]]
    return out


def is_draft_status(server_order: dict[str, Any]) -> bool:
    return server_order.get("status") in (None, "draft")


def is_paid(server_order: dict[str, Any]) -> bool:
    if server_order.get("payment_status") in ("captured", "partially_refunded", "refunded"):
        return True
    summary = server_order.get("summary") or {}
    pending = server_amount(summary, "pending_difference")
    paid = server_amount(summary, "paid_total")
    return pending is not None and pending <= 0 and paid is not None and paid > 0


def open_collection(server_order: dict[str, Any]) -> str | None:
    for pc in server_order.get("payment_collections") or []:
        if pc.get("status") in ("not_paid", "awaiting") and pc.get("id"):
            return str(pc["id"])
    return None


def _display_id(item: dict[str, Any]) -> int | None:
    return int(item["display_id"]) if item.get("display_id") is not None else None


def remote_order(server_order: dict[str, Any]) -> RemoteOrder:
    """An order (or draft) read with ``GET /admin/orders/{id}``."""
    paid = is_paid(server_order)
    return RemoteOrder(
        id=str(server_order["id"]),
        display_id=_display_id(server_order),
        converted=not is_draft_status(server_order) and not server_order.get("is_draft_order", False),
        paid=paid,
        to_pay=None if paid else server_amount(server_order.get("summary") or {}, "pending_difference"),
        open_payment_id=None if paid else open_collection(server_order),
    )


def created_draft(draft: dict[str, Any]) -> RemoteOrder:
    """The answer to ``POST /admin/draft-orders``: its id, display id and exact totals."""
    return RemoteOrder(id=str(draft["id"]), display_id=_display_id(draft), totals=totals_of(draft))


def found_order(item: dict[str, Any], *, in_orders: bool) -> RemoteOrder:
    """A recovery search hit; one found among orders (not drafts) counts as converted."""
    return RemoteOrder(id=str(item["id"]), display_id=_display_id(item),
                       converted=in_orders and not is_draft_status(item))


def payments(server_order: dict[str, Any]) -> list[RemotePayment]:
    """The captured payments of an order, each with the refunds already made on it."""
    out = []
    for pc in server_order.get("payment_collections") or []:
        for p in pc.get("payments") or []:
            if not p.get("id"):
                continue
            refunds = tuple(RemoteRefund(amount=server_amount(r, "amount") or Decimal(0), note=r.get("note"))
                            for r in p.get("refunds") or [])
            out.append(RemotePayment(id=str(p["id"]), amount=server_amount(p, "amount") or Decimal(0),
                                     refunds=refunds))
    return out


def money_state(server_order: dict[str, Any]) -> RemoteMoneyState:
    summary = server_order.get("summary") or {}
    refunded = server_amount(summary, "refunded_total")
    if refunded is None:
        refunded = sum((r.amount for p in payments(server_order) for r in p.refunds), Decimal(0))
    return RemoteMoneyState(status=str(server_order.get("status") or ""),
                            payment_status=str(server_order.get("payment_status") or ""), refunded_total=refunded)
