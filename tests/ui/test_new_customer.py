"""A customer taken on the phone is created inline: similar existing customers are offered first,
bad input is shown beside its field, and the new customer lands on the draft."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services import drafts

K = Qt.Key


def _type(qtbot, dlg, values: dict[str, str]) -> None:
    for key, text in values.items():
        edit = dlg.edits[key]
        edit.clear()
        # QTest asserts on keys outside ASCII (qasciikey.cpp): those characters are inserted as
        # an input method would; everything else is typed key by key.
        for ch in text:
            if ch.isascii():
                qtbot.keyClicks(edit, ch)
            else:
                edit.insert(ch)


def test_new_customer_by_keyboard_offers_look_alikes_then_creates(qtbot, window, till) -> None:
    window.new_draft()
    ed = window.editor
    ed.customer_search.setFocus()
    qtbot.keyClick(ed.customer_search, K.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    dlg = ed.customer.dialog
    qtbot.waitUntil(dlg.isVisible)
    # The demo shop already has Zoë Müller: she is offered instead of a duplicate.
    _type(qtbot, dlg, {"email": "zoe.new@example.com", "first_name": "Zoë", "last_name": "Müller", "phone": "+49 221 9988776"})
    dlg.buttons.accepted.emit()
    qtbot.waitUntil(dlg.similar_list.isVisible)
    assert "Zoë Müller" in dlg.similar_list.item(0).text()
    # Create anyway, but with a bad phone first: the error shows beside the phone field.
    _type(qtbot, dlg, {"phone": "12"})
    dlg.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dlg.errors["phone"].isVisible())
    assert dlg.isVisible()
    _type(qtbot, dlg, {"phone": "+49 221 9988776"})
    dlg.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dlg.isVisible())
    qtbot.waitUntil(lambda: ed.draft is not None and ed.draft.customer_id is not None)
    d = drafts.get_draft(ed.draft.id, till.uow())
    assert d.email == "zoe.new@example.com" and d.customer_name == "Zoë Müller"
    with till.uow() as uow:
        created = uow.customers.get(d.customer_id)
        assert created.phone == "+492219988776"
        assert [c.id for c in uow.customers.created_locally()] == [created.id]


def test_choosing_the_offered_customer_creates_nothing(qtbot, window, till) -> None:
    window.new_draft()
    ed = window.editor
    ed.new_customer()
    dlg = ed.customer.dialog
    _type(qtbot, dlg, {"email": "lukasz.zolc+orders@example.com"})
    dlg.buttons.accepted.emit()
    qtbot.waitUntil(dlg.similar_list.isVisible)
    qtbot.keyClick(dlg.similar_list, K.Key_Return)
    qtbot.waitUntil(lambda: ed.draft is not None and ed.draft.customer_id is not None)
    assert drafts.get_draft(ed.draft.id, till.uow()).customer_name == "Łukasz Żółć"
    with till.uow() as uow:
        assert uow.customers.created_locally() == []
    QApplication.processEvents()
