"""`tilldesk staff ...` and `tilldesk audit ...`: accounts, permissions and the audit log."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.cli.common import EXIT_FAILURE, BadInput, emit, open_app


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    st = sub.add_parser("staff", parents=[common], help="staff accounts and role permissions")
    ssub = st.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = ssub.add_parser("add", parents=[common], help="add an account (the PIN is read from standard input)")
    add.add_argument("--name", required=True, help="the name the member signs in with")
    add.add_argument("--role", required=True, choices=["cashier", "manager", "owner"], help="what the member may do")
    ssub.add_parser("list", parents=[common], help="list the accounts")
    dis = ssub.add_parser("disable", parents=[common], help="disable an account")
    dis.add_argument("name", help="the member's name")
    perms = ssub.add_parser("perms", parents=[common], help="show or set what each role may do")
    psub = perms.add_subparsers(dest="perms_action", metavar="show|set", required=True)
    psub.add_parser("show", parents=[common], help="each role's decision for each guarded action")
    ps = psub.add_parser("set", parents=[common], help="set one role's decision for one action (owner)")
    ps.add_argument("role", choices=["cashier", "manager", "owner"], help="the role to change")
    ps.add_argument("guarded_action", metavar="ACTION", help="a guarded action, e.g. refund (see `staff perms show`)")
    ps.add_argument("decision", choices=["allow", "approve", "deny"],
                    help="allow, approve (a manager's PIN each time) or deny")
    st.set_defaults(func=cmd_staff)

    au = sub.add_parser("audit", parents=[common], help="the tamper-evident audit log")
    asub = au.add_subparsers(dest="action", metavar="ACTION", required=True)
    al = asub.add_parser("list", parents=[common], help="list entries")
    al.add_argument("--since", type=int, default=0, metavar="N", help="only entries after sequence number N")
    al.add_argument("--limit", type=int, default=None, help="at most this many entries")
    av = asub.add_parser("verify", parents=[common],
                         help="recompute the hash chain: exit 0 intact, exit 1 naming the first bad entry")
    av.add_argument("--head", default=None, metavar="HASH",
                    help="a head hash the server saw (an order's tilldesk_audit_head): it must be in the log")
    au.set_defaults(func=cmd_audit)


def _read_pin() -> str:
    if sys.stdin is None or sys.stdin.closed:
        raise BadInput("pin: give the new PIN on standard input")
    line = sys.stdin.readline()
    if not line.strip():
        raise BadInput("pin: give the new PIN on standard input (4 to 8 digits)")
    return line.strip()


def _staff(dto: Any) -> dict[str, Any]:
    return {"id": dto.id, "name": dto.name, "role": dto.role, "active": dto.active, "locked_until": dto.locked_until}


def cmd_staff(args: argparse.Namespace) -> None:
    from app.services import staff

    if args.action == "add":
        pin = _read_pin()
        app = open_app(args)
        emit({"staff": _staff(staff.add_staff(args.name, args.role, pin, app.uow()).value)})
        return
    app = open_app(args)
    if args.action == "list":
        emit({"staff": [_staff(m) for m in staff.list_staff(app.uow())], "enabled": staff.is_enabled(app.uow())})
    elif args.action == "disable":
        emit({"staff": _staff(staff.disable_staff(args.name, app.uow()).value)})
    elif args.perms_action == "show":
        emit({"permissions": staff.get_permissions(app.uow())})
    else:
        emit({"permissions": staff.set_permission(args.role, args.guarded_action, args.decision, app.uow()).value})


def cmd_audit(args: argparse.Namespace) -> int:
    from app.services import audit

    app = open_app(args)
    if args.action == "list":
        if args.since < 0:
            raise BadInput("--since: a sequence number, 0 or more")
        entries = audit.list_entries(app.uow(), args.since, args.limit)
        emit({"entries": [{"seq": e.seq, "at": e.at, "till": e.till, "staff": e.staff_id, "action": e.action,
                           "subject": e.subject, "details": e.details, "prev_hash": e.prev_hash, "hash": e.hash}
                          for e in entries]})
        return 0
    report = audit.verify(app.uow(), args.head)
    brk = report.first_break
    emit({"ok": report.ok, "entries": report.entries, "intact": report.intact, "head": report.head,
          "first_bad": None if brk is None else {"seq": brk.seq, "reason": brk.reason}})
    if brk is not None:
        sys.stderr.write(f"tilldesk: {brk}\n")
        return EXIT_FAILURE
    return 0
