"""The cash drawer: the ESC/POS pulse reaches a real TCP socket standing in for the receipt
printer, and every opening is recorded with its reason, shift and outcome."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from app.domain.errors import DomainError
from app.services import drawer, orders, shifts
from app.services.settings import save_settings
from tests.conftest import create_draft, db_fingerprint
from tests.printing.test_printing_escpos import CapturingPrinter

PULSE_PIN_2 = b"\x1bp\x00\x32\x32"  # ESC p, pin 2, 50 x 2 ms on, 50 x 2 ms off


@pytest.fixture
def printer() -> Any:
    server = CapturingPrinter()
    yield server
    server.close()


def use_printer(app: Any, port: int) -> None:
    save_settings({"escpos_host": "127.0.0.1", "escpos_port": port}, app.uow())


def test_no_sale_sends_the_pulse_and_is_recorded(app: Any, printer: CapturingPrinter) -> None:
    use_printer(app, printer.port)
    sh = shifts.open_shift({"floats": {"cash": "50"}}, app.uow()).value.shift
    d = drawer.open_drawer({"reason": "  change for a 50  ", "staff_id": "stf_ann"}, app.uow()).value
    assert printer.join() == PULSE_PIN_2
    assert (d.reason.value, d.note, d.shift_id, d.staff_id) == ("no_sale", "change for a 50", sh.id, "stf_ann")
    assert d.destination == f"127.0.0.1:{printer.port}" and d.error is None
    with app.uow() as uow:
        assert uow.shifts.drawer_openings(sh.id) == [d]


def test_an_unreachable_printer_is_recorded_not_raised(app: Any) -> None:
    s = socket.create_server(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there any more
    use_printer(app, port)
    d = drawer.open_drawer({"reason": "no sale"}, app.uow()).value
    assert d.error and f"127.0.0.1:{port}" in d.error and d.shift_id is None
    with app.uow() as uow:
        assert [x.error for x in uow.shifts.drawer_openings()] == [d.error]


def test_no_sale_needs_a_reason_and_writes_nothing_without(app: Any, db_path: Path) -> None:
    before = db_fingerprint(db_path)
    with pytest.raises(DomainError, match="reason: is required"):
        drawer.open_drawer({"reason": " "}, app.uow())
    assert db_fingerprint(db_path) == before


def test_a_cash_sale_opens_the_drawer_and_a_card_sale_does_not(app: Any, printer: CapturingPrinter) -> None:
    card = orders.mark_paid({"draft_id": create_draft(app).id, "tenders": [{"kind": "card", "amount": "58.25"}]},
                            app.uow()).value
    use_printer(app, printer.port)
    assert drawer.after_payment(card, app.uow()) is None
    paid = orders.mark_paid({"draft_id": create_draft(app).id, "tenders": [{"kind": "cash", "amount": "60"}]},
                            app.uow()).value
    res = drawer.after_payment(paid, app.uow())
    assert res is not None and res.value.reason.value == "cash_payment" and res.value.note == paid.invoice_number
    assert printer.join() == PULSE_PIN_2  # exactly one pulse: the card sale sent nothing


def test_without_a_receipt_printer_a_cash_sale_sends_and_records_nothing(app: Any) -> None:
    paid = orders.mark_paid({"draft_id": create_draft(app).id, "tenders": [{"kind": "cash", "amount": "60"}]},
                            app.uow()).value
    assert drawer.after_payment(paid, app.uow()) is None
    with app.uow() as uow:
        assert uow.shifts.drawer_openings() == []


def test_the_pulse_for_either_drawer_pin() -> None:
    from app.printing.drawer import drawer_pulse_bytes

    assert drawer_pulse_bytes() == PULSE_PIN_2 and drawer_pulse_bytes(5) == b"\x1bp\x01\x32\x32"
    with pytest.raises(ValueError, match="pin must be 2 or 5"):
        drawer_pulse_bytes(3)
