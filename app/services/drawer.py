"""Opening the cash drawer: on a cash payment, on a cash refund and on "no sale" (guarded).

The pulse goes to the receipt printer set up in the settings (`escpos_host`, `escpos_port`),
the same ESC/POS printer receipts go to. The network send happens outside any unit of work, so
a slow printer never holds the database's write lock; every opening is then recorded with the
shift, the staff member, where the pulse went and whether it arrived, and logged."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import Field

from app.domain import clock, ids
from app.domain.changes import OpResult
from app.domain.order import TenderKind
from app.domain.permissions import GuardedAction, Permit
from app.domain.refunds import Refund
from app.domain.shifts import DrawerOpening, DrawerReason, reason_text
from app.printing.drawer import drawer_pulse_bytes
from app.printing.escpos import send_to_network_printer

from . import audit, guard
from .commands import Command
from .context import UnitOfWork
from .dto import OrderDTO
from .errors import parse
from .settings import load_settings
from .shifts import till_id

log = logging.getLogger(__name__)

Sender = Callable[[str, int, bytes], int]
"""Sends raw bytes to host:port; `send_to_network_printer` in real use."""

DRAWER_TIMEOUT = 5.0


class OpenDrawer(Command):
    reason: Annotated[str, Field(max_length=500)] = ""
    staff_id: Annotated[str | None, Field(max_length=100)] = None


def _network_send(host: str, port: int, data: bytes) -> int:
    return send_to_network_printer(host, port, data, timeout=DRAWER_TIMEOUT)


def _check(uow: UnitOfWork, reason: DrawerReason) -> Permit | None:
    """'No sale' is a guarded action; a drawer opened for a payment or refund needs only someone
    signed in (when staff is on)."""
    if reason is DrawerReason.NO_SALE:
        return guard.require(uow, GuardedAction.NO_SALE)
    guard.staff_id(uow)
    return None


def _pulse(uow: UnitOfWork, reason: DrawerReason, note: str | None, staff_id: str | None,
           send: Sender) -> OpResult[DrawerOpening]:
    with uow:  # refused before the pulse is sent, not after (nothing is written here)
        _check(uow, reason)
    s = load_settings(uow)
    destination = error = None
    if s.escpos_host:
        destination = f"{s.escpos_host}:{s.escpos_port}"
        try:
            send(s.escpos_host, s.escpos_port, drawer_pulse_bytes())
        except OSError as exc:
            error = str(exc)
    with uow:
        permit = _check(uow, reason)  # again, in the writing unit of work: an approval is logged with it
        till = till_id(uow)
        sh = uow.shifts.open_shift(till) if till else None
        d = DrawerOpening(id=ids.new_id("drawer"), reason=reason, note=note, created_at=clock.now(),
                          shift_id=sh.id if sh else None, staff_id=guard.staff_id(uow) or staff_id,
                          destination=destination, error=error)
        uow.shifts.add_drawer_opening(d)
        audit.record(uow, "drawer_opened", d.id, {
            "reason": reason.value, "note": note, "shift_id": d.shift_id, "destination": destination,
            "error": error, "approver_id": permit.approver_id if permit else None})
        uow.flush()
        uow.commit()
    if error:
        log.warning("drawer (%s) did not open: %s", reason.value, error)
    else:
        log.info("drawer opened (%s%s)%s", reason.value, f": {note}" if note else "",
                 f" via {destination}" if destination else ", no receipt printer set up")
    return OpResult(d, uow.changes)


def open_drawer(cmd: OpenDrawer | dict[str, Any], uow: UnitOfWork, send: Sender = _network_send
                ) -> OpResult[DrawerOpening]:
    """'No sale': opens the drawer without a payment; the reason is required and recorded."""
    cmd = parse(OpenDrawer, cmd)
    return _pulse(uow, DrawerReason.NO_SALE, reason_text(cmd.reason), cmd.staff_id, send)


def after_payment(order: OrderDTO, uow: UnitOfWork, send: Sender = _network_send,
                  staff_id: str | None = None) -> OpResult[DrawerOpening] | None:
    """Opens the drawer after Mark Paid when cash changed hands and a receipt printer is set up
    (without one the drawer is opened by hand and there is nothing to send or record)."""
    if not any(p.kind is TenderKind.CASH for p in order.payments) or not load_settings(uow).escpos_host:
        return None
    return _pulse(uow, DrawerReason.CASH_PAYMENT, order.invoice_number, staff_id, send)


def after_refund(refund: Refund, uow: UnitOfWork, send: Sender = _network_send) -> OpResult[DrawerOpening] | None:
    """Opens the drawer after a refund paid (partly) in cash, like after a cash payment."""
    if not any(t.kind is TenderKind.CASH for t in refund.tenders) or not load_settings(uow).escpos_host:
        return None
    return _pulse(uow, DrawerReason.CASH_REFUND, refund.credit_note_number, refund.staff_id, send)
