"""Who acts in a command: ``--staff NAME`` with the PIN in ``TILLDESK_PIN``, and ``--approver
NAME`` with ``TILLDESK_APPROVER_PIN`` for a guarded action. PINs are read from the environment
only (never from arguments, which other users of the machine can see in the process list).

A wrong or missing PIN ends the command with exit 2 before it writes anything; the failed
attempt itself is counted and written to the audit log, as at the window."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from app.cli.common import BadInput

if TYPE_CHECKING:
    from app.bootstrap import App

PIN_ENV, APPROVER_PIN_ENV = "TILLDESK_PIN", "TILLDESK_APPROVER_PIN"


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--staff", metavar="NAME", default=None,
                        help=f"act as this staff member (PIN in ${PIN_ENV}); needed once staff is on")
    parser.add_argument("--approver", metavar="NAME", default=None,
                        help=f"a manager approving this command's guarded action (PIN in ${APPROVER_PIN_ENV})")


def _pin(env: str, option: str, name: str) -> str:
    pin = os.environ.get(env)
    if not pin:
        raise BadInput(f"{env}: not set; put the PIN of {option} {name} in this environment variable")
    return pin


def sign_in_from_args(app: App, args: argparse.Namespace) -> App:
    from app.services import staff

    name, approver = getattr(args, "staff", None), getattr(args, "approver", None)
    if not name:
        if approver:
            raise BadInput("--approver: also give --staff, the staff member asking for approval")
        return app
    pin = _pin(PIN_ENV, "--staff", name)
    apin = _pin(APPROVER_PIN_ENV, "--approver", approver) if approver else None
    actor = staff.sign_in(name, pin, app.uow(), session=False).value
    if approver and apin:
        actor = actor.with_approval(staff.approve(approver, apin, app.uow()))
    app.actor = actor
    return app
