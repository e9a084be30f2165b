"""The staff services on the real SQLite file and on the in-memory FakeUnitOfWork alike."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.permissions import SignInRequired
from app.services import audit, orders, staff
from tests.conftest import create_draft, mark_paid


def test_sign_in_acting_and_the_log_on_both_stores(shop: Any) -> None:
    staff.add_staff("Olga", "owner", "86420135", shop.uow())
    with pytest.raises(SignInRequired):
        create_draft(shop)
    shop.actor = staff.sign_in("olga", "86420135", shop.uow()).value
    order = mark_paid(shop, create_draft(shop).id)
    with shop.uow() as uow:
        stored = uow.orders.get(order.id)
        draft = uow.drafts.get(order.draft_order_id)
    assert stored.staff_id == draft.staff_id == shop.actor.staff_id
    assert {p.staff_id for p in stored.payments} == {shop.actor.staff_id}
    orders.cancel_order(order.id, shop.uow())
    report = audit.verify(shop.uow())
    assert report.ok and report.entries == 3
    assert [e.action for e in audit.list_entries(shop.uow())] == ["staff_added", "sign_in", "order_canceled"]
    assert audit.head_hash(shop.uow()) == report.head
