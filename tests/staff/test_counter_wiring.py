"""Staff, shifts, the drawer and refunds working together (issues 10 and 11): a refund and a
no-sale are guarded actions, every cash-moving step is in the audit log, the drawer opens on a
cash refund as on a cash payment, and a pushed order names the shift it was paid in. Real SQLite
file, a real TCP socket standing in for the receipt printer."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from app.domain.permissions import ApprovalRequired
from app.services import audit, credit_notes, drawer, refunds, shifts
from tests.conftest import create_draft, db_fingerprint, draft_body, mark_paid
from tests.printing.test_printing_escpos import CapturingPrinter
from tests.services.test_drawer import PULSE_PIN_2, use_printer
from tests.staff.conftest import PINS, add_team, approval, as_


def actions(app: Any, since: int = 0) -> list[str]:
    return [e.action for e in audit.list_entries(app.uow(), since)]


def last_seq(app: Any) -> int:
    entries = audit.list_entries(app.uow())
    return entries[-1].seq if entries else 0


def test_a_cashier_refunds_only_with_a_managers_pin_and_both_are_logged(team: Any, db_path: Path) -> None:
    cam = as_(team, "Cam")
    order = mark_paid(team, create_draft(team).id, {"kind": "cash", "amount": "60"})
    cmd = {"order_id": order.id, "amount": "5.00", "tenders": [{"kind": "cash", "amount": "5.00"}]}
    before = db_fingerprint(db_path)
    with pytest.raises(ApprovalRequired) as exc:
        refunds.refund_order(cmd, team.uow())
    assert exc.value.field == "approver" and db_fingerprint(db_path) == before  # nothing half-written
    mia = approval(team, "Mia", "refund")
    seq = last_seq(team)
    done = refunds.refund_order(cmd, team.uow(approval=mia)).value
    (r,) = done.refunds
    assert r.staff_id == cam.staff_id and r.amount == D("5.00")
    tail = audit.list_entries(team.uow(), seq)
    assert [e.action for e in tail] == ["approval", "refund"]
    assert tail[0].details["approver"] == "Mia" and tail[0].details["staff"] == "Cam"
    assert tail[1].subject == order.id and tail[1].staff_id == cam.staff_id
    assert tail[1].details["credit_note_number"] == r.credit_note_number
    assert tail[1].details["approver_id"] == mia.approver_id and tail[1].details["amount"] == "5.00"
    # A manager refunds on her own; the refund is in the open shift's X report.
    as_(team, "Mia")
    refunds.refund_order({**cmd, "amount": "2.50", "tenders": [{"kind": "cash", "amount": "2.50"}]}, team.uow())
    x = shifts.x_report(team.uow())
    cash = next(t for t in x.tenders if t.tender == "cash")
    assert (x.refunds_count, cash.refunds) == (2, D("7.50"))
    assert cash.expected == D("100.00") + D("58.25") - D("7.50")  # float + the sale kept - refunds


def test_shift_steps_and_cash_moves_are_in_the_log_with_who(app: Any) -> None:
    add_team(app, open_shift=False)
    mia = as_(app, "Mia")
    seq = last_seq(app)
    sh = shifts.open_shift({"floats": {"cash": "80.00"}}, app.uow()).value.shift
    shifts.cash_in({"amount": "20.00", "reason": "change from the bank"}, app.uow())
    shifts.cash_out({"amount": "12.50", "reason": "window cleaner"}, app.uow())
    z = shifts.close_shift({"counted": {"cash": "87.50"}}, app.uow()).value
    entries = audit.list_entries(app.uow(), seq)
    assert [e.action for e in entries] == ["shift_opened", "cash_in", "cash_out", "shift_closed"]
    assert {e.subject for e in entries} == {sh.id} and {e.staff_id for e in entries} == {mia.staff_id}
    assert entries[0].details["float"] == {"cash": "80.00"}
    assert (entries[2].details["amount"], entries[2].details["reason"]) == ("12.50", "window cleaner")
    assert entries[3].details == {"z_number": z.z_number, "counted": {"cash": "87.50"},
                                  "expected": {"cash": "87.50"}}
    with app.uow() as uow:
        stored = uow.shifts.get(sh.id)
        assert (stored.opened_by, stored.closed_by) == (mia.staff_id, mia.staff_id)
        assert {m.staff_id for m in uow.shifts.movements(sh.id)} == {mia.staff_id}
    assert audit.verify(app.uow()).ok


def test_no_sale_is_guarded_before_the_pulse_and_logged(team: Any, db_path: Path) -> None:
    printer = CapturingPrinter()
    try:
        as_(team, "Olga")
        use_printer(team, printer.port)
        as_(team, "Cam")
        before = db_fingerprint(db_path)
        with pytest.raises(ApprovalRequired):
            drawer.open_drawer({"reason": "change for a 50"}, team.uow())
        assert db_fingerprint(db_path) == before
        mia = approval(team, "Mia", "no_sale")
        seq = last_seq(team)
        team.actor = team.actor.with_approval(mia)
        d = drawer.open_drawer({"reason": "change for a 50"}, team.uow()).value
        assert printer.join() == PULSE_PIN_2  # one pulse: the refused attempt sent nothing
    finally:
        printer.close()
    tail = audit.list_entries(team.uow(), seq)
    assert [e.action for e in tail] == ["approval", "drawer_opened"]
    assert tail[1].subject == d.id and tail[1].details["reason"] == "no_sale"
    assert tail[1].details["note"] == "change for a 50" and tail[1].details["approver_id"] == mia.approver_id
    assert d.staff_id == team.actor.staff_id and d.shift_id is not None


def test_a_cash_refund_opens_the_drawer_and_a_card_refund_does_not(app: Any) -> None:
    printer = CapturingPrinter()
    try:
        use_printer(app, printer.port)
        order = mark_paid(app, create_draft(app).id, {"kind": "cash", "amount": "60"})
        by_card = refunds.refund_order({"order_id": order.id, "amount": "1.00",
                                        "tenders": [{"kind": "card", "amount": "1.00", "reference": "r1"}]},
                                       app.uow()).value.refunds[-1]
        assert drawer.after_refund(by_card, app.uow()) is None
        in_cash = refunds.refund_order({"order_id": order.id, "amount": "2.00",
                                        "tenders": [{"kind": "cash", "amount": "2.00"}]}, app.uow()).value.refunds[-1]
        res = drawer.after_refund(in_cash, app.uow())
        assert printer.join() == PULSE_PIN_2
    finally:
        printer.close()
    assert res is not None and res.value.reason.value == "cash_refund"
    assert res.value.note == in_cash.credit_note_number
    assert actions(app)[-1] == "drawer_opened"


def test_the_cli_refund_in_cash_pulses_the_drawer(tmp_path: Path) -> None:
    from tests.cli.inproc import call

    db = tmp_path / "till.sqlite"
    body = tmp_path / "draft.json"
    body.write_text(json.dumps(draft_body()))
    base = ("--db", str(db), "--demo")
    draft = json.loads(call(*base, "draft", "create", str(body)).out)["draft_order"]
    order = json.loads(call(*base, "draft", "mark-paid", draft["id"], "--tender", "card=58.25:slip").out)["order"]
    printer = CapturingPrinter()
    try:
        from app.bootstrap import start

        a = start(db)
        try:
            use_printer(a, printer.port)
        finally:
            a.close()
        res = call(*base, "order", "refund", order["id"], "--amount", "3.00", "--tender", "cash=3.00")
        assert res.code == 0, res.err
        assert printer.join() == PULSE_PIN_2
    finally:
        printer.close()
    a = start(db)
    try:
        with a.uow() as uow:
            (d,) = uow.shifts.drawer_openings()
        assert d.reason.value == "cash_refund" and d.note == json.loads(res.out)["credit_note_number"]
    finally:
        a.close()


def test_a_credit_note_reprint_is_logged_and_the_second_needs_approval(team: Any, tmp_path: Path) -> None:
    as_(team, "Mia")
    order = mark_paid(team, create_draft(team).id)
    number = refunds.refund_order({"order_id": order.id, "amount": "1.00",
                                   "tenders": [{"kind": "cash", "amount": "1.00"}]}, team.uow()).value \
        .refunds[0].credit_note_number
    as_(team, "Cam")
    archive = tmp_path / "archive"
    seq = last_seq(team)
    assert [credit_notes.print_credit_note(number, "a4", team.uow(), archive).copy_number
            for _ in range(2)] == [0, 1]
    with pytest.raises(ApprovalRequired):
        credit_notes.print_credit_note(number, "a4", team.uow(), archive)
    team.actor = team.actor.with_approval(approval(team, "Mia", "reprint"))
    assert credit_notes.print_credit_note(number, "a4", team.uow(), archive).copy_number == 2
    tail = audit.list_entries(team.uow(), seq)
    assert [e.action for e in tail] == ["credit_note_reprint", "approval", "credit_note_reprint"]
    assert [e.details["copy_number"] for e in tail if e.action != "approval"] == [1, 2]
    assert PINS["Mia"] not in json.dumps([e.details for e in tail])
