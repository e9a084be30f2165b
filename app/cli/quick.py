"""The quick path of `tilldesk order list` and `tilldesk catalog variants`: plain sqlite3 reads
(app.persistence.quick_read) instead of the ORM, so a list or search as a whole process answers in
a fraction of the ORM's import time. It prints exactly what the ordinary path prints.

It only takes what it can answer the same way: a Tilldesk file already at this version's schema,
no --create, --demo, --till or --staff, and input the ordinary path would accept (dates it reads,
text it stores). Anything else returns False and the ordinary path runs, with its migrations,
refusals and messages; tests/search/test_quick_read.py runs both and compares them."""

from __future__ import annotations

import argparse
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from app.cli.common import emit

T = TypeVar("T")

QUERY_MAX = 1000  # app.services.command_base.Command's str_max_length

# Set TILLDESK_QUICK_LISTS=0 to always take the ordinary path (a way round, should the two differ).
ENV_SWITCH = "TILLDESK_QUICK_LISTS"


def _connect(args: argparse.Namespace) -> sqlite3.Connection | None:
    if os.environ.get(ENV_SWITCH, "1") == "0":
        return None
    if any(getattr(args, name, None) for name in ("create", "demo", "till", "staff", "approver")):
        return None
    from app.persistence.quick_read import connect_at_head

    db = getattr(args, "db", None)
    if db is None:
        from app.paths import default_db_path

        path = default_db_path()
    elif not db.strip():
        return None
    else:
        path = Path(db).expanduser()
    return connect_at_head(path)


def _read(args: argparse.Namespace, read: Callable[[sqlite3.Connection], T]) -> T | None:
    """``read`` on a quick connection, or None when the ordinary path must answer instead."""
    con = _connect(args)
    if con is None:
        return None
    with closing(con):
        try:
            return read(con)
        except sqlite3.Error:
            return None


def _text(value: str | None) -> str | None:
    """The search text as the ordinary path's command model reads it (whitespace stripped), or
    raise ValueError for text it would refuse."""
    if value is None:
        return None
    text = value.strip()
    if len(text) > QUERY_MAX:
        raise ValueError
    text.encode("utf-8")  # a lone surrogate: the ordinary path names the field
    return text


def order_list(args: argparse.Namespace) -> bool:
    """`order list`: True when printed here."""
    from app.services.date_bounds import as_utc

    try:
        q = _text(args.q)
        start = as_utc(args.date_from)
        end = as_utc(args.date_to, end=True, field="created_to")
    except Exception:  # any doubt: the ordinary path runs and names the field
        return False
    from app.domain.money import money_str, normalize
    from app.persistence.quick_read import order_rows

    page = _read(args, lambda con: order_rows(con, q=q, statuses=args.status, start=start, end=end,
                                              sync_states=args.sync_state, limit=args.limit, offset=args.offset))
    if page is None:
        return False
    rows, count = page
    entries = []
    for row, state in rows:
        entries.append({
            "kind": "order", "id": row.id, "display_id": row.display_id, "status": row.status,
            "customer_name": row.customer_name, "email": row.email, "phone": row.phone,
            "total": normalize(row.total), "currency_code": row.currency_code, "created_at": row.created_at,
            "invoice_number": row.invoice_number, "payment_status": row.payment_status, "sync_state": state,
            "item_count": row.item_count, "total_display": money_str(row.total, row.currency_code)})
    emit({"orders": entries, "count": count, "limit": args.limit, "offset": args.offset})
    return True


def variants(args: argparse.Namespace) -> bool:
    """`catalog variants`: True when printed here."""
    import json

    try:
        q = _text(args.q) or ""
    except (ValueError, UnicodeError):
        return False
    from app.domain.money import normalize
    from app.persistence.quick_read import variant_rows

    found = _read(args, lambda con: variant_rows(con, q, args.limit))
    if found is None:
        return False
    items: list[dict[str, Any]] = []
    for v in found:
        prices = json.loads(v.prices_json) if v.prices_json is not None else None
        items.append({"id": v.id, "product_id": v.product_id, "product_title": v.product_title, "title": v.title,
                      "sku": v.sku, "barcode": v.barcode,
                      "prices": {k: normalize(Decimal(p)) for k, p in (prices or {}).items()}})
    emit({"variants": items, "count": len(items)})
    return True
