"""What the server is told about staff: a pushed order carries who sold it and the audit log's
head hash in its metadata (through the real Medusa v2 body builder, over the fake Medusa API);
discarding an unsynced order is guarded and logged."""

from __future__ import annotations

import random
from typing import Any

import pytest

from app.domain.permissions import ApprovalRequired
from app.services import audit, shifts
from app.sync.engine import PushEngine, discard
from app.sync.store import SyncStore
from tests.conftest import create_draft, mark_paid
from tests.staff.conftest import approval, as_
from tests.sync.fakes import v2
from tests.sync.test_engine import fake_for, run_until_settled


def push(app: Any, order: Any) -> dict[str, Any]:
    fake = fake_for(app, order)
    eng = PushEngine(SyncStore(app.uow), v2(fake), rng=random.Random(1), unknown_floor=0.0, base_delay=0.001)
    run_until_settled(eng)
    (server,) = fake.orders_for(order.id)
    return dict(server["metadata"])


def test_a_pushed_order_carries_its_staff_and_the_audit_head(team: Any) -> None:
    cam = as_(team, "Cam")
    order = mark_paid(team, create_draft(team).id)
    head = audit.head_hash(team.uow())
    meta = push(team, order)
    assert meta["tilldesk_staff"] == {"id": cam.staff_id, "name": "Cam"}
    assert meta["tilldesk_audit_head"] == head and len(head or "") == 64
    assert meta["tilldesk_order_id"] == order.id
    open_shift = shifts.current_shift(team.uow())
    assert open_shift is not None and meta["tilldesk_shift"] == open_shift.shift.id  # the shift it was paid in


def test_with_staff_off_nothing_about_staff_is_sent(app: Any) -> None:
    meta = push(app, mark_paid(app, create_draft(app).id))
    assert "tilldesk_staff" not in meta and "tilldesk_audit_head" not in meta  # the log is still empty
    assert "tilldesk_shift" not in meta  # paid with no shift open


def test_discarding_an_unsynced_order_is_guarded_and_logged(team: Any) -> None:
    as_(team, "Cam")
    order = mark_paid(team, create_draft(team).id)
    store = SyncStore(team.uow)
    entry = store.for_order(order.id)
    assert entry is not None
    with pytest.raises(ApprovalRequired):
        discard(store, entry.id)
    assert store.for_order(order.id).state == "queued"  # type: ignore[union-attr]
    mia = approval(team, "Mia", "discard_unsynced")
    done = discard(SyncStore(lambda: team.uow(approval=mia)), entry.id)
    assert done.state == "discarded"
    tail = audit.list_entries(team.uow())[-2:]
    assert [e.action for e in tail] == ["approval", "unsynced_discarded"]
    assert tail[1].subject == order.id and tail[1].details["approver_id"] == mia.approver_id


