"""Medusa v2's returns workflow as the sync's :class:`app.sync.ports.ReturnsPort` (checked on 2.21.2).

- Only fulfilled units can be returned: ``POST /admin/orders/{id}/fulfillments`` with the items and
  our marker in ``metadata`` (the server picks the stock location).
- ``POST /admin/returns {order_id, metadata}`` opens a return (status ``open``) and an order change;
  ``request-items`` adds actions to that change (the return's own items show only once it is
  confirmed by ``request``: status ``requested``); ``receive`` opens a second change,
  ``receive-items`` fills it and ``receive/confirm`` applies it (status ``received``, the items'
  ``detail.return_received_quantity`` moves). No ``refund_amount`` is ever sent: the money went
  back as a payment refund of its own, and confirming a receipt refunds nothing.
- An order has one active change at a time; ``GET /admin/orders/{id}/changes`` tells which, and its
  actions tell what a half-done request or receipt already holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from app.sync.errors import MedusaRequestError
from app.sync.medusa_v2.client import MedusaClient
from app.sync.medusa_v2.wire import seg, unwrap
from app.sync.ports import NeedsAttention, RemoteItem, RemoteReturn

__all__ = ["MedusaV2Returns", "MARKER"]

#: The metadata key naming the till's return on a fulfillment and a return.
MARKER = "tilldesk_return_id"
ITEM_FIELDS = ("id,items.id,items.title,items.variant_id,items.quantity,items.metadata,"
               "items.detail.quantity,items.detail.fulfilled_quantity,items.detail.return_requested_quantity,"
               "items.detail.return_received_quantity")
CHANGE_FIELDS = "id,status,change_type,return_id,actions.action,actions.details,actions.return_id"
ACTIVE = ("pending", "requested")
#: Change type -> what ``RemoteReturn.change`` calls it, and the actions that count in it.
CHANGES = {"return_request": ("request", ("RETURN_ITEM",)),
           "return_receive": ("receive", ("RECEIVE_RETURN_ITEM", "RECEIVE_DAMAGED_RETURN_ITEM"))}


def _qty(value: Any) -> int:
    if isinstance(value, dict):  # a raw amount {"value": "2", "precision": 20}
        value = value.get("value")
    return int(Decimal(str(value or 0)))


class MedusaV2Returns:
    def __init__(self, client: MedusaClient) -> None:
        self.client = client

    def _get(self, path: str, key: str, fields: str, **params: Any) -> Any:
        got = self.client.request("GET", path, params={"fields": fields, **params})
        return got.get(key) if isinstance(got, dict) else None

    def _post(self, path: str, body: Mapping[str, Any], what: str) -> dict[str, Any]:
        try:
            got = self.client.request("POST", path, body=dict(body))
        except MedusaRequestError as exc:
            if exc.status in (400, 404, 409, 422):
                raise NeedsAttention(f"The shop server refused to {what}: {exc.server_message or exc}") from exc
            raise
        return got if isinstance(got, dict) else {}

    # -- reading -------------------------------------------------------------------------------
    def order_items(self, order_id: str) -> list[RemoteItem]:
        order = self._get(f"/admin/orders/{seg(order_id)}", "order", ITEM_FIELDS) or {}
        out = []
        for it in order.get("items") or []:
            detail = it.get("detail") or {}
            meta = it.get("metadata") or {}
            out.append(RemoteItem(
                id=str(it["id"]), line_id=meta.get("tilldesk_line_id"), variant_id=it.get("variant_id"),
                title=str(it.get("title") or ""),
                # 2.21.2 leaves ``items.quantity`` out of a field list: the detail carries it too
                quantity=_qty(it.get("quantity") if it.get("quantity") is not None else detail.get("quantity")),
                fulfilled=_qty(detail.get("fulfilled_quantity")),
                return_requested=_qty(detail.get("return_requested_quantity")),
                return_received=_qty(detail.get("return_received_quantity"))))
        return out

    def fulfillment_marked(self, order_id: str, marker: str) -> bool:
        order = self._get(f"/admin/orders/{seg(order_id)}", "order",
                          "id,fulfillments.id,fulfillments.metadata,fulfillments.canceled_at") or {}
        return any((f.get("metadata") or {}).get(MARKER) == marker and not f.get("canceled_at")
                   for f in order.get("fulfillments") or [])

    def _returns(self, order_id: str) -> list[dict[str, Any]]:
        got = self._get("/admin/returns", "returns", "id,status,metadata,canceled_at,created_at",
                        order_id=order_id, limit=100)
        return list(got or [])

    def find_return(self, order_id: str, marker: str) -> RemoteReturn | None:
        mine = [r for r in self._returns(order_id) if (r.get("metadata") or {}).get(MARKER) == marker
                and r.get("status") != "canceled"]
        if not mine:
            return None
        mine.sort(key=lambda r: str(r.get("created_at") or ""))
        return self.return_state(order_id, str(mine[0]["id"]))

    def return_state(self, order_id: str, return_id: str) -> RemoteReturn:
        ret = self._get(f"/admin/returns/{seg(return_id)}", "return",
                        "id,status,items.item_id,items.quantity,items.received_quantity") or {}
        received = {str(i["item_id"]): _qty(i.get("received_quantity")) for i in ret.get("items") or []}
        changes = self._get(f"/admin/orders/{seg(order_id)}/changes", "order_changes", CHANGE_FIELDS,
                            status=list(ACTIVE)) or []
        change: str | None = None
        change_items: dict[str, int] | None = None
        other: str | None = None
        for ch in changes:
            if ch.get("status") not in ACTIVE:
                continue
            kind = CHANGES.get(str(ch.get("change_type")))
            if ch.get("return_id") != return_id or kind is None:
                other = f"{ch.get('change_type')} {ch.get('id')}"
                continue
            change, counted = kind
            change_items = {}
            for a in ch.get("actions") or []:
                if a.get("action") in counted:
                    d = a.get("details") or {}
                    ref = str(d.get("reference_id"))
                    change_items[ref] = change_items.get(ref, 0) + _qty(d.get("quantity"))
        return RemoteReturn(id=str(ret.get("id") or return_id), status=str(ret.get("status") or ""),
                            received=received, change=change, change_items=change_items, other_change=other)

    # -- changing --------------------------------------------------------------------------------
    def fulfill(self, order_id: str, items: Mapping[str, int], marker: str) -> None:
        self._post(f"/admin/orders/{seg(order_id)}/fulfillments",
                   {"items": [{"id": k, "quantity": v} for k, v in items.items()],
                    "metadata": {MARKER: marker}, "no_notification": True}, "fulfil the returned items")

    def create_return(self, order_id: str, marker: str, restock: bool) -> str:
        busy = [c for c in self._get(f"/admin/orders/{seg(order_id)}/changes", "order_changes", CHANGE_FIELDS,
                                     status=list(ACTIVE)) or [] if c.get("status") in ACTIVE]
        if busy:
            raise NeedsAttention(f"The shop server has another change open on this order ({busy[0].get('change_type')} "
                                 f"{busy[0].get('id')}); it takes one at a time. Finish or cancel it in the shop's "
                                 "admin, then retry.")
        body: dict[str, Any] = {"order_id": order_id, "metadata": {MARKER: marker}, "no_notification": True}
        if restock:
            order = self._get(f"/admin/orders/{seg(order_id)}", "order", "id,fulfillments.location_id") or {}
            location = next((f.get("location_id") for f in order.get("fulfillments") or []
                             if f.get("location_id")), None)
            if location:
                body["location_id"] = location  # received goods go back into stock there
        got = self._post("/admin/returns", body, "open a return")
        return str(unwrap(got, "return")["id"])

    def _items(self, items: Mapping[str, int]) -> dict[str, Any]:
        return {"items": [{"id": k, "quantity": v} for k, v in items.items()]}

    def request_items(self, return_id: str, items: Mapping[str, int]) -> None:
        self._post(f"/admin/returns/{seg(return_id)}/request-items", self._items(items), "take the returned items")

    def confirm_request(self, return_id: str) -> None:
        self._post(f"/admin/returns/{seg(return_id)}/request", {"no_notification": True}, "request the return")

    def begin_receive(self, return_id: str) -> None:
        self._post(f"/admin/returns/{seg(return_id)}/receive", {}, "start receiving the return")

    def receive_items(self, return_id: str, items: Mapping[str, int]) -> None:
        self._post(f"/admin/returns/{seg(return_id)}/receive-items", self._items(items), "receive the items")

    def confirm_receive(self, return_id: str) -> None:
        self._post(f"/admin/returns/{seg(return_id)}/receive/confirm", {}, "confirm the receipt")
