"""The staff services on the real SQLite file and on the in-memory FakeUnitOfWork alike."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.errors import InvalidTransition
from app.domain.permissions import SignInRequired
from app.services import audit, orders, shifts, staff
from tests.conftest import create_draft, mark_paid


def test_sign_in_acting_and_the_log_on_both_stores(shop: Any) -> None:
    staff.add_staff("Olga", "owner", "86420135", shop.uow())
    with pytest.raises(SignInRequired):
        create_draft(shop)
    shop.actor = staff.sign_in("olga", "86420135", shop.uow()).value
    draft = create_draft(shop)
    with pytest.raises(InvalidTransition, match="no shift is open"):  # staff on: payments need a shift
        mark_paid(shop, draft.id)
    sh = shifts.open_shift({"floats": {"cash": "50"}}, shop.uow()).value.shift
    order = mark_paid(shop, draft.id)
    with shop.uow() as uow:
        stored = uow.orders.get(order.id)
        draft = uow.drafts.get(order.draft_order_id)
    assert stored.staff_id == draft.staff_id == shop.actor.staff_id
    assert {p.staff_id for p in stored.payments} == {shop.actor.staff_id}
    orders.cancel_order(order.id, shop.uow())
    report = audit.verify(shop.uow())
    assert report.ok and report.entries == 5
    entries = audit.list_entries(shop.uow())
    assert [e.action for e in entries] == ["staff_added", "sign_in", "shift_opened", "order_canceled", "refund"]
    assert entries[2].subject == sh.id and entries[2].staff_id == sh.opened_by == shop.actor.staff_id
    assert audit.head_hash(shop.uow()) == report.head
