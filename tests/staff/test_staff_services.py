"""Staff through the services on a real SQLite file: optional until the first owner, who did what
on every record, the lock after five wrong PINs, approvals for guarded actions."""

from __future__ import annotations

import logging
import sqlite3
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.domain import clock
from app.domain.errors import InvalidValue
from app.domain.permissions import ApprovalRequired, NotPermitted, SignInRequired
from app.domain.staff import AccountLocked, WrongPin
from app.services import audit, drafts, invoices, orders, settings, staff
from tests.conftest import ESPRESSO_250, create_draft, db_fingerprint, mark_paid, table_counts
from tests.staff.conftest import PINS, add_team, approval, as_


def rows(db: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def actions(app: Any) -> list[str]:
    return [e.action for e in audit.list_entries(app.uow())]


def test_with_no_accounts_the_till_works_as_before(app: Any, db_path: Path) -> None:
    assert not staff.is_enabled(app.uow())
    order = mark_paid(app, create_draft(app).id)
    assert rows(db_path, "SELECT staff_id, approver_id FROM orders") == [(None, None)]
    orders.cancel_order(order.id, app.uow())  # no approval needed: nobody signs in
    assert actions(app) == ["order_canceled", "refund"]  # the log is kept all the same


def test_the_first_account_must_be_an_owner_and_nothing_is_half_written(app: Any, db_path: Path) -> None:
    before = db_fingerprint(db_path)
    with pytest.raises(InvalidValue) as exc:
        staff.add_staff("Cam", "cashier", "3333", app.uow())
    assert exc.value.field == "role" and "owner" in str(exc.value)
    for bad, field in ((("", "owner", "1234")), "name"), ((("Ann", "boss", "1234")), "role"), \
                      ((("Ann", "owner", "12")), "pin"):
        with pytest.raises(InvalidValue) as exc:
            staff.add_staff(*bad, app.uow())
        assert exc.value.field == field
    assert db_fingerprint(db_path) == before


def test_once_staff_is_on_acting_needs_someone_signed_in(app: Any, db_path: Path) -> None:
    draft = create_draft(app)
    add_team(app)
    before = db_fingerprint(db_path)
    for act in (lambda: create_draft(app), lambda: mark_paid(app, draft.id),
                lambda: drafts.add_line_item({"draft_id": draft.id, "variant_sku": ESPRESSO_250, "quantity": 1}, app.uow()),
                lambda: settings.save_settings({"till_name": "Front"}, app.uow())):
        with pytest.raises(SignInRequired) as exc:
            act()
        assert exc.value.field == "staff"
    assert db_fingerprint(db_path) == before
    assert drafts.get_draft(draft.id, app.uow()).id == draft.id  # reading needs nobody


def test_drafts_orders_payments_and_prints_record_who(team: Any, db_path: Path, tmp_path: Path) -> None:
    cam = as_(team, "Cam")
    draft = create_draft(team)
    order = mark_paid(team, draft.id, {"kind": "cash", "amount": "100"})
    invoices.print_document(order.id, "receipt", team.uow(), tmp_path / "archive")
    assert rows(db_path, "SELECT staff_id FROM draft_orders") == [(cam.staff_id,)]
    assert rows(db_path, "SELECT staff_id, approver_id FROM orders") == [(cam.staff_id, None)]
    assert rows(db_path, "SELECT staff_id FROM payments") == [(cam.staff_id,)]
    assert rows(db_path, "SELECT staff_id, approver_id FROM prints") == [(cam.staff_id, None)]


def test_five_wrong_pins_lock_for_a_minute_logged(team: Any, db_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    t0 = clock.now()
    now = [t0]
    with clock.use(lambda: now[0]):
        for _ in range(1, 5):
            with pytest.raises(WrongPin) as exc:
                staff.sign_in("Cam", "0000", team.uow())
            assert not isinstance(exc.value, AccountLocked) and exc.value.field == "staff"
        with caplog.at_level(logging.WARNING), pytest.raises(AccountLocked):
            staff.sign_in("Cam", "0000", team.uow())
        assert "locked" in caplog.text and PINS["Cam"] not in caplog.text and "0000" not in caplog.text
        now[0] = t0 + timedelta(seconds=59)
        with pytest.raises(AccountLocked):  # even the right PIN waits out the minute
            staff.sign_in("Cam", PINS["Cam"], team.uow())
        assert [m.locked_until is not None for m in staff.list_staff(team.uow())] == [True, False, False]
        now[0] = t0 + timedelta(seconds=61)
        assert staff.sign_in("Cam", PINS["Cam"], team.uow()).value.name == "Cam"
    log = [(e.action, e.details) for e in audit.list_entries(team.uow()) if e.action != "staff_added"][-8:]
    assert [a for a, _ in log] == ["pin_failed"] * 5 + ["account_locked", "pin_failed", "sign_in"]
    assert [d.get("attempt") for a, d in log[:5]] == [1, 2, 3, 4, 5] and log[6][1]["reason"] == "locked"
    assert rows(db_path, "SELECT failed_attempts, locked_until FROM staff WHERE name = 'Cam'") == [(0, None)]


def test_no_pin_is_stored_or_logged_in_plain(team: Any, db_path: Path) -> None:
    as_(team, "Olga")
    team.close()
    data = b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))
    assert PINS["Olga"].encode() not in data
    assert all(h.startswith("scrypt$16384$8$1$") for (h,) in rows(db_path, "SELECT pin_hash FROM staff"))


