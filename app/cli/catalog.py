"""`tilldesk catalog ...`: look up the local catalog."""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from app.cli import quick
from app.cli.common import count_arg, emit, open_app


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    cat = sub.add_parser("catalog", parents=[common], help="look up the local catalog")
    cat.add_argument("what", choices=["regions", "variants", "shipping-options", "customers", "promotions"],
                     help="what to list: regions, variants, shipping-options, customers or promotions")
    cat.add_argument("--q", help="search text (title, SKU, barcode, name, email, phone)")
    cat.add_argument("--region", help="shipping options of this region only")
    cat.add_argument("--limit", type=count_arg(1, 1000), default=50, help="at most this many (1 to 1000)")
    cat.set_defaults(func=cmd_catalog)


def cmd_catalog(args: argparse.Namespace) -> None:
    if args.what == "variants" and quick.variants(args):
        return
    from app.services import queries, serialize

    app = open_app(args)
    q = args.q or ""
    items: list[Any]
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
        items = [x for x in items if needle in " ".join(str(v) for v in _field_values(x)).lower()]
    rows = [serialize.catalog_item(x) for x in items]
    emit({key: rows, "count": len(rows)})


def _field_values(x: Any) -> list[Any]:
    return [getattr(x, f.name) for f in dataclasses.fields(x)]
