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


def _dump(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj):
        return {f.name: _dump(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (tuple, list)):
        return [_dump(x) for x in obj]
    if isinstance(obj, Decimal):
        return decimal_str(obj)
    return obj


_NESTED = {"items": LineTotals, "shipping_methods": LineTotals, "taxes": TaxBreakdown, "tax_lines": TaxLineTotals}


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)  # slow (it evaluates annotations): once per class


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
