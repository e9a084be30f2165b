"""The till code in the window: asked on a first start (a bad code shown under its field, nothing
saved), shown and changed in the settings until it numbered an invoice."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.services import tills
from app.services.settings import load_settings
from tests.conftest import create_draft, mark_paid


def test_first_start_asks_for_the_code_and_refuses_a_bad_one(qtbot, till) -> None:  # type: ignore[no-untyped-def]
    from ui.till_dialog import TillSetupDialog

    assert tills.needs_code(till.uow())
    dlg = TillSetupDialog(till)
    qtbot.addWidget(dlg)
    dlg.code.setText("A-1")
    dlg.save()
    assert "till_code" in dlg.error.text() or "letters or digits" in dlg.error.text()
    assert dlg.result() != dlg.DialogCode.Accepted and tills.needs_code(till.uow())
    dlg.code.setText("a1")
    dlg.name.setText("Front desk")
    dlg.save()
    assert dlg.result() == dlg.DialogCode.Accepted
    s = load_settings(till.uow())
    assert (s.till_code, s.till_name) == ("A1", "Front desk") and not tills.needs_code(till.uow())
    assert mark_paid(till, create_draft(till).id).invoice_number.startswith(f"TD-A1-{datetime.now(UTC).year}-")


def test_cancel_on_first_start_keeps_the_default_code(qtbot, till) -> None:  # type: ignore[no-untyped-def]
    from ui.till_dialog import TillSetupDialog, ask_till_code

    def cancel() -> None:
        w = QApplication.activeModalWidget()
        if isinstance(w, TillSetupDialog):
            w.reject()
        else:
            QTimer.singleShot(20, cancel)

    QTimer.singleShot(20, cancel)
    ask_till_code(till)
    assert load_settings(till.uow()).till_code == tills.DEFAULT_CODE
    ask_till_code(till)  # no longer a first start: returns at once, asks nothing


def test_settings_change_the_code_until_it_numbered_an_invoice(qtbot, window, till) -> None:  # type: ignore[no-untyped-def]
    from ui.settings_dialog import SettingsDialog

    dlg = SettingsDialog(till, window)
    qtbot.addWidget(dlg)
    dlg.edits["till_code"].setText("B2")
    dlg.save()
    assert load_settings(till.uow()).till_code == "B2"
    mark_paid(till, create_draft(till).id)
    dlg = SettingsDialog(till, window)
    qtbot.addWidget(dlg)
    assert dlg.edits["till_code"].text() == "B2"
    dlg.edits["till_code"].setText("C3")
    dlg.edits["till_name"].setText("Renamed")
    dlg.save()
    assert "B2" in dlg.errors["till_code"].text() and dlg.result() != dlg.DialogCode.Accepted
    s = load_settings(till.uow())
    assert (s.till_code, s.till_name) != ("C3", "Renamed") and s.till_code == "B2"
