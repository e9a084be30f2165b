"""``FakeBackend``: the Medusa v2 API (:class:`app.sync.medusa_v2.api.V2Api`) in memory, with scripted faults.

It keeps drafts/orders, customers and payment collections the way Medusa v2 does (a draft is an
order with ``status "draft"``; converting keeps the id; converting twice or paying twice is a 400)
so the step machine's resume paths can be driven without a server.

Faults: ``fail(method, mode)`` queues one failure for the next call of ``method``:
``"before"`` the request never reached the server (nothing happens, ``not_sent``);
``"after"`` the server did the work but the answer was lost (``outcome_unknown``);
``"http400"``/``"http500"`` a refusal / a server error; ``"crash"`` raises ``SimulatedCrash`` after
the work is done (a SIGKILL between the server's answer and our commit).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from decimal import Decimal
from typing import Any

from app.sync.errors import BackendUnreachable, MedusaRequestError, MedusaServerError
from app.sync.medusa_v2.backend import MedusaV2Backend
from app.sync.ports import ConnectionCheck


def v2(fake: FakeBackend) -> MedusaV2Backend:
    """The sync's neutral backend over the fake Medusa v2 API (what the engine and worker see),
    with Medusa's returns workflow in memory too (tests/sync/fake_returns.py)."""
    from tests.sync.fake_returns import FakeV2Backend

    return FakeV2Backend(fake)


class SimulatedCrash(BaseException):
    """Like SIGKILL: not an Exception, so nothing in the engine catches it."""


