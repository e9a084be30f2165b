"""Display-id counters and the invoice number sequences."""

from __future__ import annotations

from sqlalchemy import select

from .. import rows as r
from ._base import SqlRepository


class SqlCounterRepository(SqlRepository):
    def next(self, name: str) -> int:
        # Safe without races: the unit of work already holds SQLite's write lock (BEGIN IMMEDIATE).
        row = self.s.get(r.CounterRow, name)
        if row is None:
            row = r.CounterRow(name=name, value=0)
            self.s.add(row)
        row.value += 1
        return row.value

    def next_invoice(self, prefix: str, year: int) -> int:
        row = self.s.get(r.InvoiceSequenceRow, (prefix, year))
        if row is None:
            row = r.InvoiceSequenceRow(prefix=prefix, year=year, last_value=0)
            self.s.add(row)
        row.last_value += 1
        return row.last_value

    def invoice_prefixes(self) -> set[str]:
        return set(self.s.scalars(select(r.InvoiceSequenceRow.prefix).where(r.InvoiceSequenceRow.last_value > 0)))
