"""Who acts in a command: ``--staff NAME`` with the PIN in ``TILLDESK_PIN``, and ``--approver
NAME`` with ``TILLDESK_APPROVER_PIN`` for a guarded action. PINs are read from the environment
only (never from arguments, which other users of the machine can see in the process list).

A wrong or missing PIN ends the command with exit 2 before it writes anything; the failed
attempt itself is counted and written to the audit log, as at the window."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.bootstrap import App

PIN_ENV, APPROVER_PIN_ENV = "TILLDESK_PIN", "TILLDESK_APPROVER_PIN"


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--staff", metavar="NAME", default=None,
                        help=f"act as this staff member (PIN in ${PIN_ENV}); needed once staff is on")
    parser.add_argument("--approver", metavar="NAME", default=None,
                        help=f"a manager approving this command's guarded action (PIN in ${APPROVER_PIN_ENV})")


def sign_in_from_args(app: App, args: argparse.Namespace) -> App:
    """The sign-in itself lives in app.bootstrap, so app.sync's commands (which may not import
    app.cli) sign in the same way."""
    from app.bootstrap import sign_in_from_env

    return sign_in_from_env(app, getattr(args, "staff", None), getattr(args, "approver", None))
