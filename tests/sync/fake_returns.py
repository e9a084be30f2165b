"""``FakeReturns``: Medusa v2's returns workflow in memory, over ``FakeBackend``'s orders, with its
faults (``fake.fail(method, mode)`` works for these methods too) and the rules the real server
was seen to keep (2.21.2): only fulfilled units can be requested, one active order change per
order, the items of a request count only once it is confirmed, and confirming an empty receipt
still marks the return received (the hazard the push must never walk into)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.sync.medusa_v2.backend import MedusaV2Backend
from app.sync.ports import NeedsAttention, RemoteItem, RemoteReturn


def _refuse(message: str) -> NeedsAttention:
    # What MedusaV2Returns turns a 400 into.
    return NeedsAttention(f"The shop server refused: {message}")


class FakeReturns:
    def __init__(self, fake: Any) -> None:
        self.fake = fake
        self.qty: dict[tuple[str, str], dict[str, int]] = {}  # (order, item) -> fulfilled/requested/received
        self.fulfillments: list[dict[str, Any]] = []
        self.returns: dict[str, dict[str, Any]] = {}
        self.changes: dict[str, dict[str, Any]] = {}  # order id -> its active change
        self.lose_on_receive = 0  # units the server "loses" when confirming a receipt

    # -- helpers
    def _items(self, order_id: str) -> list[tuple[str, dict[str, Any]]]:
        o = self.fake.orders[order_id]
        return [(it["id"], body) for it, body in zip(o["items"], o["body"]["items"], strict=True)]

    def _q(self, order_id: str, item_id: str) -> dict[str, int]:
        return self.qty.setdefault((order_id, item_id), {"fulfilled": 0, "requested": 0, "received": 0})

    def _call(self, name: str, work: Any) -> Any:
        mode = self.fake._enter(name)
        out = work()
        self.fake._after(mode)
        return out

    # -- ReturnsPort
    def order_items(self, order_id: str) -> list[RemoteItem]:
        self.fake._enter("order_items")
        out = []
        for item_id, body in self._items(order_id):
            q = self._q(order_id, item_id)
            out.append(RemoteItem(id=item_id, line_id=(body.get("metadata") or {}).get("tilldesk_line_id"),
                                  variant_id=body.get("variant_id"), title=body.get("title") or "",
                                  quantity=body["quantity"], fulfilled=q["fulfilled"],
                                  return_requested=q["requested"], return_received=q["received"]))
        return out

    def fulfillment_marked(self, order_id: str, marker: str) -> bool:
        self.fake._enter("fulfillment_marked")
        return any(f["order_id"] == order_id and f["marker"] == marker for f in self.fulfillments)

    def fulfill(self, order_id: str, items: Mapping[str, int], marker: str) -> None:
        def work() -> None:
            sizes = dict(self._items(order_id))
            for k, v in items.items():
                if self._q(order_id, k)["fulfilled"] + v > sizes[k]["quantity"]:
                    raise _refuse("Cannot fulfill more items than ordered")
            for k, v in items.items():
                self._q(order_id, k)["fulfilled"] += v
            self.fulfillments.append({"order_id": order_id, "items": dict(items), "marker": marker})
        self._call("fulfill", work)

    def find_return(self, order_id: str, marker: str) -> RemoteReturn | None:
        self.fake._enter("find_return")
        mine = [r for r in self.returns.values() if r["order_id"] == order_id and r["marker"] == marker
                and r["status"] != "canceled"]
        return self.return_state(order_id, mine[0]["id"]) if mine else None

    def create_return(self, order_id: str, marker: str, restock: bool) -> str:
        def work() -> str:
            if order_id in self.changes:  # MedusaV2Returns checks the order's changes first and says so
                raise _refuse("another change open on this order; it takes one at a time")
            rid = self.fake._id("return")
            self.returns[rid] = {"id": rid, "order_id": order_id, "marker": marker, "status": "open",
                                 "restock": restock, "items": {}, "received": {}}
            self.changes[order_id] = {"return_id": rid, "kind": "request", "items": {}}
            return rid
        return self._call("create_return", work)

    def return_state(self, order_id: str, return_id: str) -> RemoteReturn:
        self.fake._enter("return_state")
        r = self.returns[return_id]
        ch = self.changes.get(order_id)
        mine = ch is not None and ch["return_id"] == return_id
        return RemoteReturn(id=return_id, status=r["status"], received=dict(r["received"]),
                            change=ch["kind"] if mine else None, change_items=dict(ch["items"]) if mine else None,
                            other_change=None if ch is None or mine else f"{ch['kind']} {ch['return_id']}")

    def _change(self, return_id: str, kind: str) -> dict[str, Any]:
        ch = self.changes.get(self.returns[return_id]["order_id"])
        if ch is None or ch["return_id"] != return_id or ch["kind"] != kind:
            raise _refuse(f"no active {kind} change on return {return_id}")
        return ch

    def request_items(self, return_id: str, items: Mapping[str, int]) -> None:
        def work() -> None:
            ch = self._change(return_id, "request")
            oid = self.returns[return_id]["order_id"]
            for k, v in items.items():
                q = self._q(oid, k)
                if ch["items"].get(k, 0) + v > q["fulfilled"] - q["requested"] - q["received"]:
                    raise _refuse("Cannot request to return more items than what was fulfilled")
            for k, v in items.items():
                ch["items"][k] = ch["items"].get(k, 0) + v
        self._call("request_items", work)

    def confirm_request(self, return_id: str) -> None:
        def work() -> None:
            ch = self._change(return_id, "request")
            r = self.returns[return_id]
            for k, v in ch["items"].items():
                self._q(r["order_id"], k)["requested"] += v
            r["items"], r["status"] = dict(ch["items"]), "requested"
            del self.changes[r["order_id"]]
        self._call("confirm_request", work)

    def begin_receive(self, return_id: str) -> None:
        def work() -> None:
            r = self.returns[return_id]
            if r["order_id"] in self.changes:
                raise _refuse("An active order change already exists")
            self.changes[r["order_id"]] = {"return_id": return_id, "kind": "receive", "items": {}}
        self._call("begin_receive", work)

    def receive_items(self, return_id: str, items: Mapping[str, int]) -> None:
        def work() -> None:
            ch = self._change(return_id, "receive")
            for k, v in items.items():
                ch["items"][k] = ch["items"].get(k, 0) + v
        self._call("receive_items", work)

    def confirm_receive(self, return_id: str) -> None:
        def work() -> None:
            ch = self._change(return_id, "receive")
            r = self.returns[return_id]
            for k, v in ch["items"].items():
                v = max(v - self.lose_on_receive, 0)
                q = self._q(r["order_id"], k)
                q["requested"] -= v
                q["received"] += v
                r["received"][k] = r["received"].get(k, 0) + v
            r["status"] = "received"  # even when empty: Medusa's hazard
            del self.changes[r["order_id"]]
        self._call("confirm_receive", work)

    # -- test helpers
    def live_returns(self, order_id: str) -> list[dict[str, Any]]:
        return [r for r in self.returns.values() if r["order_id"] == order_id and r["status"] != "canceled"]


class FakeV2Backend(MedusaV2Backend):
    """The v2 backend over ``FakeBackend`` with the returns workflow in memory too."""

    def __init__(self, fake: Any) -> None:
        super().__init__(fake)
        if not hasattr(fake, "returns_fake"):
            fake.returns_fake = FakeReturns(fake)
        self.fake_returns: FakeReturns = fake.returns_fake

    def returns(self) -> FakeReturns:  # type: ignore[override]
        return self.fake_returns
