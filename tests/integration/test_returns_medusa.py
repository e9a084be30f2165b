"""A partial return with restock pushed to a real Medusa 2.21.2 through the fault proxy: the
returned units fulfilled once (our marker on the fulfillment), one return received, each item's
``return_received_quantity`` equal to what the till took back, and the refund sent once as a
payment refund: the return refunds nothing again, so ``refunded_total`` equals the till's."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from faultproxy import FaultProxy
from sync_helpers import make_orders, pull, push_until_settled, till

from app.domain.money import round_money
from app.domain.outbox import OutboxKind
from app.domain.refunds import cumulative_line_amount
from app.services import refunds
from app.services.refunds import refundable_lines
from app.sync.config import BackendConfig
from app.sync.medusa_v2.client import MedusaClient
from app.sync.registry import open_backend
from tests.medusa_harness.seed import seed_catalog

pytestmark = [pytest.mark.medusa, pytest.mark.slow]

FIELDS = ("id,status,payment_status,summary,items.id,items.quantity,items.metadata,"
          "items.detail.fulfilled_quantity,items.detail.return_received_quantity,"
          "fulfillments.id,fulfillments.metadata,payment_collections.payments.refunds.note")


@pytest.fixture(scope="module")
def seed(medusa_server):
    return seed_catalog(medusa_server.base_url, medusa_server.api_key, n_products=5)


def test_a_partial_return_reaches_medusa_once_with_equal_quantities(medusa_server, seed, tmp_path, record_property):
    app, store, direct = till(tmp_path, medusa_server.base_url, medusa_server.api_key)
    pull(store, direct)
    direct.close()
    made = [o for o in make_orders(app, seed, 8) if o.currency_code == "usd"]
    order = next(o for o in made if o.items[0].quantity >= 2 and o.items[0].variant_id)
    with app.uow() as uow:
        lines, _ = refundable_lines(uow, uow.orders.get(order.id))
    qty = lines[0].quantity - 1  # partial: one unit stays with the customer
    amount = cumulative_line_amount(lines[0], qty, order.currency_code)
    refunds.refund_order({"order_id": order.id, "items": [{"line_id": lines[0].line_id, "quantity": qty}],
                          "tenders": [{"kind": "cash", "amount": str(amount)}], "restock": True}, app.uow())
    with app.uow() as uow:
        [ret] = uow.refunds.returns_for_order(order.id)
        local_refunds = uow.refunds.for_order(order.id)

    port = int(medusa_server.base_url.rsplit(":", 1)[1])
    with FaultProxy(port, p_before=0.2, p_after=0.2, seed=random.randrange(1 << 30)) as proxy:
        backend = open_backend(BackendConfig(url=proxy.url, timeout_seconds=20), medusa_server.api_key)
        try:
            kw = dict(unknown_floor=1.0, base_delay=0.2, max_delay=2.0)
            try:
                push_until_settled(store, backend, timeout=120, **kw)
            except AssertionError:
                pass
            faults = dict(proxy.faults)
            proxy.set_faults(0.0, 0.0)
            push_until_settled(store, backend, timeout=120, **kw)
        finally:
            backend.close()
    print(f"\nreturn push through the fault proxy: faults injected {faults}")
    record_property("faults_injected", faults)
    with app.uow() as uow:
        entries = [e for e in uow.outbox.all_for_order(order.id) if e.kind != OutboxKind.SALE.value]
    assert [(e.kind, e.state) for e in entries] == [("push_refund", "synced"), ("push_return", "synced")], \
        [e.last_error for e in entries]

    server_id = store.for_order(order.id).server_order_id
    with MedusaClient(medusa_server.base_url, medusa_server.api_key, timeout=60) as client:
        srv = client.request("GET", f"/admin/orders/{server_id}", params={"fields": FIELDS})["order"]
        got = client.request("GET", "/admin/returns", params={"order_id": server_id,
                                                              "fields": "id,status,metadata,location_id"})
    mine = [r for r in got["returns"] if (r.get("metadata") or {}).get("tilldesk_return_id") == ret.id]
    assert len(mine) == 1 and mine[0]["status"] == "received", got["returns"]  # exactly once
    assert mine[0]["location_id"]  # restock: received into the fulfillment's stock location
    marked = [f for f in srv.get("fulfillments") or [] if (f.get("metadata") or {}).get("tilldesk_return_id")]
    assert len(marked) == 1
    by_line = {(it.get("metadata") or {}).get("tilldesk_line_id"): it for it in srv["items"]}
    for line in order.items:
        want = qty if line.id == lines[0].line_id else 0
        assert int(by_line[line.id]["detail"]["return_received_quantity"]) == want, line.title
    assert int(by_line[lines[0].line_id]["detail"]["fulfilled_quantity"]) == qty  # only what came back
    notes = [r.get("note") for pc in srv["payment_collections"] for p in pc["payments"] for r in p.get("refunds") or []]
    assert notes == [local_refunds[0].id]  # one refund, ours; the return added none
    cur = order.currency_code
    assert round_money(Decimal(str(srv["summary"]["refunded_total"])), cur) == round_money(amount, cur)
    with app.uow() as uow:
        assert srv["payment_status"] == uow.orders.get(order.id).payment_status.value
    app.close()