class FakeBackend:
    def __init__(self, variants: dict[str, str] | None = None) -> None:
        self.variants = dict(variants or {})  # id -> sku
        self.orders: dict[str, dict[str, Any]] = {}
        self.customers: dict[str, dict[str, Any]] = {}
        self.collections: dict[str, dict[str, Any]] = {}
        self.totals_by_local_id: dict[str, dict[str, Any]] = {}
        self.calls: list[str] = []
        self.faults: dict[str, list[str]] = defaultdict(list)
        self._seq = itertools.count(1)
        self.display = itertools.count(1001)
        self.catalog: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.clock_now: Any = None  # the server's clock its answers tell; None: no answer had a Date
        self.searched_since: list[Any] = []  # created_since of every find_by_local_id
        self.customer_groups: dict[str, dict[str, Any]] = {}  # name -> group: names are unique, as on Medusa

    # -- faults
    def fail(self, method: str, mode: str, times: int = 1) -> None:
        self.faults[method].extend([mode] * times)

    def _enter(self, method: str) -> str | None:
        self.calls.append(method)
        if self.faults.get(method):
            mode = self.faults[method].pop(0)
            if mode == "before":
                raise BackendUnreachable("fake: connection refused", not_sent=True)
            if mode == "http400":
                raise MedusaRequestError(400, "invalid_data", "fake refusal")
            if mode == "http500":
                raise MedusaServerError(500, "fake failure", outcome_unknown=True)
            return mode
        return None

    @staticmethod
    def _after(mode: str | None) -> None:
        if mode == "after":
            raise BackendUnreachable("fake: connection lost before the answer", outcome_unknown=True)
        if mode == "crash":
            raise SimulatedCrash()

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._seq):06d}"

    # -- Protocol
    def check_connection(self) -> ConnectionCheck:
        return ConnectionCheck(True, True, True, "fake ok", is_medusa=True, store_name="Fake")

    def pull(self, kind: str, *, updated_since=None):
        self._enter("pull")
        return iter(list(self.catalog[kind]))

    def create_customer(self, body):
        mode = self._enter("create_customer")
        if any(c["email"] == body["email"] for c in self.customers.values()):
            raise MedusaRequestError(400, "invalid_data", "Customer with email already exists")
        cid = self._id("cus")
        self.customers[cid] = {"id": cid, **body}
        self._after(mode)
        return dict(self.customers[cid])

    def find_customers_by_email(self, email):
        self._enter("find_customers_by_email")
        return [dict(c) for c in self.customers.values() if c["email"].lower() == email.lower()]

    def find_variants(self, *, ids=(), skus=()):
        self._enter("find_variants")
        out = [{"id": i, "sku": s} for i, s in self.variants.items() if i in set(ids)]
        out += [{"id": i, "sku": s} for i, s in self.variants.items() if s in set(skus)]
        return out

    def create_draft_order(self, body):
        mode = self._enter("create_draft_order")
        for it in body.get("items", []):
            if it.get("variant_id") and it["variant_id"] not in self.variants:
                raise MedusaRequestError(400, "invalid_data", f"Variant {it['variant_id']} does not exist")
        oid = self._id("order")
        local = body["metadata"]["tilldesk_order_id"]
        totals = self.totals_by_local_id.get(local, {"total": "0"})
        self.orders[oid] = {"id": oid, "status": "draft", "is_draft_order": True, "display_id": next(self.display),
                            "metadata": dict(body["metadata"]), "customer_id": body.get("customer_id"),
                            "body": body, "payment_status": "not_paid", "paid": Decimal(0),
                            "items": [{"id": f"ordli_{k}"} for k in range(len(body.get("items", [])))],
                            **{k: Decimal(v) for k, v in totals.items()}}
        self._after(mode)
        return self._view(oid)

    def _view(self, oid):
        o = self.orders[oid]
        total = o.get("total", Decimal(0))
        view = {k: v for k, v in o.items() if k not in ("body", "paid")}
        view["summary"] = {"pending_difference": total - o["paid"], "paid_total": o["paid"]}
        view["payment_collections"] = [dict(pc) for pc in self.collections.values() if pc["order_id"] == oid]
        return view

    def get_draft_order(self, draft_id):
        self._enter("get_draft_order")
        if draft_id not in self.orders or self.orders[draft_id]["status"] != "draft":
            raise MedusaRequestError(404, "not_found", "Draft order not found")
        return self._view(draft_id)

    def convert_draft_to_order(self, draft_id):
        mode = self._enter("convert_draft_to_order")
        o = self.orders[draft_id]
        if o["status"] != "draft":
            raise MedusaRequestError(400, "invalid_data", f"Order {draft_id} is not a draft order")
        o["status"], o["is_draft_order"] = "pending", False
        self._after(mode)
        return self._view(draft_id)

    def get_order(self, order_id):
        self._enter("get_order")
        return self._view(order_id)

    def create_payment_collection(self, order_id, amount):
        mode = self._enter("create_payment_collection")
        assert isinstance(amount, Decimal)
        pc = {"id": self._id("pay_col"), "order_id": order_id, "amount": amount, "status": "not_paid"}
        self.collections[pc["id"]] = pc
        self._after(mode)
        return dict(pc)

    def mark_payment_collection_paid(self, payment_collection_id, order_id):
        mode = self._enter("mark_payment_collection_paid")
        pc = self.collections[payment_collection_id]
        if pc["status"] != "not_paid":
            raise MedusaRequestError(400, "not_allowed", "already paid")
        pc["status"] = "completed"
        o = self.orders[order_id]
        o["paid"] += pc["amount"]
        o["payment_status"] = "captured" if o["paid"] >= o.get("total", 0) else "partially_captured"
        self._after(mode)
        return dict(pc)

    def complete_order(self, order_id):
        self._enter("complete_order")
        self.orders[order_id]["status"] = "completed"
        return self._view(order_id)

    def server_now(self):
        return self.clock_now

    def find_by_local_id(self, kind, local_order_id, customer_id=None, created_since=None):
        self._enter("find_by_local_id")
        self.searched_since.append(created_since)
        drafts = kind in ("draft_order", "draft_orders", "draft")
        return [{"id": o["id"], "metadata": o["metadata"], "status": o["status"], "display_id": o["display_id"]}
                for o in self.orders.values()
                if (o["status"] == "draft") == drafts and o["metadata"].get("tilldesk_order_id") == local_order_id
                and (customer_id is None or o["customer_id"] == customer_id)]

    # refunds and cancels, as Medusa 2.21.2 was seen to answer (see the shared Medusa notes)
    def _payment(self, pc: dict[str, Any]) -> dict[str, Any]:
        return {"id": f"pay_of_{pc['id']}", "amount": pc["amount"], "refunds": [dict(r) for r in pc.get("refunds", [])]}

    def _money(self, oid: str) -> dict[str, Any]:
        o = self.orders[oid]
        pcs = [pc for pc in self.collections.values() if pc["order_id"] == oid and pc["status"] != "not_paid"]
        refunded = sum((r["amount"] for pc in pcs for r in pc.get("refunds", [])), Decimal(0))
        if o["paid"] > 0 and refunded:
            o["payment_status"] = "refunded" if refunded >= o["paid"] else "partially_refunded"
        return {"id": oid, "status": o["status"], "payment_status": o["payment_status"],
                "summary": {"refunded_total": refunded, "paid_total": o["paid"]},
                "payment_collections": [{"id": pc["id"], "status": pc["status"], "payments": [self._payment(pc)]}
                                        for pc in pcs]}

    def get_order_money(self, order_id):
        self._enter("get_order_money")
        return self._money(order_id)

    def refund_payment(self, payment_id, amount, note):
        mode = self._enter("refund_payment")
        assert isinstance(amount, Decimal)
        pc = next(pc for pc in self.collections.values() if f"pay_of_{pc['id']}" == payment_id)
        left = pc["amount"] - sum((r["amount"] for r in pc.get("refunds", [])), Decimal(0))
        if amount > left:
            raise MedusaRequestError(400, "invalid_data", "Cannot refund more than the captured amount")
        pc.setdefault("refunds", []).append({"id": self._id("ref"), "amount": amount, "note": note})
        self._after(mode)
        return self._payment(pc)

    def cancel_order(self, order_id):
        mode = self._enter("cancel_order")
        o = self.orders[order_id]
        if o["status"] == "canceled":
            raise MedusaRequestError(400, "not_allowed", "Order is already canceled")
        for pc in self.collections.values():
            if pc["order_id"] == order_id and pc["status"] != "not_paid":
                left = pc["amount"] - sum((r["amount"] for r in pc.get("refunds", [])), Decimal(0))
                if left > 0:
                    pc.setdefault("refunds", []).append({"id": self._id("ref"), "amount": left, "note": None})
                pc["status"] = "canceled"
        o["status"] = "canceled"
        self._after(mode)
        return self._money(order_id)

    def find_customer_groups(self, name: str) -> list[dict[str, Any]]:
        self._enter("find_customer_groups")
        return [dict(self.customer_groups[name])] if name in self.customer_groups else []

    def create_customer_group(self, name: str, metadata: dict[str, Any]) -> dict[str, Any]:
        mode = self._enter("create_customer_group")
        if name in self.customer_groups:  # Medusa v2's answer to a taken name (seen on the real server)
            raise MedusaRequestError(400, "invalid_data", f"Customer group with name: {name}, already exists.")
        group = {"id": self._id("cusgroup"), "name": name, "metadata": dict(metadata)}
        self.customer_groups[name] = group
        self._after(mode)
        return dict(group)

    def claims(self) -> dict[str, str]:
        """Test helper: group name -> the till id in its metadata."""
        return {n: g["metadata"].get("tilldesk_till_id") for n, g in self.customer_groups.items()}

    def close(self) -> None:
        pass

    # -- test helpers
    def refunds_for(self, local_id: str) -> list[dict[str, Any]]:
        [o] = self.orders_for(local_id)
        return [r for pc in self.collections.values() if pc["order_id"] == o["id"] for r in pc.get("refunds", [])]

    def orders_for(self, local_id: str) -> list[dict[str, Any]]:
        return [o for o in self.orders.values() if o["metadata"].get("tilldesk_order_id") == local_id]
