"""The op helper broadcasts what the service says it changed, and hands the service's value to
the success callback; a hand-written change set left at a call site does not override it."""

from __future__ import annotations

from typing import Any

from app.domain.changes import Changes
from app.services import drafts, orders
from tests.conftest import draft_body


def test_the_runner_broadcasts_the_services_own_changes(qapp: Any, till: Any) -> None:
    from ui.ops import OpRunner

    ops = OpRunner(synchronous=True)
    said: list[Changes] = []
    got: list[Any] = []
    ops.changed.connect(said.append)
    d = drafts.create_draft(draft_body(), till.uow()).value
    ops.run(lambda: orders.mark_paid({"draft_id": d.id}, till.uow()), success=got.append)
    order = got[0]
    assert order.draft_order_id == d.id
    assert said == [Changes(draft_ids=(d.id,), order_ids=(order.id,), outbox=True)]
    # completing an order changes that order only: the outbox is not touched
    ops.run(lambda: orders.complete_order(order.id, till.uow()), success=got.append)
    assert got[1].status == "completed"
    assert said[1] == Changes(order_ids=(order.id,))
    # a call that is not a service result broadcasts nothing
    ops.run(lambda: "x", success=got.append)
    assert got[2] == "x" and len(said) == 2
    # nothing changed: nothing broadcast
    ops.run(lambda: drafts.get_draft(d.id, till.uow()))
    assert len(said) == 2
