"""The window with staff on: the sign-in screen (PIN pad by mouse and keyboard), wrong PINs and
the account lock, Ctrl+L, quick switch, the idle lock, and a draft surviving all of them.
Real widgets offscreen, a real SQLite file, the real staff services."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.services import audit, drafts, queries, staff

PINS = {"Olga": "86420135", "Mia": "2222", "Cam": "3333"}


def add_team(app) -> None:
    staff.add_staff("Olga", "owner", PINS["Olga"], app.uow())
    app.actor = staff.sign_in("Olga", PINS["Olga"], app.uow()).value
    staff.add_staff("Mia", "manager", PINS["Mia"], app.uow())
    staff.add_staff("Cam", "cashier", PINS["Cam"], app.uow())
    app.actor = None


@pytest.fixture
def staffed(qtbot, till):
    from ui.main_window import MainWindow

    add_team(till)
    w = MainWindow(till, synchronous=True)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def actions(w, name: str) -> list[str]:
    return [e.action for e in audit.list_entries(w.app.uow()) if e.action == name]


def sign_in_by_keyboard(qtbot, w, name: str, pin: str | None = None) -> None:
    screen = w.staff.screen
    screen.select(name)
    qtbot.keyClicks(screen.pin_edit, pin if pin is not None else PINS[name])
    qtbot.keyClick(screen.pin_edit, Qt.Key.Key_Return)


def test_no_staff_means_no_sign_in_screen(window):
    assert window.staff.locked is False
    assert window.staff.stack.currentWidget() is window.staff.main
    assert window.staff.label.isHidden()
    window.staff.lock()  # Ctrl+L with nobody to sign in: nothing to lock
    assert window.staff.locked is False
    assert "nothing to lock" in window.statusBar().currentMessage()


def test_sign_in_screen_by_mouse_then_keyboard(qtbot, staffed):
    w, s = staffed, staffed.staff
    assert s.locked and s.stack.currentWidget() is s.screen
    assert not w.new_action.isEnabled() and not w.menuBar().isEnabled()
    assert s.label.text() == "Locked"
    names = [s.screen.staff_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(s.screen.staff_list.count())]
    assert names == sorted(PINS) or set(names) == set(PINS)
    # The mouse: pick Cam, tap a wrong PIN on the pad.
    s.screen.select("Cam")
    for key in "3334":
        qtbot.mouseClick(s.screen.pad[key], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(s.screen.pad["back"], Qt.MouseButton.LeftButton)
    assert s.screen.pin_edit.text() == "333"
    qtbot.mouseClick(s.screen.pad["5"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(s.screen.sign_in_button, Qt.MouseButton.LeftButton)
    assert s.locked
    assert s.screen.error_label.text() == "staff: wrong PIN for Cam"
    assert s.screen.pin_edit.text() == ""
    assert w.app.actor is None
    # The keyboard: the right PIN and Enter.
    sign_in_by_keyboard(qtbot, w, "Cam")
    assert not s.locked and s.stack.currentWidget() is s.main
    assert w.app.actor is not None and w.app.actor.name == "Cam"
    assert s.label.text() == "Staff: Cam (cashier)"
    assert w.new_action.isEnabled() and w.menuBar().isEnabled()
    assert actions(w, "pin_failed") and actions(w, "sign_in")


def test_five_wrong_pins_lock_the_account_with_the_services_message(qtbot, staffed):
    s = staffed.staff
    for _ in range(4):
        sign_in_by_keyboard(qtbot, staffed, "Mia", "9999")
        assert s.screen.error_label.text() == "staff: wrong PIN for Mia"
    sign_in_by_keyboard(qtbot, staffed, "Mia", "9999")
    assert "locked" in s.screen.error_label.text()
    sign_in_by_keyboard(qtbot, staffed, "Mia")  # even the right PIN waits out the minute
    assert s.locked and staffed.app.actor is None
    assert "locked" in s.screen.error_label.text()


def test_empty_pin_is_refused_on_the_screen(qtbot, staffed):
    s = staffed.staff
    s.screen.select("Cam")
    qtbot.keyClick(s.screen.pin_edit, Qt.Key.Key_Return)
    assert s.screen.error_label.text() == "pin: type your PIN"
    assert s.locked


def _draft_with_a_line(w):
    w.new_draft()
    ed = w.editor
    ed.add_variant(queries.search_variants("COF-ETH-KOC-250-FG", w.app.uow())[0], 2)
    return ed.draft


def test_ctrl_l_locks_and_the_draft_survives(qtbot, staffed):
    w, s = staffed, staffed.staff
    sign_in_by_keyboard(qtbot, w, "Cam")
    d = _draft_with_a_line(w)
    first = w.editor.shipping_form.fields["first_name"]
    first.setFocus()
    qtbot.keyClicks(first, "Ada")
    qtbot.keyClick(w, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert s.locked and s.stack.currentWidget() is s.screen
    assert s.screen.chosen() == "Cam" and "Cam locked this till" in s.screen.subtitle.text()
    assert not w.mark_paid_action.isEnabled()
    sign_in_by_keyboard(qtbot, w, "Cam")
    assert not s.locked
    assert w.editor.draft is not None and w.editor.draft.id == d.id
    assert first.text() == "Ada"
    stored = drafts.get_draft(d.id, w.app.uow())
    assert [i.quantity for i in stored.items] == [2]
    assert w.mark_paid_action.isEnabled()


def test_quick_switch_signs_the_other_in_and_the_first_out(qtbot, staffed):
    w, s = staffed, staffed.staff
    sign_in_by_keyboard(qtbot, w, "Cam")
    d = _draft_with_a_line(w)
    qtbot.keyClick(w, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert s.locked and "Sign in" in s.screen.title.text()
    sign_in_by_keyboard(qtbot, w, "Mia")
    assert w.app.actor.name == "Mia" and s.label.text() == "Staff: Mia (manager)"
    assert w.editor.draft.id == d.id
    outs = [e for e in audit.list_entries(w.app.uow()) if e.action == "sign_out"]
    assert [e.details["name"] for e in outs] == ["Cam"]
    # Signing back in as the same person after a lock is not a switch: nobody is signed out.
    s.lock()
    sign_in_by_keyboard(qtbot, w, "Mia")
    assert len(actions(w, "sign_out")) == 1


def test_sign_out_locks_and_forgets_who(qtbot, staffed):
    w, s = staffed, staffed.staff
    sign_in_by_keyboard(qtbot, w, "Cam")
    s.sign_out()
    assert s.locked and w.app.actor is None
    assert [e.details["name"] for e in audit.list_entries(w.app.uow()) if e.action == "sign_out"] == ["Cam"]


def test_scanner_does_not_listen_while_locked(qtbot, staffed):
    w, s = staffed, staffed.staff
    seen: list[str] = []
    w.scanner.scanned.connect(seen.append)
    assert s.locked
    # Fast digits and Enter into the PIN field are a PIN, not a scan.
    sign_in_by_keyboard(qtbot, w, "Mia", "9999")
    assert seen == [] and s.screen.error_label.text() == "staff: wrong PIN for Mia"


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_idle_lock_after_the_set_minutes(qtbot, staffed):
    w, s = staffed, staffed.staff
    clock = FakeClock()
    s.idle.clock = clock
    sign_in_by_keyboard(qtbot, w, "Cam")
    d = _draft_with_a_line(w)
    assert s.idle.minutes == 5  # the setting's default
    clock.t += 4 * 60
    s.idle.timer.timeout.emit()
    assert not s.locked
    qtbot.keyClick(w.editor.product_search, Qt.Key.Key_A)  # someone is working: the clock restarts
    clock.t += 4 * 60
    s.idle.timer.timeout.emit()
    assert not s.locked
    clock.t += 60
    s.idle.timer.timeout.emit()
    assert s.locked and "no activity" in w.statusBar().currentMessage()
    sign_in_by_keyboard(qtbot, w, "Cam")
    assert not s.locked and w.editor.draft.id == d.id
    clock.t += 4 * 60  # the watch starts again from the sign-in
    s.idle.timer.timeout.emit()
    assert not s.locked


def test_idle_lock_minutes_is_a_setting_and_zero_is_never(qtbot, till):
    from app.services.settings import save_settings
    from ui.main_window import MainWindow

    add_team(till)
    till.actor = staff.sign_in("Olga", PINS["Olga"], till.uow()).value
    save_settings({"idle_lock_minutes": 0}, till.uow())
    with pytest.raises(Exception, match="idle_lock_minutes"):
        save_settings({"idle_lock_minutes": -1}, till.uow())
    till.actor = None
    w = MainWindow(till, synchronous=True)
    qtbot.addWidget(w)
    w.show()
    clock = FakeClock()
    w.staff.idle.clock = clock
    sign_in_by_keyboard(qtbot, w, "Olga")
    assert w.staff.idle.minutes == 0
    clock.t += 24 * 3600
    w.staff.idle.timer.timeout.emit()
    assert not w.staff.locked
    w.staff.set_idle_minutes(2)
    clock.t += 2 * 60
    w.staff.idle.timer.timeout.emit()
    assert w.staff.locked




def test_closing_the_window_stops_the_idle_watch(qtbot, staffed):
    from PySide6.QtWidgets import QApplication

    s = staffed.staff
    clock = FakeClock()
    s.idle.clock = clock
    sign_in_by_keyboard(qtbot, staffed, "Cam")
    staffed.close()
    assert not s.idle.timer.isActive()
    qtbot.keyClick(QApplication.instance().activeWindow() or staffed, Qt.Key.Key_A)
    clock.t += 3600
    s.idle.timer.timeout.emit()  # a late tick after closing locks nothing and reads no database
    assert not s.locked
