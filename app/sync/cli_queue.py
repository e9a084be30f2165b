"""``tilldesk sync queue|retry|discard``: the outbox from the command line, through the sync facade.

``queue`` prints every outbox entry (the sale and each refund or cancel of an order) as JSON.
``retry ORDER`` queues an order's unsynced entries again at once; ``discard ORDER`` marks them
never to be sent and asks for ``--yes`` first. With staff on, discarding is a guarded action
(``discard_unsynced``): ``--staff NAME`` with the PIN in ``TILLDESK_PIN`` (and ``--approver`` with
``TILLDESK_APPROVER_PIN`` where the role needs a manager's approval), as every other command.

This package may not import ``app.cli`` (the layers contract), so the sign-in from the
environment is spelled out here with the same options and variables.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.bootstrap import App
    from app.sync.facade import OutboxEntry, SyncService

__all__ = ["register_queue"]

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
PIN_ENV, APPROVER_PIN_ENV = "TILLDESK_PIN", "TILLDESK_APPROVER_PIN"

_ORDER_HELP = "the order: its id, display id (#3) or invoice number (TD-A1-2026-000001)"


class _Refused(Exception):
    """Input the user can fix: one line on standard error, exit 2, nothing changed."""


def register_queue(ssub: Any, common: argparse.ArgumentParser, formatter: Any) -> None:
    """Adds ``queue``, ``retry`` and ``discard`` under ``tilldesk sync`` (``ssub``)."""
    from app.domain.outbox import STATES

    q = ssub.add_parser(
        "queue", parents=[common], formatter_class=formatter,
        help="list the outbox: every order's entries with kind, state, attempts and last error (JSON)",
        epilog="examples:\n  tilldesk sync queue\n  tilldesk sync queue --state needs_attention")
    q.add_argument("--state", choices=STATES, default=None, help="only entries in this state")
    q.set_defaults(func=cmd_queue)
    r = ssub.add_parser(
        "retry", parents=[common], formatter_class=formatter,
        help="send an order's unsynced entries again at the next round (attempts start again at 0)",
        epilog="examples:\n  tilldesk sync retry '#3'\n  tilldesk sync retry TD-A1-2026-000001 && tilldesk sync --once")
    r.add_argument("order", metavar="ORDER", help=_ORDER_HELP)
    r.set_defaults(func=cmd_retry)
    d = ssub.add_parser(
        "discard", parents=[common], formatter_class=formatter,
        help="never send an order's unsynced entries (the order stays on this till); needs --yes",
        epilog="examples:\n  tilldesk sync discard '#3' --yes\n"
               "  TILLDESK_PIN=... tilldesk sync discard '#3' --yes --staff Maria")
    d.add_argument("order", metavar="ORDER", help=_ORDER_HELP)
    d.add_argument("--yes", action="store_true",
                   help="confirm: without it nothing is changed and the command exits with 2")
    d.set_defaults(func=cmd_discard)


def entry_json(e: OutboxEntry) -> dict[str, Any]:
    from app.domain.outbox import step_names

    names = step_names(e.kind)
    return {
        "id": e.id, "order_id": e.order_id, "display_id": e.display_id, "invoice_number": e.invoice_number,
        "kind": e.kind, "state": e.state, "step": e.step,
        "step_name": names[e.step] if 0 <= e.step < len(names) else None,
        "attempts": e.attempts, "last_error": e.last_error, "next_attempt_at": e.next_attempt_at,
        "server_order_id": e.server_order_id, "server_display_id": e.server_display_id,
        "created_at": e.created_at, "updated_at": e.updated_at,
    }


def _emit(obj: Any) -> None:
    from app.jsonio import dumps

    sys.stdout.write(dumps(obj, indent=2) + "\n")
    sys.stdout.flush()


def _refuse(message: str) -> int:
    sys.stderr.write(f"tilldesk: {message}\n")
    return EXIT_BAD_INPUT


def _open(args: argparse.Namespace) -> App:
    from app.bootstrap import start

    # As every command: an explicit --db must exist unless --create (or --demo) is given.
    if args.db is not None and not args.db.strip():
        raise _Refused("--db: the path is empty; name the database file or leave --db out for the default")
    demo = bool(getattr(args, "demo", False))
    create = args.db is None or bool(getattr(args, "create", False) or demo)
    return start(args.db, demo=True if demo else None, create=create)


def _pin(env: str, option: str, name: str) -> str:
    pin = os.environ.get(env)
    if not pin:
        raise _Refused(f"{env}: not set; put the PIN of {option} {name} in this environment variable")
    return pin


def _sign_in(app: App, args: argparse.Namespace) -> None:
    """--staff / --approver with the PINs from the environment (never from arguments)."""
    from app.services import staff

    name, approver = getattr(args, "staff", None), getattr(args, "approver", None)
    if not name:
        if approver:
            raise _Refused("--approver: also give --staff, the staff member asking for approval")
        return
    pin = _pin(PIN_ENV, "--staff", name)
    apin = _pin(APPROVER_PIN_ENV, "--approver", approver) if approver else None
    actor = staff.sign_in(name, pin, app.uow(), session=False).value
    if approver and apin:
        actor = actor.with_approval(staff.approve(approver, apin, app.uow()))
    app.actor = actor


def _service(app: App) -> SyncService:
    from app.sync.facade import SyncService

    return SyncService(app)


def _unsynced_of(service: SyncService, app: App, ref: str) -> tuple[str, list[OutboxEntry]]:
    from app.domain.errors import DomainError
    from app.services import queries
    from app.sync.facade import UNSYNCED_STATES

    try:
        order_id = queries.resolve_id("order", ref, app.uow())
    except DomainError as exc:
        raise _Refused(f"ORDER: {exc.message}") from None
    entries = [e for e in service.entries() if e.order_id == order_id]
    if not entries:
        raise _Refused(f"ORDER: {ref!r} has nothing in the outbox (it is not paid, or was never queued)")
    open_ = [e for e in entries if e.state in UNSYNCED_STATES]
    if not open_:
        states = ", ".join(sorted({e.state for e in entries}))
        raise _Refused(f"ORDER: {ref!r} has no unsynced entries (its entries are {states})")
    return order_id, open_


def _run(args: argparse.Namespace, body: Any) -> int:
    try:
        app = _open(args)
    except _Refused as exc:
        return _refuse(str(exc))
    try:
        _sign_in(app, args)
        result: int = body(app, _service(app))
        return result
    except _Refused as exc:
        return _refuse(str(exc))
    finally:
        app.close()


def cmd_queue(args: argparse.Namespace) -> int:
    def body(app: App, service: SyncService) -> int:
        entries = [e for e in service.entries() if args.state is None or e.state == args.state]
        _emit({"outbox": [entry_json(e) for e in entries], "count": len(entries)})
        return EXIT_OK

    return _run(args, body)


def cmd_retry(args: argparse.Namespace) -> int:
    def body(app: App, service: SyncService) -> int:
        order_id, entries = _unsynced_of(service, app, args.order)
        done = [service.retry(e.id).value for e in entries]
        _emit({"order_id": order_id, "retried": [entry_json(e) for e in done]})
        return EXIT_OK

    return _run(args, body)


def cmd_discard(args: argparse.Namespace) -> int:
    def body(app: App, service: SyncService) -> int:
        order_id, entries = _unsynced_of(service, app, args.order)
        if not args.yes:
            kinds = ", ".join(e.kind for e in entries)
            raise _Refused(f"--yes: discarding never sends {args.order!r} ({kinds}) to the shop server; "
                           "pass --yes to confirm (nothing was changed)")
        done = [service.discard(e.id).value for e in entries]
        _emit({"order_id": order_id, "discarded": [entry_json(e) for e in done]})
        return EXIT_OK

    return _run(args, body)
