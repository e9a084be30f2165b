"""`tilldesk till show|set`: the till's code (part of every invoice number) and name."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import emit, open_app


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    t = sub.add_parser("till", parents=[common], help="this till's code (part of its invoice numbers) and name")
    tsub = t.add_subparsers(dest="action", metavar="ACTION", required=True)
    tsub.add_parser("show", parents=[common], help="the till's code, name and identity")
    s = tsub.add_parser("set", parents=[common],
                        help="set the till code (only while no invoice was numbered with the old one) and name")
    s.add_argument("--code", required=True, help="2 to 6 letters or digits, unique in the shop, e.g. A1")
    s.add_argument("--name", default=None, help="the till's name, shown in the window and on reports")
    t.set_defaults(func=cmd_till)


def cmd_till(args: argparse.Namespace) -> None:
    from app.services import tills

    app = open_app(args)
    if args.action == "show":
        emit(tills.show_till(app.uow()))
        return
    ident = tills.set_till(app.uow(), args.code, args.name)
    emit(tills.show_till(app.uow()), done=f"the till code is now {ident.code}")
