"""Refunds and cancels pushed to a real Medusa 1.20.11 (``POST /admin/orders/{id}/refund`` and
``/cancel``). v1 keeps no idempotency key, so the first refund and the first cancel each lose
their answer after the server acted (the request goes through to the real server, then the
connection is cut); the push must still land each exactly once (our refund id in the note) and
the server's refunded_total / payment_status must equal the till's. Facts checked on 1.20.11: a
captured order cancels (payment ``canceled``, no refund), an order with refunds cannot be
canceled (the rest is refunded, the entry waits in "needs attention"), and a refund made in the
shop's admin behind the till's back shows up as differing figures."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import httpx
import pytest
from sync_helpers import push_until_settled
from v1_helpers import make_v1_orders, v1_admin, v1_till

from app.domain.totals_v1 import to_minor
from app.services import refunds
from app.sync.config import BackendConfig
from app.sync.engine import retry
from app.sync.pull import CatalogPuller
from app.sync.registry import open_backend
from tests.medusa_v1_harness.seed import seed_v1

pytestmark = [pytest.mark.medusa, pytest.mark.slow]

KW = dict(unknown_floor=1.0, base_delay=0.2, max_delay=1.0)


@pytest.fixture(scope="module")
def seed(medusa_v1_server):
    return seed_v1(medusa_v1_server.base_url, medusa_v1_server.api_token, n_products=3)


class LoseFirstAnswer(httpx.HTTPTransport):
    """Sends every request to the real server; the first answer to each refund and cancel POST of
    an order is thrown away, as if the connection broke after the server had acted."""

    def __init__(self) -> None:
        super().__init__()
        self.lost: Counter[str] = Counter()
        self.sent: Counter[str] = Counter()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        path = request.url.path
        what = path.rsplit("/", 1)[-1]
        if request.method == "POST" and what in ("refund", "cancel"):
            self.sent[what] += 1
            if (path, what) not in self.lost:
                response.read()
                response.close()
                self.lost[(path, what)] += 1
                raise httpx.ReadError("connection cut after the server answered", request=request)
        return response


def server_order(admin: httpx.Client, store, order) -> dict:
    sale = store.for_order(order.id)
    assert sale.state == "synced", (sale.state, sale.last_error)
    oid = sale.server_order_id
    if not oid.startswith("order_"):
        oid = admin.get(f"/admin/draft-orders/{oid}").json()["draft_order"]["order_id"]
    return admin.get(f"/admin/orders/{oid}").json()["order"]


def local_refunds(app, order):
    with app.uow() as uow:
        return uow.refunds.for_order(order.id)


def test_v1_refunds_and_cancels_land_once_with_equal_figures(medusa_v1_server, seed, tmp_path):
    srv = medusa_v1_server
    app, store, direct = v1_till(tmp_path, srv.base_url, srv.api_token)
    CatalogPuller(store, direct.catalog()).pull()
    made = [o for o in make_v1_orders(app, seed, 8) if o.currency_code == "usd"][:4]
    assert len(made) == 4
    push_until_settled(store, direct, timeout=120, **KW)  # the sales first
    direct.close()
    partial, canceled, refunded_then_canceled, tampered = made

    one = {"amount": "1.00", "tenders": [{"kind": "cash", "amount": "1.00"}]}
    refunds.refund_order({"order_id": partial.id, **one}, app.uow())
    [r_partial] = local_refunds(app, partial)
    refunds.cancel_order({"order_id": canceled.id}, app.uow())
    refunds.refund_order({"order_id": refunded_then_canceled.id, **one}, app.uow())
    refunds.cancel_order({"order_id": refunded_then_canceled.id}, app.uow())
    refunds.refund_order({"order_id": tampered.id, **one}, app.uow())
    with v1_admin(srv.base_url, srv.api_token) as admin:
        # someone refunds 2.00 in the shop's admin behind the till's back
        oid = server_order(admin, store, tampered)["id"]
        r = admin.post(f"/admin/orders/{oid}/refund", json={"amount": 200, "reason": "other", "note": "admin"})
        assert r.status_code == 200, r.text

    transport = LoseFirstAnswer()
    backend = open_backend(BackendConfig(url=srv.base_url, kind="medusa-v1", timeout_seconds=30), srv.api_token,
                           transport=transport)
    try:
        push_until_settled(store, backend, timeout=180, **KW)
        attention = {e.order_id: e for e in store.entries(["needs_attention"])}
        # a second push of what waits must not send anything twice
        for e in attention.values():
            retry(store, e.id)
        push_until_settled(store, backend, timeout=120, **KW)
    finally:
        backend.close()
    assert transport.lost and all(n == 1 for n in transport.lost.values())
    assert {w for (_, w) in transport.lost} == {"refund", "cancel"}, transport.lost

    attention = {e.order_id: e for e in store.entries(["needs_attention"])}
    assert set(attention) == {refunded_then_canceled.id, tampered.id}, \
        {k: v.last_error for k, v in attention.items()}
    assert "cannot cancel an order that has refunds" in attention[refunded_then_canceled.id].last_error
    assert "figures differ" in attention[tampered.id].last_error
    assert "refunded: shop server 3" in attention[tampered.id].last_error

    with v1_admin(srv.base_url, srv.api_token) as admin:
        got = server_order(admin, store, partial)
        assert [r["note"] for r in got["refunds"]] == [r_partial.id]  # exactly once
        assert got["refunded_total"] == 100 and got["payment_status"] == "partially_refunded"

        got = server_order(admin, store, canceled)
        assert (got["status"], got["payment_status"], got["refunds"]) == ("canceled", "canceled", [])
        mine = store.order(canceled.id)
        assert str(getattr(mine.status, "value", mine.status)) == "canceled"
        assert sum((r.amount for r in local_refunds(app, canceled)), Decimal(0)) == mine.totals.paid_total

        got = server_order(admin, store, refunded_then_canceled)
        notes = Counter(r["note"] for r in got["refunds"])
        local = local_refunds(app, refunded_then_canceled)
        pushed = [r for r in local if not r.is_cancellation]
        assert len(pushed) == 1 and notes == Counter({pushed[0].id: 1, "tilldesk-cancel": 1}), notes
        assert got["payment_status"] == "refunded" and got["refunded_total"] == got["paid_total"]
        cur = refunded_then_canceled.currency_code
        assert got["refunded_total"] == to_minor(sum((r.amount for r in local), Decimal(0)), cur)
        assert got["status"] == "pending"  # v1 would not cancel it: that is what needs attention

        got = server_order(admin, store, tampered)
        assert sorted(r["amount"] for r in got["refunds"]) == [100, 200]
    app.close()
