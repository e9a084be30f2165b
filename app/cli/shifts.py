"""`tilldesk shift ...` and `tilldesk drawer open`: the till's shifts, cash in and out, X and Z
reports, and the cash drawer. Amounts print as exact JSON numbers; bad input is exit 2 with one
line on standard error and nothing written."""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.cli.common import BadInput, emit, open_app


def _tender_amount(option: str, text: str) -> tuple[str, str]:
    kind, sep, value = text.partition("=")
    if not sep or not kind.strip() or not value.strip():
        raise BadInput(f"{option} {text!r}: use TENDER=AMOUNT, e.g. cash=150.00")
    return kind.strip().lower(), value.strip()


def _pairs(option: str, items: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for text in items or []:
        kind, value = _tender_amount(option, text)
        if kind in out:
            raise BadInput(f"{option}: {kind} is given twice")
        out[kind] = value
    return out


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    shift = sub.add_parser("shift", parents=[common], help="shifts, cash in and out, X and Z reports")
    ssub = shift.add_subparsers(dest="action", metavar="ACTION", required=True)
    op = ssub.add_parser("open", parents=[common], help="open a shift with the counted float")
    op.add_argument("--float", dest="floats", action="append", metavar="TENDER=AMOUNT",
                    help="the counted float, e.g. cash=150.00 (repeat per tender)")
    op.add_argument("--currency", help="the shift's currency (default: the default region's)")
    for name, helptext in (("cash-in", "record cash brought into the drawer"),
                           ("cash-out", "record cash taken out of the drawer")):
        x = ssub.add_parser(name, parents=[common], help=helptext)
        x.add_argument("amount", help="the amount of cash, e.g. 20.00")
        x.add_argument("--reason", required=True, help="why the cash moves (change brought in, a supplier paid)")
    ssub.add_parser("show", parents=[common], help="the open shift and its cash movements")
    ls = ssub.add_parser("list", parents=[common], help="this till's shifts, newest first")
    ls.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    xr = ssub.add_parser("x-report", parents=[common], help="the open shift's figures so far (changes nothing)")
    cl = ssub.add_parser("close", parents=[common], help="close the shift with the counted amounts: the Z report")
    cl.add_argument("--counted", action="append", metavar="TENDER=AMOUNT", required=True,
                    help="cash=412.35 (required), card=88.10 (optional, the card slips)")
    zr = ssub.add_parser("z-report", parents=[common], help="reprint a closed shift's Z report")
    zr.add_argument("z_number", type=int, help="the Z report's number, e.g. 12")
    for x in (xr, cl, zr):
        x.add_argument("--out", help="also write the report as PDF to this file")
        x.add_argument("--format", choices=["a4", "receipt"], default="a4",
                       help="the PDF's layout: a4 (default) or 80 mm receipt")
        x.add_argument("--force", action="store_true", help="replace --out if it exists")
    shift.set_defaults(func=cmd_shift)

    drawer = sub.add_parser("drawer", parents=[common], help="the cash drawer")
    dsub = drawer.add_subparsers(dest="action", metavar="ACTION", required=True)
    do = dsub.add_parser("open", parents=[common], help="open the drawer without a sale ('no sale')")
    do.add_argument("--reason", required=True, help="why the drawer is opened")
    drawer.set_defaults(func=cmd_drawer)


def _check_out(args: argparse.Namespace) -> None:
    # Before anything is written: a Z report must not be lost because its file could not be.
    out = getattr(args, "out", None)
    if out and Path(out).exists() and not args.force:
        raise BadInput(f"--out: {out} exists; pass --force to replace it")
    if out and not Path(out).parent.is_dir():
        raise BadInput(f"--out: the folder {Path(out).parent} does not exist")


def _report_json(report: Any) -> dict[str, Any]:
    from app.domain.money import round_money
    from app.domain.shift_report import report_to_dict

    return report_to_dict(report, amount=lambda d: round_money(d, report.currency_code))


def _write(args: argparse.Namespace, app: Any, report: Any) -> dict[str, Any] | None:
    from app.services import shifts

    if not args.out:
        return None
    pdf = shifts.report_pdf(report, args.format, app.uow())
    with open(args.out, "wb") as fh:
        fh.write(pdf)
    return {"file": str(args.out), "format": args.format, "bytes": len(pdf)}


def _shift_json(sh: Any, movements: Any = ()) -> dict[str, Any]:
    from app.domain.money import round_money

    def money(values: dict[str, Decimal]) -> dict[str, Decimal]:
        return {k: round_money(v, sh.currency_code) for k, v in values.items()}

    out: dict[str, Any] = {
        "id": sh.id, "till_id": sh.till_id, "currency_code": sh.currency_code,
        "state": "open" if sh.is_open else "closed",
        "opened_at": sh.opened_at, "opened_by": sh.opened_by, "float": money(sh.opening_float),
        "closed_at": sh.closed_at, "closed_by": sh.closed_by, "z_number": sh.z_number,
        "counted": money(sh.counted) if sh.counted is not None else None}
    if sh.report is not None:
        out["expected"] = money({k: Decimal(v["expected"]) for k, v in sh.report["tenders"].items()})
    if movements:
        out["movements"] = [{"id": m.id, "kind": m.kind.value, "amount": m.amount, "reason": m.reason,
                             "staff_id": m.staff_id, "created_at": m.created_at} for m in movements]
    return out


def cmd_shift(args: argparse.Namespace) -> None:
    from app.services import shifts

    _check_out(args)
    app = open_app(args)
    action = args.action
    if action == "open":
        body: dict[str, Any] = {"floats": _pairs("--float", args.floats)}
        if args.currency:
            body["currency_code"] = args.currency
        emit({"shift": _shift_json(shifts.open_shift(body, app.uow()).value.shift)})
    elif action in ("cash-in", "cash-out"):
        fn = shifts.cash_in if action == "cash-in" else shifts.cash_out
        m = fn({"amount": args.amount, "reason": args.reason}, app.uow()).value
        emit({"movement": {"id": m.id, "shift_id": m.shift_id, "kind": m.kind.value, "amount": m.amount,
                           "reason": m.reason, "created_at": m.created_at}})
    elif action == "show":
        cur = shifts.current_shift(app.uow())
        emit({"shift": None if cur is None else _shift_json(cur.shift, cur.movements)})
    elif action == "list":
        found = shifts.list_shifts(app.uow(), args.limit)
        emit({"shifts": [_shift_json(s) for s in found], "count": len(found)})
    else:
        if action == "x-report":
            report = shifts.x_report(app.uow())
        elif action == "close":
            report = shifts.close_shift({"counted": _pairs("--counted", args.counted)}, app.uow()).value
        else:
            report = shifts.z_report(args.z_number, app.uow())
        key = "x_report" if report.kind == "X" else "z_report"
        out: dict[str, Any] = {key: _report_json(report)}
        written = _write(args, app, report)
        if written:
            out["pdf"] = written
        emit(out)


def cmd_drawer(args: argparse.Namespace) -> None:
    from app.services import drawer

    app = open_app(args)
    d = drawer.open_drawer({"reason": args.reason}, app.uow()).value
    emit({"drawer": {"id": d.id, "reason": d.reason.value, "note": d.note, "shift_id": d.shift_id,
                     "destination": d.destination, "pulsed": d.destination is not None and d.error is None,
                     "error": d.error, "created_at": d.created_at}})
