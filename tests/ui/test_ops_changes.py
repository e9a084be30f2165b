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
    # a leftover change set (here the old, drifted one) gives way to the service's own
    ops.run(lambda: orders.complete_order(order.id, till.uow()), success=got.append,
            changes=lambda o: Changes(order_ids=(o.id,), outbox=True))
    assert got[1].status == "completed"
    assert said[1] == Changes(order_ids=(order.id,))
    # a call that is not a service result still uses the change set given
    ops.run(lambda: "x", changes=Changes(outbox=True))
    assert said[2] == Changes(outbox=True)
    # nothing changed: nothing broadcast
    ops.run(lambda: drafts.get_draft(d.id, till.uow()))
    assert len(said) == 3
