"""Bulk writes of pulled catalog pages: one ``INSERT ... ON CONFLICT DO UPDATE`` per table and page.

The per-row ORM merge (a SELECT per record, an object per row, a flush of each) cost more than
the HTTP calls of the pull itself. Here a page of records becomes plain column values
(``app.persistence.records``, the one reading of the neutral shape) and goes to SQLite in one
``executemany`` per table, inside the caller's transaction. Id sets are passed as one JSON
array read back with ``json_each``, so a set of 100,000 ids never meets SQLite's limit on bound
parameters (32,766).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from typing import Any, cast

from sqlalchemy import Table, delete, func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from .. import records as rec
from .. import rows as r

__all__ = ["BULK_KINDS", "BadRecord", "bulk_upsert", "delete_missing", "id_set"]


class BadRecord(ValueError):
    """A pulled record Tilldesk cannot read; the message names the kind, the record and the field."""

_TABLES: dict[str, tuple[Any, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "regions": (r.RegionRow, rec.region),
    "tax_rates": (r.TaxRateRow, rec.tax_rate),
    "sales_channels": (r.SalesChannelRow, rec.sales_channel),
    "shipping_options": (r.ShippingOptionRow, rec.shipping_option),
    "promotions": (r.PromotionRow, rec.promotion),
}

#: The kinds written here (customers keep their own repository: addresses, local customers).
BULK_KINDS = frozenset({*_TABLES, "products"})


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


def id_set(ids: Iterable[str]) -> Select[Any]:
    """``SELECT value FROM json_each(?)``: a set of ids as one bound parameter."""
    each = func.json_each(json.dumps(sorted(ids), ensure_ascii=False)).table_valued("value")
    return select(each.c.value)


def _upsert_rows(s: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    stmt = sqlite_insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.id],
                                      set_={c: stmt.excluded[c] for c in rows[0] if c != "id"})
    s.execute(stmt, rows)


def _read(kind: str, d: dict[str, Any], fn: Callable[[dict[str, Any]], Any]) -> Any:
    try:
        return fn(d)
    except KeyError as exc:
        raise BadRecord(f"{kind} record {d.get('id')!r}: the field {exc.args[0]!r} is missing") from None
    except ArithmeticError:
        raise BadRecord(f"{kind} record {d.get('id')!r}: an amount, price or rate is not a number") from None
    except (ValueError, TypeError, AttributeError) as exc:
        raise BadRecord(f"{kind} record {d.get('id')!r}: {exc}") from None


def bulk_upsert(s: Session, kind: str, items: list[dict[str, Any]]) -> int:
    """Insert or update one page of records of ``kind`` (the neutral catalog shape). A product's
    variants are replaced by the ones it has now: those it no longer lists are deleted. Every
    record is read before anything is written, so a bad one leaves the page unwritten."""
    if kind == "products":
        products = [_read(kind, d, rec.product) for d in items]
        variants = [v for d in items for v in _read(kind, d, rec.variants)]
        _upsert_rows(s, _table(r.ProductRow), products)
        _upsert_rows(s, _table(r.VariantRow), variants)
        if products:
            vt = _table(r.VariantRow)
            s.execute(delete(vt).where(vt.c.product_id.in_(id_set(p["id"] for p in products)),
                                       vt.c.id.not_in(id_set(v["id"] for v in variants))))
        return len(products)
    model, to_row = _TABLES[kind]
    _upsert_rows(s, _table(model), [_read(kind, d, to_row) for d in items])
    return len(items)


def delete_missing(s: Session, model: Any, keep_ids: Collection[str]) -> int:
    """Delete the rows of ``model`` whose id is not in ``keep_ids`` (a product's variants go with
    it; customers created at this till and not yet pushed stay)."""
    keep = id_set(keep_ids)
    table = _table(model)
    q = delete(table).where(table.c.id.not_in(keep))
    if model is r.CustomerRow:
        q = q.where(table.c.created_locally.is_(False))
    if model is r.ProductRow:
        vt = _table(r.VariantRow)
        s.execute(delete(vt).where(vt.c.product_id.not_in(keep)))
    res = s.execute(q)
    return res.rowcount or 0  # type: ignore[attr-defined]