def test_a_cashier_cancels_a_paid_order_only_with_a_managers_pin(team: Any, db_path: Path) -> None:
    cam = as_(team, "Cam")
    order = mark_paid(team, create_draft(team).id)
    before = db_fingerprint(db_path)
    with pytest.raises(ApprovalRequired) as exc:
        orders.cancel_order(order.id, team.uow())
    assert exc.value.field == "approver" and db_fingerprint(db_path) == before
    with pytest.raises(NotPermitted, match="may not approve"):  # a cashier's PIN approves nothing
        staff.approve("Cam", PINS["Cam"], team.uow(), "cancel_paid_order")
    mia = approval(team, "Mia", "cancel_paid_order")
    done = orders.cancel_order(order.id, team.uow(approval=mia)).value
    assert done.status == "canceled"
    assert rows(db_path, "SELECT staff_id, approver_id FROM orders") == [(cam.staff_id, mia.approver_id)]
    tail = audit.list_entries(team.uow())[-3:]
    assert [e.action for e in tail] == ["approval", "order_canceled", "refund"]
    assert tail[0].details == {"action": "cancel_paid_order", "staff": "Cam", "approver": "Mia",
                               "approver_id": mia.approver_id}
    assert tail[0].staff_id == cam.staff_id and tail[1].details["approver_id"] == mia.approver_id


def test_a_price_override_is_guarded_and_logged(team: Any) -> None:
    as_(team, "Cam")
    draft = create_draft(team)
    line = next(i for i in draft.items if i.variant_sku == ESPRESSO_250)
    cmd = {"draft_id": draft.id, "item_id": line.id, "unit_price": "9.99"}
    with pytest.raises(ApprovalRequired):
        drafts.update_line_item(cmd, team.uow())
    with pytest.raises(ApprovalRequired):
        drafts.add_line_item({"draft_id": draft.id, "variant_sku": ESPRESSO_250, "unit_price": "1",
                              "quantity": 1}, team.uow())
    drafts.update_line_item({**cmd, "unit_price": str(line.unit_price), "quantity": 5}, team.uow())  # no override
    edited = drafts.update_line_item(cmd, team.uow(approval=approval(team, "Mia"))).value
    assert next(i for i in edited.items if i.id == line.id).unit_price == Decimal("9.99")
    entry = audit.list_entries(team.uow())[-1]
    assert entry.action == "price_override" and entry.details["catalog_price"] == "15"
    assert entry.details["price"] == "9.99" and entry.subject == draft.id
    as_(team, "Mia")  # a manager needs nobody
    drafts.update_line_item({**cmd, "unit_price": "8.00"}, team.uow())


def test_the_second_reprint_needs_approval_for_a_cashier(team: Any, db_path: Path, tmp_path: Path) -> None:
    as_(team, "Cam")
    order = mark_paid(team, create_draft(team).id)
    for _ in range(2):  # the original and the first copy
        invoices.print_document(order.id, "a4", team.uow(), tmp_path)
    with pytest.raises(ApprovalRequired):
        invoices.print_document(order.id, "a4", team.uow(), tmp_path)
    mia = approval(team, "Mia", "reprint")
    assert invoices.print_document(order.id, "a4", team.uow(approval=mia), tmp_path).copy_number == 2
    assert rows(db_path, "SELECT copy_number, approver_id FROM prints ORDER BY copy_number") == [
        (0, None), (1, None), (2, mia.approver_id)]
    assert [e.details["copy_number"] for e in audit.list_entries(team.uow()) if e.action == "reprint"] == [1, 2]


def test_settings_and_backend_changes_are_guarded_and_logged(team: Any) -> None:
    as_(team, "Cam")
    with pytest.raises(ApprovalRequired):
        settings.save_settings({"till_name": "Front"}, team.uow())
    as_(team, "Mia")
    settings.save_settings({"till_name": "Front", "backend_url": "http://127.0.0.1:9000"}, team.uow())
    tail = audit.list_entries(team.uow())[-2:]
    assert [(e.action, e.details) for e in tail] == [
        ("backend_changed", {"backend_url": "http://127.0.0.1:9000"}), ("settings_changed", {"till_name": "Front"})]
    assert tail[1].till == "Counter 1"  # the change is logged by the till as it was named
    as_(team, "Mia")
    assert audit.list_entries(team.uow())[-1].till == "Front"


def test_permissions_are_data_the_owner_edits(team: Any) -> None:
    as_(team, "Mia")
    with pytest.raises(NotPermitted):
        staff.set_permission("cashier", "reprint", "allow", team.uow())
    as_(team, "Olga")
    with pytest.raises(InvalidValue) as exc:
        staff.set_permission("cashier", "teleport", "allow", team.uow())
    assert exc.value.field == "action"
    staff.set_permission("cashier", "cancel_paid_order", "allow", team.uow())
    assert staff.get_permissions(team.uow())["cashier"]["cancel_paid_order"] == "allow"
    as_(team, "Cam")
    order = mark_paid(team, create_draft(team).id)
    assert orders.cancel_order(order.id, team.uow()).value.status == "canceled"


def test_disabled_accounts_and_the_last_owner(team: Any) -> None:
    as_(team, "Olga")
    with pytest.raises(InvalidValue, match="last active owner"):
        staff.disable_staff("olga", team.uow())
    staff.disable_staff("Cam", team.uow())
    with pytest.raises(WrongPin, match="disabled"):
        staff.sign_in("Cam", PINS["Cam"], team.uow())
    assert [(m.name, m.active) for m in staff.list_staff(team.uow())] == [
        ("Cam", False), ("Mia", True), ("Olga", True)]
    with pytest.raises(InvalidValue, match="already"):
        staff.add_staff("  mia ", "cashier", "4444", team.uow())


def test_a_wrong_approver_pin_is_counted_too(team: Any) -> None:
    with pytest.raises(WrongPin) as exc:
        staff.approve("Mia", "0000", team.uow())
    assert exc.value.field == "approver"
    assert actions(team)[-1] == "pin_failed"
    assert table_counts(team.db.path)["staff"] == 3
