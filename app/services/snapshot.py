"""Totals frozen at Mark Paid: what the customer paid must read the same forever, even after
the catalog (tax rates, promotions) changes under a later sync."""

from __future__ import annotations

import dataclasses
import functools
import typing
from decimal import Decimal
from typing import Any

from app.domain.money import decimal_str
from app.domain.totals import Adjustment, LineTotals, OrderTotals, TaxBreakdown, TaxLineTotals


@functools.cache
def _names(cls: type) -> tuple[str, ...] | None:
    """A dataclass's field names (None for any other type), looked up once per class: the
    totals of a 5-line sale are some 80 objects, and fields() per object was most of _dump."""
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple(f.name for f in dataclasses.fields(cls))


def _dump(obj: Any) -> Any:
    cls: type = type(obj)
    if cls is Decimal:
        return decimal_str(obj)
    if cls is tuple or cls is list:
        return [_dump(x) for x in obj]
    names = _names(cls)
    if names is not None:
        return {n: _dump(getattr(obj, n)) for n in names}
    if isinstance(obj, (tuple, list)):
        return [_dump(x) for x in obj]
    if isinstance(obj, Decimal):
        return decimal_str(obj)
    return obj


_NESTED = {"items": LineTotals, "shipping_methods": LineTotals, "taxes": TaxBreakdown, "tax_lines": TaxLineTotals}


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    # get_type_hints evaluates every string annotation (a compile() each) on every call: listing
    # 200 orders read their totals 1,600 times, and this was a quarter of the order search.
    return typing.get_type_hints(cls)


def _load(cls: type, d: dict[str, Any]) -> Any:
    hints = _hints(cls)
    kw: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        v = d[f.name]
        if f.name in _NESTED:
            kw[f.name] = tuple(_load(_NESTED[f.name], x) for x in v)
        elif hints[f.name] is Decimal:
            kw[f.name] = Decimal(v)
        else:
            kw[f.name] = v
    return cls(**kw)


def totals_to_dict(t: OrderTotals, adjustments: dict[str, list[Adjustment]] | None = None) -> dict[str, Any]:
    d: dict[str, Any] = _dump(t)
    d["adjustments"] = {k: [_dump(a) for a in v] for k, v in (adjustments or {}).items()}
    return d


def totals_from_dict(d: dict[str, Any]) -> tuple[OrderTotals, dict[str, list[Adjustment]]]:
    adjustments = {k: [Adjustment(amount=Decimal(a["amount"]), code=a["code"],
                                  is_tax_inclusive=bool(a["is_tax_inclusive"])) for a in v]
                   for k, v in d.get("adjustments", {}).items()}
    totals: OrderTotals = _load(OrderTotals, d)
    return totals, adjustments
