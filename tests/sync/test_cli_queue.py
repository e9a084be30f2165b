"""`tilldesk sync queue|retry|discard` on a real SQLite file, through the real entry point."""

from __future__ import annotations

import json

import pytest

from app.bootstrap import start
from app.domain.outbox import retry_state
from app.services import audit, staff
from app.sync.store import SyncStore
from tests.cli.inproc import call, refused
from tests.sync.test_engine import paid_order


@pytest.fixture
def till(tmp_path):
    """A demo till with two paid orders: #1 needs attention, #2 is still queued."""
    path = tmp_path / "till.sqlite"
    app = start(path, demo=True)
    try:
        first, second = paid_order(app), paid_order(app, email="bo@example.com")
        store = SyncStore(app.uow)
        e1 = store.for_order(first.id)
        store.update(e1.id, state="needs_attention", attempts=3, step=2,
                     last_error="totals differ: tax 4.10 here, 4.11 on the server")
    finally:
        app.close()
    return str(path), first, second


def entries(db):
    app = start(db)
    try:
        return {e.order_id: e for e in SyncStore(app.uow).entries()}
    finally:
        app.close()


def test_queue_lists_every_entry_with_kind_state_attempts_and_error(till):
    db, first, second = till
    res = call("--db", db, "sync", "queue")
    assert res.code == 0, res
    data = json.loads(res.out)
    assert data["count"] == 2
    by_order = {e["order_id"]: e for e in data["outbox"]}
    e1 = by_order[first.id]
    assert (e1["kind"], e1["state"], e1["attempts"]) == ("push_order", "needs_attention", 3)
    assert e1["last_error"].startswith("totals differ")
    assert e1["step_name"] == "compare totals"
    assert e1["invoice_number"] == first.invoice_number
    assert by_order[second.id]["state"] == "queued" and by_order[second.id]["last_error"] is None

    only = json.loads(call("--db", db, "sync", "queue", "--state", "needs_attention").out)
    assert [e["order_id"] for e in only["outbox"]] == [first.id]


def test_retry_queues_the_order_again_with_attempts_reset(till):
    db, first, _ = till
    res = call("--db", db, "sync", "retry", f"#{first.display_id}")
    assert res.code == 0, res
    # Past its first step an entry resumes where it stopped (the engine looks on the server first).
    assert json.loads(res.out)["retried"][0]["state"] == retry_state(2) != "needs_attention"
    e = entries(db)[first.id]
    assert (e.state, e.attempts, e.last_error, e.step) == (retry_state(2), 0, None, 2)


def test_discard_without_yes_exits_2_and_changes_nothing(till):
    db, first, _ = till
    before = entries(db)[first.id]
    line = refused(call("--db", db, "sync", "discard", first.invoice_number))
    assert "--yes" in line and "nothing was changed" in line
    after = entries(db)[first.id]
    assert (after.state, after.updated_at) == (before.state, before.updated_at) == ("needs_attention",
                                                                                    before.updated_at)


def test_discard_with_yes_discards_and_is_audited(till):
    db, first, second = till
    res = call("--db", db, "sync", "discard", first.invoice_number, "--yes")
    assert res.code == 0, res
    assert json.loads(res.out)["discarded"][0]["state"] == "discarded"
    now = entries(db)
    assert now[first.id].state == "discarded" and now[second.id].state == "queued"
    # A discarded order has nothing left to retry or discard.
    assert "no unsynced entries" in refused(call("--db", db, "sync", "retry", first.invoice_number))
    app = start(db)
    try:
        logged = audit.list_entries(app.uow())
    finally:
        app.close()
    found = [e for e in logged if str(e.action) == "unsynced_discarded"]
    assert [e.subject for e in found] == [first.id]


@pytest.mark.parametrize("ref, field", [("#999", "ORDER:"), ("", "ORDER:"), ("TD-1999-000001", "ORDER:")])
def test_unknown_orders_are_refused_in_one_line(till, ref, field):
    db, _, _ = till
    assert refused(call("--db", db, "sync", "retry", ref)).startswith(f"tilldesk: {field}")


def test_a_missing_db_is_refused_and_not_created(tmp_path):
    line = refused(call("--db", str(tmp_path / "none.sqlite"), "sync", "queue"))
    assert "--db" in line
    assert not (tmp_path / "none.sqlite").exists()


def test_with_staff_on_discard_needs_a_signed_in_member_and_approval(till, monkeypatch):
    db, first, _ = till
    app = start(db)
    try:
        staff.add_staff("Olga", "owner", "1357", app.uow())
        app.actor = staff.sign_in("Olga", "1357", app.uow()).value
        staff.add_staff("Carl", "cashier", "2468", app.uow())
    finally:
        app.close()
    monkeypatch.delenv("TILLDESK_PIN", raising=False)
    monkeypatch.delenv("TILLDESK_APPROVER_PIN", raising=False)

    assert "sign in" in refused(call("--db", db, "sync", "discard", "#1", "--yes"))
    # Retrying changes no money, stock or setting: it is not guarded (as Retry in the window).
    assert call("--db", db, "sync", "retry", "#1").code == 0
    assert entries(db)[first.id].state == retry_state(2)
    assert "TILLDESK_PIN" in refused(call("--db", db, "sync", "discard", "#1", "--yes", "--staff", "Carl"))
    monkeypatch.setenv("TILLDESK_PIN", "2468")
    assert "approval" in refused(call("--db", db, "sync", "discard", "#1", "--yes", "--staff", "Carl"))
    assert entries(db)[first.id].state == retry_state(2)  # every refusal left it as it was

    monkeypatch.setenv("TILLDESK_APPROVER_PIN", "1357")
    res = call("--db", db, "sync", "discard", "#1", "--yes", "--staff", "Carl", "--approver", "Olga")
    assert res.code == 0, res
    assert entries(db)[first.id].state == "discarded"
    # Listing only reads: it needs nobody signed in.
    assert call("--db", db, "sync", "queue").code == 0
