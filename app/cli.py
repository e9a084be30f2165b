"""The command line over the services, for back-office staff and scripts.

Prints JSON in Medusa's response shapes on stdout. On failure: one clear line on stderr and
exit code 2 for bad input, 1 for anything else. `tilldesk` with no subcommand opens the window.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from importlib import metadata
from typing import Any, NoReturn

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1


class BadInput(Exception):
    """Input the user can fix: exit code 2."""


def version() -> str:
    try:
        return metadata.version("tilldesk")
    except metadata.PackageNotFoundError:  # running from a source tree without an install
        return "0+unknown"


# -- helpers ------------------------------------------------------------------------------------
def _emit(obj: Any) -> None:
    from app.jsonio import dumps

    sys.stdout.write(dumps(obj, indent=2) + "\n")
    sys.stdout.flush()


def _read_json(source: str | None) -> Any:
    from app.jsonio import loads

    if source in (None, "-"):
        if sys.stdin is None or sys.stdin.closed:
            raise BadInput("no JSON given: pass a FILE or pipe the body on standard input")
        text = sys.stdin.read()
        where = "standard input"
    else:
        try:
            with open(source, encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise BadInput(f"cannot read {source}: {exc.strerror}") from None
        where = source
    if not text.strip():
        raise BadInput(f"{where} is empty: expected a JSON object")
    try:
        data = loads(text)
    except ValueError as exc:
        raise BadInput(f"{where} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BadInput(f"{where} must hold a JSON object, not {type(data).__name__}")
    return data


def _app(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from app.bootstrap import start

    return start(getattr(args, "db", None), demo=True if getattr(args, "demo", False) else None)


def _parse_tender(text: str) -> dict[str, Any]:
    kind, sep, rest = text.partition("=")
    kind = kind.strip().lower()
    if not sep or kind not in ("cash", "card", "other"):
        raise BadInput(f"--tender {text!r}: use cash=AMOUNT, card=AMOUNT[:REFERENCE] or other=AMOUNT[:REFERENCE]")
    amount, _, ref = rest.partition(":")
    try:
        value = Decimal(amount.strip())
    except InvalidOperation:
        raise BadInput(f"--tender {text!r}: {amount!r} is not an amount") from None
    return {"kind": kind, "amount": value, "reference": ref.strip() or None}


# -- commands -----------------------------------------------------------------------------------
def cmd_catalog(args: argparse.Namespace) -> None:
    from app.services import queries, serialize

    app = _app(args)
    q = args.q or ""
    if args.what == "regions":
        items = queries.regions(app.uow())
        key = "regions"
    elif args.what == "variants":
        items = queries.search_variants(q, app.uow(), args.limit)
        key = "variants"
    elif args.what == "shipping-options":
        items = queries.shipping_options(app.uow(), args.region)
        key = "shipping_options"
    elif args.what == "customers":
        items = queries.search_customers(q, app.uow(), args.limit)
        key = "customers"
    else:
        items = queries.promotions(app.uow())
        key = "promotions"
    if q and args.what in ("regions", "shipping-options", "promotions"):
        needle = q.lower()
        items = [x for x in items if needle in " ".join(str(v) for v in vars_of(x)).lower()]
    rows = [serialize.catalog_item(x) for x in items]
    _emit({key: rows, "count": len(rows)})


def vars_of(x: Any) -> list[Any]:
    import dataclasses

    return [getattr(x, f.name) for f in dataclasses.fields(x)]


def cmd_draft(args: argparse.Namespace) -> None:
    from app.services import drafts, orders, queries, serialize

    app = _app(args)
    action = args.action

    def rid() -> str:
        return queries.resolve_id("draft", args.id, app.uow())

    if action == "create":
        body = _read_json(args.file)
        if args.medusa_v1:
            from app.services.medusa_v1 import from_v1

            region_id = body.get("region_id")
            regions = {r.id: r for r in queries.regions(app.uow())}
            if not region_id or region_id not in regions:
                raise BadInput(f"region_id: {'is required' if not region_id else f'region {region_id} does not exist'}")
            body = from_v1(body, regions[region_id].currency_code)
        _emit({"draft_order": serialize.draft_order(drafts.create_draft(body, app.uow()).value)})
    elif action == "list":
        page = queries.list_drafts({"q": args.q, "status": args.status, "created_from": args.date_from,
                                    "created_to": args.date_to, "limit": args.limit, "offset": args.offset},
                                   app.uow())
        _emit({"draft_orders": [serialize.list_entry(e) for e in page.entries], "count": page.count,
               "limit": args.limit, "offset": args.offset})
    elif action == "show":
        _emit({"draft_order": serialize.draft_order(drafts.get_draft(rid(), app.uow()))})
    elif action == "update":
        body = _read_json(args.file)
        _emit({"draft_order": serialize.draft_order(drafts.update_draft({**body, "draft_id": rid()}, app.uow()).value)})
    elif action == "add-item":
        body: dict[str, Any] = {"draft_id": rid(), "quantity": args.quantity}
        for k in ("variant_id", "variant_sku", "variant_barcode", "title"):
            if getattr(args, k):
                body[k] = getattr(args, k)
        if args.unit_price is not None:
            body["unit_price"] = args.unit_price
        _emit({"draft_order": serialize.draft_order(drafts.add_line_item(body, app.uow()).value)})
    elif action == "update-item":
        body = {"draft_id": rid(), "item_id": args.item_id}
        if args.quantity is not None:
            body["quantity"] = args.quantity
        if args.unit_price is not None:
            body["unit_price"] = args.unit_price
        _emit({"draft_order": serialize.draft_order(drafts.update_line_item(body, app.uow()).value)})
    elif action == "remove-item":
        _emit({"draft_order": serialize.draft_order(
            drafts.remove_line_item({"draft_id": rid(), "item_id": args.item_id}, app.uow()))})
    elif action == "set-shipping":
        body = {"draft_id": rid(), "shipping_option_id": args.option_id}
        if args.amount is not None:
            body["amount"] = args.amount
        _emit({"draft_order": serialize.draft_order(drafts.set_shipping_method(body, app.uow()).value)})
    elif action in ("apply-promo", "remove-promo"):
        fn = drafts.apply_promo_code if action == "apply-promo" else drafts.remove_promo_code
        _emit({"draft_order": serialize.draft_order(fn({"draft_id": rid(), "code": args.code}, app.uow()))})
    elif action == "cancel":
        _emit({"draft_order": serialize.draft_order(drafts.cancel_draft(rid(), app.uow()).value)})
    elif action == "delete":
        deleted = drafts.delete_draft(rid(), app.uow()).value
        _emit({"id": deleted, "object": "draft-order", "deleted": True})
    elif action == "mark-paid":
        tenders = [_parse_tender(t) for t in args.tender or []]
        _emit({"order": serialize.order(orders.mark_paid({"draft_id": rid(), "tenders": tenders}, app.uow()).value)})


def cmd_order(args: argparse.Namespace) -> None:
    from app.services import orders, queries, serialize

    app = _app(args)
    if args.action == "list":
        page = queries.list_orders({"q": args.q, "status": args.status, "created_from": args.date_from,
                                    "created_to": args.date_to, "limit": args.limit, "offset": args.offset,
                                    "sync_state": args.sync_state}, app.uow())
        _emit({"orders": [serialize.list_entry(e) for e in page.entries], "count": page.count,
               "limit": args.limit, "offset": args.offset})
        return
    oid = queries.resolve_id("order", args.id, app.uow())
    if args.action == "show":
        order = orders.get_order(oid, app.uow())
    else:
        act = {"complete": orders.complete_order, "cancel": orders.cancel_order,
               "archive": orders.archive_order}[args.action]
        order = act(oid, app.uow()).value
    _emit({"order": serialize.order(order)})


def cmd_invoice(args: argparse.Namespace) -> None:
    from app.services import invoices, queries

    app = _app(args)
    oid = queries.resolve_id("order", args.id, app.uow())
    printed = invoices.print_document(oid, args.format, app.uow(), app.archive_dir, destination=str(args.out))
    try:
        with open(args.out, "xb" if not args.force else "wb") as fh:
            fh.write(printed.pdf)
    except FileExistsError:
        raise BadInput(f"{args.out} exists; pass --force to replace it (the archived copy is kept either way)") from None
    _emit({"invoice": {"order_id": oid, "format": args.format, "copy_number": printed.copy_number,
                       "file": str(args.out), "archive_path": str(printed.archive_path),
                       "bytes": len(printed.pdf)}})


def cmd_gui(args: argparse.Namespace, launch_gui: Callable[[Any], int] | None) -> int:
    # The window is injected by ui.launcher (the console entry point): the core never imports Qt.
    if launch_gui is None:
        raise RuntimeError("the window is not available from this entry point; run `tilldesk` or `python -m ui`")
    from app.bootstrap import start

    return launch_gui(start(args.db, demo=True if args.demo else None))


# -- parser -------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    # `--db` is accepted before and after the subcommand. argparse lets a subparser's namespace
    # overwrite the main one's values, so the subcommand's copy has its own dest, merged in main().
    db_help = "the SQLite database to use (default: Tilldesk's file in your data folder)"
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", dest="sub_db", metavar="PATH", default=None, help=db_help)

    p = argparse.ArgumentParser(prog="tilldesk", description="Tilldesk: point of sale and phone orders, offline first.")
    p.add_argument("--db", metavar="PATH", default=None, help=db_help)
    p.add_argument("--version", action="version", version=f"tilldesk {version()}")
    p.add_argument("--self-test", action="store_true",
                   help="check this installation headless on a throw-away database, then exit")
    p.add_argument("--demo", action="store_true", help="load the built-in demo shop if the database is empty")
    p.add_argument("--verbose", "-v", action="store_true", help="log what happens on standard error")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    cat = sub.add_parser("catalog", parents=[common], help="look up the local catalog")
    cat.add_argument("what", choices=["regions", "variants", "shipping-options", "customers", "promotions"])
    cat.add_argument("--q", help="search text (title, SKU, barcode, name, email, phone)")
    cat.add_argument("--region", help="shipping options of this region only")
    cat.add_argument("--limit", type=int, default=50)
    cat.set_defaults(func=cmd_catalog)

    draft = sub.add_parser("draft", parents=[common], help="draft orders")
    dsub = draft.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = dsub.add_parser("create", parents=[common], help="create from a Medusa POST /admin/draft-orders body")
    c.add_argument("file", nargs="?", default="-", help="JSON file, or - for standard input (default)")
    c.add_argument("--medusa-v1", action="store_true", help="read the Medusa v1 body (minor-unit prices)")
    lst = dsub.add_parser("list", parents=[common], help="list and search drafts")
    for x in (lst,):
        x.add_argument("--q", help="display id, email, name or phone")
        x.add_argument("--status", action="append", choices=["open", "completed", "canceled"])
        x.add_argument("--from", dest="date_from", help="created on or after this date (YYYY-MM-DD)")
        x.add_argument("--to", dest="date_to", help="created on or before this date (YYYY-MM-DD)")
        x.add_argument("--limit", type=int, default=50)
        x.add_argument("--offset", type=int, default=0)
    for name, helptext in (("show", "show one draft"), ("cancel", "cancel a draft"), ("delete", "delete a draft")):
        x = dsub.add_parser(name, parents=[common], help=helptext)
        x.add_argument("id", help="draft id or display id (#12)")
    u = dsub.add_parser("update", parents=[common], help="update email, customer, addresses, region, metadata")
    u.add_argument("id")
    u.add_argument("file", nargs="?", default="-")
    ai = dsub.add_parser("add-item", parents=[common], help="add a catalog variant or a custom item")
    ai.add_argument("id")
    g = ai.add_mutually_exclusive_group(required=True)
    g.add_argument("--variant-id")
    g.add_argument("--sku", dest="variant_sku")
    g.add_argument("--barcode", dest="variant_barcode")
    g.add_argument("--title", help="a custom item's title (needs --unit-price)")
    ai.add_argument("--unit-price", type=_decimal_arg)
    ai.add_argument("--quantity", type=int, default=1)
    ui_ = dsub.add_parser("update-item", parents=[common], help="change a line's quantity or price")
    ui_.add_argument("id")
    ui_.add_argument("item_id")
    ui_.add_argument("--quantity", type=int)
    ui_.add_argument("--unit-price", type=_decimal_arg)
    ri = dsub.add_parser("remove-item", parents=[common], help="remove a line")
    ri.add_argument("id")
    ri.add_argument("item_id")
    ss = dsub.add_parser("set-shipping", parents=[common], help="choose the shipping option")
    ss.add_argument("id")
    ss.add_argument("option_id")
    ss.add_argument("--amount", type=_decimal_arg, help="a custom shipping price")
    for name in ("apply-promo", "remove-promo"):
        x = dsub.add_parser(name, parents=[common], help=f"{name.split('-')[0]} a promo code")
        x.add_argument("id")
        x.add_argument("code")
    mp = dsub.add_parser("mark-paid", parents=[common], help="record the payment: completes the draft, creates the order")
    mp.add_argument("id")
    mp.add_argument("--tender", action="append", metavar="KIND=AMOUNT[:REF]",
                    help="cash=20.00, card=15.50:REF or other=5.00 (repeat to split); none: other for the amount due")
    draft.set_defaults(func=cmd_draft)

    order = sub.add_parser("order", parents=[common], help="orders")
    osub = order.add_subparsers(dest="action", metavar="ACTION", required=True)
    ol = osub.add_parser("list", parents=[common], help="list and search orders")
    ol.add_argument("--q", help="display id, invoice number, email, name or phone")
    ol.add_argument("--status", action="append", choices=["pending", "completed", "archived", "canceled"])
    ol.add_argument("--sync-state", action="append", choices=["queued", "in_progress", "synced", "needs_attention", "discarded"])
    ol.add_argument("--from", dest="date_from")
    ol.add_argument("--to", dest="date_to")
    ol.add_argument("--limit", type=int, default=50)
    ol.add_argument("--offset", type=int, default=0)
    for name in ("show", "complete", "cancel", "archive"):
        x = osub.add_parser(name, parents=[common], help=f"{name} an order")
        x.add_argument("id", help="order id, display id (#3) or invoice number")
    order.set_defaults(func=cmd_order)

    inv = sub.add_parser("invoice", parents=[common], help="write an order's invoice or receipt as PDF")
    inv.add_argument("id", help="order id, display id (#3) or invoice number")
    inv.add_argument("--out", required=True, help="the PDF file to write")
    inv.add_argument("--format", choices=["a4", "receipt"], default="a4")
    inv.add_argument("--force", action="store_true", help="replace --out if it exists")
    inv.set_defaults(func=cmd_invoice)

    for extra in _EXTENSIONS:
        extra(sub, common)
    return p


def _decimal_arg(text: str) -> Decimal:
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount") from None
    if not d.is_finite():
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount")
    return d


# Other modules (printing, sync) add their subcommands here, so this file does not import them eagerly.
_EXTENSIONS: list[Callable[[Any, argparse.ArgumentParser], None]] = []


def _load_extensions() -> None:
    if _EXTENSIONS:
        return  # main() may run many times in one process (tests, the window's entry)
    for mod in ("app.sync.cli",):
        try:
            module = __import__(mod, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != mod:
                raise
            continue
        _EXTENSIONS.append(module.register)


def _fail(message: str, code: int) -> NoReturn:
    sys.stderr.write(f"tilldesk: {message}\n")
    sys.stderr.flush()
    raise SystemExit(code)


def main(argv: Sequence[str] | None = None, *, launch_gui: Callable[[Any], int] | None = None) -> int:
    _load_extensions()
    parser = build_parser()
    args = parser.parse_args(argv)
    args.db = getattr(args, "sub_db", None) or args.db
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    from app.domain.errors import DomainError, InvalidTransition
    from app.persistence.db import DatabaseError

    try:
        if args.self_test:
            from app.selftest import run as self_test

            return self_test()
        if not getattr(args, "command", None):
            return cmd_gui(args, launch_gui)
        result = args.func(args)
        return int(result or 0)
    except BadInput as exc:
        _fail(str(exc), EXIT_BAD_INPUT)
    except InvalidTransition as exc:
        _fail(str(exc), EXIT_BAD_INPUT)
    except DomainError as exc:
        _fail(str(exc), EXIT_BAD_INPUT)
    except DatabaseError as exc:
        _fail(str(exc), EXIT_FAILURE)
    except KeyboardInterrupt:
        _fail("interrupted", EXIT_FAILURE)
    except BrokenPipeError:
        os._exit(EXIT_FAILURE)
    except Exception as exc:  # the last line of defence: one clear line, no traceback for staff
        logging.getLogger("tilldesk").debug("unexpected error", exc_info=True)
        _fail(f"{exc.__class__.__name__}: {exc}", EXIT_FAILURE)


if __name__ == "__main__":
    raise SystemExit(main())
