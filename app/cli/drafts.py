"""`tilldesk draft ...`: create, edit, list and pay draft orders."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import BadInput, count_arg, decimal_arg, emit, excerpt, open_app, parse_tender, read_json
from app.domain.draft_order import MAX_QUANTITY

QUANTITY = count_arg(1, MAX_QUANTITY)
LIMIT = count_arg(1, 1000)
OFFSET = count_arg(0, 10**9)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    draft = sub.add_parser("draft", parents=[common], help="draft orders")
    dsub = draft.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = dsub.add_parser("create", parents=[common], help="create from a Medusa POST /admin/draft-orders body")
    c.add_argument("file", nargs="?", default="-", help="JSON file, or - for standard input (default)")
    c.add_argument("--medusa-v1", action="store_true", help="read the Medusa v1 body (minor-unit prices)")
    lst = dsub.add_parser("list", parents=[common], help="list and search drafts")
    lst.add_argument("--q", help="display id, email, name or phone")
    lst.add_argument("--status", action="append", choices=["open", "completed", "canceled"],
                     help="only drafts in this status; repeatable")
    lst.add_argument("--from", dest="date_from", help="created on or after this date (YYYY-MM-DD)")
    lst.add_argument("--to", dest="date_to", help="created on or before this date (YYYY-MM-DD)")
    lst.add_argument("--limit", type=LIMIT, default=50, help="at most this many (1 to 1000, default 50)")
    lst.add_argument("--offset", type=OFFSET, default=0, help="skip this many")
    for name, helptext in (("show", "show one draft"), ("cancel", "cancel a draft"), ("delete", "delete a draft")):
        x = dsub.add_parser(name, parents=[common], help=helptext)
        x.add_argument("id", help="draft id or display id (#12)")
    u = dsub.add_parser("update", parents=[common], help="update email, customer, addresses, region, metadata")
    u.add_argument("id", help="draft id or display id (#12)")
    u.add_argument("file", nargs="?", default="-",
                   help="JSON file with the fields to change, or - for standard input (default)")
    ai = dsub.add_parser("add-item", parents=[common], help="add a catalog variant or a custom item")
    ai.add_argument("id", help="draft id or display id (#12)")
    g = ai.add_mutually_exclusive_group(required=True)
    g.add_argument("--variant-id", help="the catalog variant's id")
    g.add_argument("--sku", dest="variant_sku", help="the catalog variant's SKU")
    g.add_argument("--barcode", dest="variant_barcode", help="the catalog variant's barcode")
    g.add_argument("--title", help="a custom item's title (needs --unit-price)")
    ai.add_argument("--unit-price", type=decimal_arg,
                    help="the unit price (a custom item needs it; for a variant it overrides the catalog's)")
    ai.add_argument("--quantity", type=QUANTITY, default=1, help="how many units (default 1)")
    ui_ = dsub.add_parser("update-item", parents=[common], help="change a line's quantity or price")
    ui_.add_argument("id", help="draft id or display id (#12)")
    ui_.add_argument("item_id", help="the line's id (see `draft show`)")
    ui_.add_argument("--quantity", type=QUANTITY, help="the new number of units")
    ui_.add_argument("--unit-price", type=decimal_arg, help="the new unit price")
    ri = dsub.add_parser("remove-item", parents=[common], help="remove a line")
    ri.add_argument("id", help="draft id or display id (#12)")
    ri.add_argument("item_id", help="the line's id (see `draft show`)")
    ss = dsub.add_parser("set-shipping", parents=[common], help="choose the shipping option")
    ss.add_argument("id", help="draft id or display id (#12)")
    ss.add_argument("option_id", help="the shipping option's id (see `catalog shipping-options`)")
    ss.add_argument("--amount", type=decimal_arg, help="a custom shipping price")
    for name in ("apply-promo", "remove-promo"):
        x = dsub.add_parser(name, parents=[common], help=f"{name.split('-')[0]} a promo code")
        x.add_argument("id", help="draft id or display id (#12)")
        x.add_argument("code", help="the promo code, e.g. WELCOME10")
    mp = dsub.add_parser("mark-paid", parents=[common],
                         help="record the payment: completes the draft, creates the order")
    mp.add_argument("id", help="draft id or display id (#12)")
    mp.add_argument("--tender", action="append", metavar="KIND=AMOUNT[:REF]", default=[],
                    help="cash=20.00, card=15.50:REF or other=5.00 (repeat to split a payment); required "
                         "unless an exchange credit pays the whole draft")
    mp.add_argument("--credit-back", metavar="cash|card:REF",
                    help="an exchange draft's credit larger than its total: how the rest goes back")
    draft.set_defaults(func=cmd_draft)


def cmd_draft(args: argparse.Namespace) -> None:
    from app.services import drafts, orders, queries, serialize

    app = open_app(args)
    action = args.action

    def rid() -> str:
        return queries.resolve_id("draft", args.id, app.uow())

    def show(draft: Any) -> None:
        # Edits answer with OpResult (value and changes); `show` reads a plain DTO.
        dto = getattr(draft, "value", draft)
        done = None if action in ("show", "list") else f"draft #{dto.display_id}: {action} was done"
        emit({"draft_order": serialize.draft_order(dto)}, done=done)

    body: dict[str, Any]
    if action == "create":
        body = read_json(args.file)
        if args.medusa_v1:
            from app.services.medusa_v1 import from_v1

            region_id = body.get("region_id")
            regions = {r.id: r for r in queries.regions(app.uow())}
            if region_id is None or region_id == "":
                raise BadInput("region_id: is required")
            if not isinstance(region_id, str):
                raise BadInput("region_id: must be a text id (e.g. reg_01...)")
            if region_id not in regions:
                raise BadInput(f"region_id: region {excerpt(region_id)} does not exist")
            body = from_v1(body, regions[region_id].currency_code)
        show(drafts.create_draft(body, app.uow()))
    elif action == "list":
        page = queries.list_drafts({"q": args.q, "status": args.status, "created_from": args.date_from,
                                    "created_to": args.date_to, "limit": args.limit, "offset": args.offset},
                                   app.uow())
        emit({"draft_orders": [serialize.list_entry(e) for e in page.entries], "count": page.count,
              "limit": args.limit, "offset": args.offset})
    elif action == "show":
        show(drafts.get_draft(rid(), app.uow()))
    elif action == "update":
        body = read_json(args.file)
        show(drafts.update_draft({**body, "draft_id": rid()}, app.uow()))
    elif action == "add-item":
        body = {"draft_id": rid(), "quantity": args.quantity}
        for k in ("variant_id", "variant_sku", "variant_barcode", "title"):
            if getattr(args, k):
                body[k] = getattr(args, k)
        if args.unit_price is not None:
            body["unit_price"] = args.unit_price
        show(drafts.add_line_item(body, app.uow()))
    elif action == "update-item":
        body = {"draft_id": rid(), "item_id": args.item_id}
        if args.quantity is not None:
            body["quantity"] = args.quantity
        if args.unit_price is not None:
            body["unit_price"] = args.unit_price
        show(drafts.update_line_item(body, app.uow()))
    elif action == "remove-item":
        show(drafts.remove_line_item({"draft_id": rid(), "item_id": args.item_id}, app.uow()))
    elif action == "set-shipping":
        if not args.option_id.strip():
            raise BadInput("option_id: is empty; name a shipping option (see `tilldesk catalog shipping-options`)")
        body = {"draft_id": rid(), "shipping_option_id": args.option_id}
        if args.amount is not None:
            body["amount"] = args.amount
        show(drafts.set_shipping_method(body, app.uow()))
    elif action in ("apply-promo", "remove-promo"):
        fn = drafts.apply_promo_code if action == "apply-promo" else drafts.remove_promo_code
        show(fn({"draft_id": rid(), "code": args.code}, app.uow()))
    elif action == "cancel":
        show(drafts.cancel_draft(rid(), app.uow()))
    elif action == "delete":
        deleted = drafts.delete_draft(rid(), app.uow()).value
        emit({"id": deleted, "object": "draft-order", "deleted": True}, done=f"draft {deleted} was deleted")
    elif action == "mark-paid":
        tenders = [parse_tender(t) for t in args.tender]
        cmd: dict[str, Any] = {"draft_id": rid() if tenders else _resolve_quietly(args.id, app), "tenders": tenders}
        if args.credit_back:
            kind, _, ref = args.credit_back.partition(":")
            if kind.strip().lower() not in ("cash", "card", "other"):
                raise BadInput(f"--credit-back {args.credit_back!r}: use cash, card:REFERENCE or other")
            cmd.update(credit_refund_kind=kind.strip().lower(), credit_refund_reference=ref.strip() or None)
        if not tenders and _exchange_credit(cmd["draft_id"], app) <= 0:
            raise BadInput("the following arguments are required: --tender (cash=20.00, card=15.50:REF or "
                           "other=5.00), unless an exchange credit pays the whole draft")
        order = orders.mark_paid(cmd, app.uow()).value
        from app.services import drawer

        drawer.after_payment(order, app.uow())  # the sale is saved; a drawer that fails to open is logged
        emit({"order": serialize.order(order)},
             done=f"the draft was paid: order #{order.display_id}, invoice {order.invoice_number}")


def _resolve_quietly(ref: str, app: Any) -> str:
    """A draft named without a tender: an unknown one is the missing --tender's error, as before."""
    from app.domain.errors import NotFound
    from app.services import queries

    try:
        return queries.resolve_id("draft", ref, app.uow())
    except NotFound:
        return ""


def _exchange_credit(draft_id: str, app: Any) -> Any:
    from decimal import Decimal

    from app.services import drafts

    return drafts.get_draft(draft_id, app.uow()).exchange_credit if draft_id else Decimal(0)
