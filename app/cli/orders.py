"""`tilldesk order ...` and `tilldesk invoice`: orders and their printed documents."""

from __future__ import annotations

import argparse
import errno
import os
import stat
from pathlib import Path
from typing import Any

from app.cli import quick, refunds
from app.cli.common import BadInput, OutputFailed, count_arg, emit, excerpt, open_app

LIMIT = count_arg(1, 1000)
OFFSET = count_arg(0, 10**9)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    order = sub.add_parser("order", parents=[common], help="orders")
    osub = order.add_subparsers(dest="action", metavar="ACTION", required=True)
    ol = osub.add_parser("list", parents=[common], help="list and search orders")
    ol.add_argument("--q", help="display id, invoice number, email, name or phone")
    ol.add_argument("--status", action="append", choices=["pending", "completed", "archived", "canceled"],
                    help="only orders in this status; repeatable")
    ol.add_argument("--sync-state", action="append",
                    choices=["queued", "in_progress", "synced", "needs_attention", "discarded"],
                    help="only orders in this sync state; repeatable")
    ol.add_argument("--from", dest="date_from", help="created on or after this date (YYYY-MM-DD)")
    ol.add_argument("--to", dest="date_to", help="created on or before this date (YYYY-MM-DD)")
    ol.add_argument("--limit", type=LIMIT, default=50, help="at most this many (1 to 1000, default 50)")
    ol.add_argument("--offset", type=OFFSET, default=0, help="skip this many")
    for name in ("show", "complete", "archive"):
        x = osub.add_parser(name, parents=[common], help=f"{name} an order")
        x.add_argument("id", help="order id, display id (#3) or invoice number")
    refunds.register_order_actions(osub, common)
    order.set_defaults(func=cmd_order)

    inv = sub.add_parser("invoice", parents=[common], help="write an order's invoice or receipt as PDF")
    inv.add_argument("id", help="order id, display id (#3) or invoice number")
    inv.add_argument("--out", required=True, help="the PDF file to write")
    inv.add_argument("--format", choices=["a4", "receipt"], default="a4",
                     help="a4 invoice (default) or 80 mm receipt")
    inv.add_argument("--force", action="store_true", help="replace --out if it exists")
    inv.set_defaults(func=cmd_invoice)


def cmd_order(args: argparse.Namespace) -> None:
    if args.action == "refund":
        return refunds.cmd_refund(args)
    if args.action == "cancel":
        return refunds.cmd_cancel(args)
    if args.action == "exchange":
        return refunds.cmd_exchange(args)
    if args.action == "list" and quick.order_list(args):
        return
    from app.services import queries, serialize

    app = open_app(args)
    if args.action == "list":
        page = queries.list_orders({"q": args.q, "status": args.status, "created_from": args.date_from,
                                    "created_to": args.date_to, "limit": args.limit, "offset": args.offset,
                                    "sync_state": args.sync_state}, app.uow())
        emit({"orders": [serialize.list_entry(e) for e in page.entries], "count": page.count,
              "limit": args.limit, "offset": args.offset})
        return
    from app.services import orders  # the commands' validators: not needed to list

    oid = queries.resolve_id("order", args.id, app.uow())
    if args.action == "show":
        order = orders.get_order(oid, app.uow())
    else:
        act = {"complete": orders.complete_order, "archive": orders.archive_order}[args.action]
        order = act(oid, app.uow()).value
    done = None if args.action == "show" else f"order #{order.display_id}: {args.action} was done"
    emit({"order": serialize.order(order)}, done=done)


def _reserve_destination(out: str, force: bool) -> tuple[Path, bool]:
    """Check --out before anything is recorded: a print is recorded and archived only when the
    PDF can be delivered. A new file is created empty here (so a name too long, a missing or
    read-only folder all show now); returns the path and whether this call created it."""
    if not out.strip():
        raise BadInput("--out: the file name is empty")
    path = Path(out)
    shown = excerpt(out)
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise BadInput(f"--out: the file name {shown} is too long") from None
        if exc.errno == errno.ENOTDIR:
            raise BadInput(f"--out: the folder of {shown} is not a folder") from None
        raise BadInput(f"--out: cannot write {shown}: {exc.strerror}") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise BadInput(f"--out: {shown} is a folder; name the PDF file to write")
        if not force:
            raise BadInput(f"--out: {shown} exists; pass --force to replace it")
        if not stat.S_ISREG(st.st_mode) or not os.access(path, os.W_OK):
            raise BadInput(f"--out: {shown} cannot be replaced (not a writable file)")
        return path, False
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            raise BadInput(f"--out: the folder of {shown} does not exist") from None
        if exc.errno == errno.ENAMETOOLONG:
            raise BadInput(f"--out: the file name {shown} is too long") from None
        raise BadInput(f"--out: cannot write {shown}: {exc.strerror}") from None
    os.close(fd)
    return path, True


def cmd_invoice(args: argparse.Namespace) -> None:
    from app.services import invoices, queries

    app = open_app(args)
    oid = queries.resolve_id("order", args.id, app.uow())
    path, created = _reserve_destination(str(args.out), args.force)
    try:
        printed = invoices.print_document(oid, args.format, app.uow(), app.archive_dir, destination=str(args.out))
    except BaseException:
        if created:
            path.unlink(missing_ok=True)
        raise
    try:
        with open(path, "wb") as fh:
            fh.write(printed.pdf)
    except OSError as exc:
        raise OutputFailed(f"writing {excerpt(str(args.out))}: {exc.strerror}",
                           f"the print was recorded as copy {printed.copy_number} and archived at "
                           f"{printed.archive_path}") from None
    emit({"invoice": {"order_id": oid, "format": args.format, "copy_number": printed.copy_number,
                      "file": str(args.out), "archive_path": str(printed.archive_path),
                      "bytes": len(printed.pdf)}},
         done=f"the {args.format} PDF was written to {excerpt(str(args.out))} and its print recorded")
