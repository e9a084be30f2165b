"""The manager-approval prompt: a cashier's guarded action (a price override) stops at the
service with ApprovalRequired; the window asks for a manager's PIN and does that one action again
carrying the approval, and both names land in the audit log."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from app.services import audit, drafts, queries

from .test_staff_window import PINS, add_team, sign_in_by_keyboard


@pytest.fixture
def cashier_with_draft(qtbot, till):
    from ui.main_window import MainWindow

    add_team(till)
    w = MainWindow(till, synchronous=True)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    sign_in_by_keyboard(qtbot, w, "Cam")
    w.new_draft()
    w.editor.add_variant(queries.search_variants("COF-ETH-KOC-250-FG", till.uow())[0], 1)
    return w


def override_price(w, price: str):
    item = w.editor.draft.items[0]
    w.editor.lines._edit_requested(item.id, "unit_price", Decimal(price))
    return item


def stored_price(w) -> Decimal:
    return drafts.get_draft(w.editor.draft.id, w.app.uow()).items[0].unit_price


def test_manager_pin_approves_the_one_price_override(qtbot, cashier_with_draft):
    w = cashier_with_draft
    item = override_price(w, "1.00")
    dlg = w.staff.approval_dialog
    assert dlg is not None and dlg.isVisible()
    assert "Price override" in dlg.message.text()
    assert stored_price(w) == item.unit_price  # nothing done yet
    approvers = [dlg.approver.itemData(i) for i in range(dlg.approver.count())]
    assert approvers == ["Olga", "Mia"] or set(approvers) == {"Olga", "Mia"}  # never the cashier
    # A wrong PIN: the service's message, the dialog stays, still nothing done.
    dlg.approver.setCurrentIndex(dlg.approver.findData("Mia"))
    qtbot.keyClicks(dlg.pin_edit, "1111")
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert dlg.isVisible() and dlg.error_label.text() == "approver: wrong PIN for Mia"
    assert stored_price(w) == item.unit_price
    qtbot.keyClicks(dlg.pin_edit, PINS["Mia"])
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible()
    assert stored_price(w) == Decimal("1.00")
    assert w.editor.draft.items[0].unit_price == Decimal("1.00")
    entries = audit.list_entries(w.app.uow())
    appr = [e for e in entries if e.action == "approval"]
    assert len(appr) == 1
    assert appr[0].details["staff"] == "Cam" and appr[0].details["approver"] == "Mia"
    assert appr[0].details["action"] == "price_override"
    assert w.errors_shown == []
    # The approval was for that one action: the next override asks again.
    override_price(w, "2.00")
    again = w.staff.approval_dialog
    assert again is not dlg and again.isVisible()
    again.reject()
    assert stored_price(w) == Decimal("1.00")


def test_cancelled_approval_leaves_the_price_and_says_so(qtbot, cashier_with_draft):
    w = cashier_with_draft
    item = override_price(w, "0.50")
    dlg = w.staff.approval_dialog
    qtbot.mouseClick(dlg.findChild(type(dlg.ok_button), "approveButton"), Qt.MouseButton.LeftButton)
    assert dlg.error_label.text() == "approver: type the manager's PIN"
    dlg.reject()
    assert stored_price(w) == item.unit_price
    assert "needs a manager's approval" in w.statusBar().currentMessage()
    assert not [e for e in audit.list_entries(w.app.uow()) if e.action == "approval"]


def test_a_manager_needs_no_approval(qtbot, till):
    from ui.main_window import MainWindow

    add_team(till)
    w = MainWindow(till, synchronous=True)
    qtbot.addWidget(w)
    sign_in_by_keyboard(qtbot, w, "Mia")
    w.new_draft()
    w.editor.add_variant(queries.search_variants("COF-ETH-KOC-250-FG", till.uow())[0], 1)
    override_price(w, "3.00")
    assert w.staff.approval_dialog is None
    assert stored_price(w) == Decimal("3.00")


def test_approval_through_the_threaded_runner(qtbot, till):
    """The real (threaded) path: the retry runs on the edit worker, carrying the approval there."""
    from ui.main_window import MainWindow

    add_team(till)
    w = MainWindow(till, synchronous=False)
    qtbot.addWidget(w)
    sign_in_by_keyboard(qtbot, w, "Cam")
    w.ops.wait()
    assert w.app.actor is not None and w.app.actor.name == "Cam"
    w.new_draft()
    w.ops.wait()
    w.editor.add_variant(queries.search_variants("COF-ETH-KOC-250-FG", till.uow())[0], 1)
    w.ops.wait()
    override_price(w, "1.25")
    w.ops.wait()
    dlg = w.staff.approval_dialog
    assert dlg is not None
    dlg.approver.setCurrentIndex(dlg.approver.findData("Olga"))
    dlg.pin_edit.setText(PINS["Olga"])
    dlg.approve()
    w.ops.wait()
    assert stored_price(w) == Decimal("1.25")
    w.ops.shutdown()


def test_a_cashiers_settings_change_asks_a_manager(qtbot, cashier_with_draft):
    from app.services.settings import load_settings

    w = cashier_with_draft
    w.open_settings()
    from ui.settings_dialog import SettingsDialog

    dlg = w.findChild(SettingsDialog, "settingsDialog")
    assert dlg is not None
    dlg.edits["till_name"].setText("Counter 2")
    dlg.idle_lock.setValue(9)
    dlg.save()
    assert dlg.isVisible() and load_settings(w.app.uow()).till_name != "Counter 2"
    ask = w.staff.approval_dialog
    assert ask is not None and "Settings" in ask.message.text()
    ask.approver.setCurrentIndex(ask.approver.findData("Olga"))
    ask.pin_edit.setText(PINS["Olga"])
    ask.approve()
    saved = load_settings(w.app.uow())
    assert saved.till_name == "Counter 2" and saved.idle_lock_minutes == 9
    assert w.staff.idle.minutes == 9  # the window took the new idle lock at once
    assert w.till_label.text() == "Till: Counter 2"
    appr = [e for e in audit.list_entries(w.app.uow()) if e.action == "approval"]
    assert [(e.details["staff"], e.details["approver"], e.details["action"]) for e in appr] == [
        ("Cam", "Olga", "settings")]


def test_an_open_dialog_hides_while_locked_and_comes_back(qtbot, cashier_with_draft):
    from ui.settings_dialog import SettingsDialog

    w = cashier_with_draft
    w.open_settings()
    dlg = w.findChild(SettingsDialog, "settingsDialog")
    dlg.edits["till_name"].setText("Typed before the lock")
    w.staff.idle_lock()
    assert w.staff.locked and not dlg.isVisible()
    sign_in_by_keyboard(qtbot, w, "Cam")
    assert dlg.isVisible() and dlg.edits["till_name"].text() == "Typed before the lock"
