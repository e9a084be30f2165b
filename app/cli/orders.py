"""`tilldesk order ...` and `tilldesk invoice`: orders and their printed documents."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli import refunds
from app.cli.common import BadInput, emit, open_app


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    order = sub.add_parser("order", parents=[common], help="orders")
    osub = order.add_subparsers(dest="action", metavar="ACTION", required=True)
    ol = osub.add_parser("list", parents=[common], help="list and search orders")
    ol.add_argument("--q", help="display id, invoice number, email, name or phone")
    ol.add_argument("--status", action="append", choices=["pending", "completed", "archived", "canceled"])
    ol.add_argument("--sync-state", action="append",
                    choices=["queued", "in_progress", "synced", "needs_attention", "discarded"])
    ol.add_argument("--from", dest="date_from")
    ol.add_argument("--to", dest="date_to")
    ol.add_argument("--limit", type=int, default=50)
    ol.add_argument("--offset", type=int, default=0)
    for name in ("show", "complete", "archive"):
        x = osub.add_parser(name, parents=[common], help=f"{name} an order")
        x.add_argument("id", help="order id, display id (#3) or invoice number")
    refunds.register_order_actions(osub, common)
    order.set_defaults(func=cmd_order)

    inv = sub.add_parser("invoice", parents=[common], help="write an order's invoice or receipt as PDF")
    inv.add_argument("id", help="order id, display id (#3) or invoice number")
    inv.add_argument("--out", required=True, help="the PDF file to write")
    inv.add_argument("--format", choices=["a4", "receipt"], default="a4")
    inv.add_argument("--force", action="store_true", help="replace --out if it exists")
    inv.set_defaults(func=cmd_invoice)


def cmd_order(args: argparse.Namespace) -> None:
    from app.services import orders, queries, serialize

    if args.action == "refund":
        return refunds.cmd_refund(args)
    if args.action == "cancel":
        return refunds.cmd_cancel(args)
    app = open_app(args)
    if args.action == "list":
        page = queries.list_orders({"q": args.q, "status": args.status, "created_from": args.date_from,
                                    "created_to": args.date_to, "limit": args.limit, "offset": args.offset,
                                    "sync_state": args.sync_state}, app.uow())
        emit({"orders": [serialize.list_entry(e) for e in page.entries], "count": page.count,
              "limit": args.limit, "offset": args.offset})
        return
    oid = queries.resolve_id("order", args.id, app.uow())
    if args.action == "show":
        order = orders.get_order(oid, app.uow())
    else:
        act = {"complete": orders.complete_order, "archive": orders.archive_order}[args.action]
        order = act(oid, app.uow()).value
    emit({"order": serialize.order(order)})


def cmd_invoice(args: argparse.Namespace) -> None:
    from app.services import invoices, queries

    app = open_app(args)
    oid = queries.resolve_id("order", args.id, app.uow())
    printed = invoices.print_document(oid, args.format, app.uow(), app.archive_dir, destination=str(args.out))
    try:
        with open(args.out, "xb" if not args.force else "wb") as fh:
            fh.write(printed.pdf)
    except FileExistsError:
        raise BadInput(f"{args.out} exists; pass --force to replace it "
                       "(the archived copy is kept either way)") from None
    emit({"invoice": {"order_id": oid, "format": args.format, "copy_number": printed.copy_number,
                      "file": str(args.out), "archive_path": str(printed.archive_path),
                      "bytes": len(printed.pdf)}})
