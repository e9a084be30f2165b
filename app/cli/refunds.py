"""`tilldesk order refund`, `order cancel --tender` and `tilldesk credit-note`: money going back."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import BadInput, decimal_arg, emit, open_app, parse_tender


def register_order_actions(osub: Any, common: argparse.ArgumentParser) -> None:
    """Adds `refund` and `cancel` to the `order` group (app.cli.orders builds the group)."""
    r = osub.add_parser("refund", parents=[common], help="refund items, the shipping or an amount of a paid order")
    r.add_argument("id", help="order id, display id (#3) or invoice number")
    r.add_argument("--item", action="append", default=[], metavar="LINE_ID:QTY",
                   help="a line (its id, or its position 1, 2, ...) and how many units; repeatable")
    r.add_argument("--shipping", action="store_true", help="refund the shipping too")
    r.add_argument("--amount", type=decimal_arg, default=None, help="a plain amount to refund (goodwill)")
    r.add_argument("--tender", action="append", default=[], required=True,
                   metavar="cash=AMOUNT|card=AMOUNT:REF", help="how the money goes back; repeatable")
    r.add_argument("--restock", action="store_true", help="the returned items go back into stock")
    r.add_argument("--reason", help="why (printed on the credit note)")
    x = osub.add_parser("exchange", parents=[common],
                        help="take items back and start a new draft for the same customer paid with their credit")
    x.add_argument("id", help="order id, display id (#3) or invoice number")
    x.add_argument("--item", action="append", default=[], metavar="LINE_ID:QTY",
                   help="a line (its id, or its position 1, 2, ...) and how many units; repeatable; none: "
                        "pick up the credit a deleted exchange draft left open")
    x.add_argument("--restock", action="store_true", help="the returned items go back into stock")
    x.add_argument("--reason", help="why (printed on the credit note)")
    c = osub.add_parser("cancel", parents=[common], help="cancel an order, refunding what was paid")
    c.add_argument("id", help="order id, display id (#3) or invoice number")
    c.add_argument("--tender", metavar="cash|card:REF", default=None,
                   help="how the money goes back (default: the way it was paid)")
    c.add_argument("--reason", help="why (printed on the credit note)")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    cn = sub.add_parser("credit-note", parents=[common], help="write a refund's credit note as PDF")
    cn.add_argument("number", help="the credit note number, e.g. TD-A1-CN-2026-000001")
    cn.add_argument("--out", required=True, help="the PDF file to write")
    cn.add_argument("--format", choices=["a4", "receipt"], default="a4", help="a4 (default) or 80 mm receipt")
    cn.add_argument("--force", action="store_true", help="replace --out if it exists")
    cn.set_defaults(func=cmd_credit_note)


def _items(specs: list[str], line_ids: list[str]) -> list[dict[str, Any]]:
    out = []
    for spec in specs:
        line, sep, qty = spec.rpartition(":")
        if not sep or not line or not qty.strip().isdigit():
            raise BadInput(f"--item {spec!r}: use LINE_ID:QTY, e.g. ordli_01H...:1 or 2:1")
        if line.isdigit():
            pos = int(line)
            if not 1 <= pos <= len(line_ids):
                raise BadInput(f"--item {spec!r}: the order has lines 1 to {len(line_ids)}")
            line = line_ids[pos - 1]
        out.append({"line_id": line, "quantity": int(qty)})
    return out


def _refund_out(order: Any, refund_id: str | None) -> dict[str, Any]:
    from app.services import serialize

    data = serialize.order(order)
    refund = next((r for r in data["refunds"] if r["id"] == refund_id), None)
    return {"refund": refund, "credit_note_number": refund["credit_note_number"] if refund else None,
            "order": data}


def _open_drawer(refund: Any, app: Any) -> None:
    """Cash going back comes out of the drawer, as cash taken goes in: the refund is saved; a
    drawer that fails to open is recorded and logged, not an error."""
    from app.services import drawer

    if refund is not None:
        drawer.after_refund(refund, app.uow())


def cmd_refund(args: argparse.Namespace) -> None:
    from app.services import orders, queries, refunds

    app = open_app(args)
    oid = queries.resolve_id("order", args.id, app.uow())
    before = orders.get_order(oid, app.uow())
    tenders = [parse_tender(t) for t in args.tender]
    cmd = {"order_id": oid, "items": _items(args.item, [i.id for i in before.items]), "shipping": args.shipping,
           "tenders": tenders, "restock": args.restock, "reason": args.reason}
    if args.amount is not None:
        cmd["amount"] = args.amount
    after = refunds.refund_order(cmd, app.uow()).value
    new = [r for r in after.refunds if r.id not in {x.id for x in before.refunds}]
    _open_drawer(new[0] if new else None, app)
    emit(_refund_out(after, new[0].id if new else None))


def cmd_exchange(args: argparse.Namespace) -> None:
    from app.services import exchanges, orders, queries, serialize

    app = open_app(args)
    oid = queries.resolve_id("order", args.id, app.uow())
    before = orders.get_order(oid, app.uow())
    cmd = {"order_id": oid, "items": _items(args.item, [i.id for i in before.items]), "restock": args.restock,
           "reason": args.reason}
    ex = exchanges.exchange_order(cmd, app.uow()).value
    emit({"draft_id": ex.draft.id, "draft_display_id": ex.draft.display_id, "credit": ex.credit,
          "currency_code": ex.draft.currency_code, "refund_id": ex.refund_id,
          "credit_note_number": ex.credit_note_number, "order": serialize.order(ex.order)},
         done=f"draft #{ex.draft.display_id} holds {ex.credit} {ex.draft.currency_code.upper()} of exchange credit")


def cmd_cancel(args: argparse.Namespace) -> None:
    from app.services import queries, refunds

    app = open_app(args)
    oid = queries.resolve_id("order", args.id, app.uow())
    cmd: dict[str, Any] = {"order_id": oid, "reason": args.reason}
    if args.tender:
        kind, _, ref = args.tender.partition(":")
        kind = kind.strip().lower()
        if kind not in ("cash", "card", "other"):
            raise BadInput(f"--tender {args.tender!r}: use cash, card:REFERENCE or other")
        cmd["tender_kind"] = kind
        cmd["tender_reference"] = ref.strip() or None
    after = refunds.cancel_order(cmd, app.uow()).value
    cancel = next((r for r in after.refunds if r.is_cancellation), None)
    _open_drawer(cancel, app)
    emit(_refund_out(after, cancel.id if cancel else None))


def cmd_credit_note(args: argparse.Namespace) -> None:
    from app.services import credit_notes

    app = open_app(args)
    printed = credit_notes.print_credit_note(args.number, args.format, app.uow(), app.archive_dir,
                                             destination=str(args.out))
    try:
        with open(args.out, "xb" if not args.force else "wb") as fh:
            fh.write(printed.pdf)
    except FileExistsError:
        raise BadInput(f"{args.out} exists; pass --force to replace it "
                       "(the archived copy is kept either way)") from None
    emit({"credit_note": {"number": args.number, "format": args.format, "copy_number": printed.copy_number,
                          "file": str(args.out), "archive_path": str(printed.archive_path),
                          "bytes": len(printed.pdf)}})
