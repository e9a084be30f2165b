"""Each service says what it changed (OpResult.changes), taken from what the unit of work wrote:
the window refreshes from it and never writes a change set by hand. On SQLite and in memory."""

from __future__ import annotations

from typing import Any

from app.domain.changes import Changes
from app.services import customers, drafts, orders
from tests.conftest import draft_body


def test_draft_edits_name_the_draft_only(shop: Any) -> None:
    made = drafts.create_draft(draft_body(), shop.uow())
    d = made.value
    assert made.changes == Changes(draft_ids=(d.id,))
    edited = drafts.update_draft({"draft_id": d.id, "email": "new@example.com"}, shop.uow())
    assert edited.changes == Changes(draft_ids=(d.id,))
    assert drafts.delete_draft(d.id, shop.uow()).changes == Changes(draft_ids=(d.id,))


def test_mark_paid_names_the_draft_the_order_and_the_outbox(shop: Any) -> None:
    d = drafts.create_draft(draft_body(), shop.uow()).value
    paid = orders.mark_paid({"draft_id": d.id}, shop.uow())
    assert paid.changes == Changes(draft_ids=(d.id,), order_ids=(paid.value.id,), outbox=True)


def test_completing_an_order_leaves_the_outbox_alone_cancelling_it_does_not(shop: Any) -> None:
    one, two = (orders.mark_paid({"draft_id": drafts.create_draft(draft_body(), shop.uow()).value.id},
                                 shop.uow()).value for _ in range(2))
    assert orders.complete_order(one.id, shop.uow()).changes == Changes(order_ids=(one.id,))
    # A cancel refunds the paid order and withdraws its sale that was never sent (issue 11).
    assert orders.cancel_order(two.id, shop.uow()).changes == Changes(order_ids=(two.id,), outbox=True)
    assert orders.archive_order(one.id, shop.uow()).changes == Changes(order_ids=(one.id,))


def test_a_new_customer_changes_the_catalog(shop: Any) -> None:
    made = customers.create_customer({"email": "new.customer@example.com", "first_name": "Ada"}, shop.uow())
    assert made.changes == Changes(catalog=True)


def test_changes_combine_and_an_empty_set_is_false() -> None:
    assert not Changes()
    both = Changes(draft_ids=("a",)) | Changes(draft_ids=("a", "b"), outbox=True)
    assert both == Changes(draft_ids=("a", "b"), outbox=True) and both
