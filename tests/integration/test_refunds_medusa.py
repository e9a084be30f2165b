"""Refunds and cancels pushed to a real Medusa 2.21.2, through the fault proxy: each exactly once
(our refund id in the refund's note), and afterwards the server's refunded_total, payment_status
and status equal the till's. (The per-unit refundable amounts are checked against vectors from
Medusa's own code in tests/unit/test_refunds.py: the admin order GET did not return
``refundable_total_per_unit`` with ``*items`` or ``*items.detail`` on 2.21.2.)"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from faultproxy import FaultProxy
from sync_helpers import make_orders, pull, push_until_settled, till

from app.domain.money import round_money
from app.domain.outbox import OutboxKind
from app.services import refunds
from app.services.refunds import refundable_lines
from app.sync.config import BackendConfig
from app.sync.medusa_v2.client import MedusaClient
from app.sync.registry import open_backend
from tests.medusa_harness.seed import seed_catalog

pytestmark = [pytest.mark.medusa, pytest.mark.slow]

MONEY = ("id,status,payment_status,summary,items.id,items.quantity,items.refundable_total_per_unit,"
         "items.raw_refundable_total_per_unit,items.metadata,items.variant_id,"
         "payment_collections.payments.refunds.amount,payment_collections.payments.refunds.note")


@pytest.fixture(scope="module")
def seed(medusa_server):
    return seed_catalog(medusa_server.base_url, medusa_server.api_key, n_products=5)


def refund_units(app, order, units: int):
    with app.uow() as uow:
        lines, _ = refundable_lines(uow, uow.orders.get(order.id))
    from app.domain.refunds import cumulative_line_amount

    ln = lines[0]
    done = sum(r.lines[0].quantity for r in refunds_of(app, order) if r.lines and r.lines[0].line_id == ln.line_id)
    amount = cumulative_line_amount(ln, done + units, order.currency_code) - \
        cumulative_line_amount(ln, done, order.currency_code)
    return refunds.refund_order({"order_id": order.id, "items": [{"line_id": ln.line_id, "quantity": units}],
                                 "tenders": [{"kind": "cash", "amount": str(amount)}]}, app.uow()).value


def refunds_of(app, order):
    with app.uow() as uow:
        return uow.refunds.for_order(order.id)


def test_refunds_and_cancels_reach_medusa_once_with_equal_figures(medusa_server, seed, tmp_path, record_property):
    app, store, direct = till(tmp_path, medusa_server.base_url, medusa_server.api_key)
    pull(store, direct)
    direct.close()
    made = [o for o in make_orders(app, seed, 6) if o.currency_code == "usd"][:4]
    assert len(made) >= 3
    first, second, third = made[:3]
    # before the sale is pushed: one refund, then after: another, and a cancel of the second order
    refund_units(app, first, 1)
    port = int(medusa_server.base_url.rsplit(":", 1)[1])
    with FaultProxy(port, p_before=0.15, p_after=0.15, seed=random.randrange(1 << 30)) as proxy:
        backend = open_backend(BackendConfig(url=proxy.url, timeout_seconds=20), medusa_server.api_key)
        try:
            kw = dict(unknown_floor=1.0, base_delay=0.2, max_delay=2.0)
            try:
                push_until_settled(store, backend, timeout=60, **kw)
            except AssertionError:
                pass
            refunds.cancel_order({"order_id": second.id}, app.uow())
            if first.items[0].quantity > 1:
                refund_units(app, first, 1)
            refunds.refund_order({"order_id": third.id, "amount": "1.00",
                                  "tenders": [{"kind": "cash", "amount": "1.00"}]}, app.uow())
            try:
                push_until_settled(store, backend, timeout=90, **kw)
            except AssertionError:
                pass
            faults = dict(proxy.faults)
            proxy.set_faults(0.0, 0.0)
            push_until_settled(store, backend, timeout=120, **kw)
        finally:
            backend.close()
    print(f"\nrefund push through the fault proxy: faults injected {faults}")
    record_property("faults_injected", faults)
    problems = [(e.kind, e.last_error) for e in store.entries(["needs_attention"])]
    assert not problems, problems

    with MedusaClient(medusa_server.base_url, medusa_server.api_key, timeout=60) as client:
        for order in (first, second, third):
            local = refunds_of(app, order)
            sale = store.for_order(order.id)
            srv = client.request("GET", f"/admin/orders/{sale.server_order_id}", params={"fields": MONEY})["order"]
            notes = [r.get("note") for pc in srv["payment_collections"] for p in pc["payments"]
                     for r in p.get("refunds") or []]
            pushed = [r for r in local if not r.is_cancellation]
            for r in pushed:
                assert notes.count(r.id) == 1, (r.id, notes)  # exactly once
            cur = order.currency_code
            srv_refunded = Decimal(str(srv["summary"]["refunded_total"]))
            assert round_money(srv_refunded, cur) == round_money(sum((r.amount for r in local), Decimal(0)), cur)
            with app.uow() as uow:
                mine = uow.orders.get(order.id)
                entries = [e for e in uow.outbox.all_for_order(order.id) if e.kind != OutboxKind.SALE.value]
            assert all(e.state == "synced" for e in entries), [(e.kind, e.state, e.last_error) for e in entries]
            assert srv["payment_status"] == mine.payment_status.value
            if order is second:
                assert srv["status"] == "canceled" and mine.status.value == "canceled"
    app.close()
