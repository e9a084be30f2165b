"""The outbox table. What an entry may be (kinds, states, steps) is decided in app.domain.outbox;
this module only stores entries and hands out detached ``OutboxEntry`` copies, never rows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from app.domain import ids
from app.domain import outbox as ob
from app.domain.outbox import OutboxEntry, OutboxKind

from .. import rows as r
from ._base import SqlRepository


def entry(row: r.OutboxRow, order: r.OrderRow | None = None) -> OutboxEntry:
    return OutboxEntry(
        id=row.id, order_id=row.order_id, kind=row.kind, subject_id=row.subject_id or "", state=row.state,
        step=row.step,
        data=dict(row.data or {}), attempts=row.attempts, last_error=row.last_error,
        next_attempt_at=row.next_attempt_at, server_order_id=row.server_order_id,
        server_display_id=row.server_display_id, created_at=row.created_at, updated_at=row.updated_at,
        invoice_number=order.invoice_number if order is not None else None,
        display_id=order.display_id if order is not None else None)


class SqlOutboxRepository(SqlRepository):
    def enqueue(self, order_id: str, now: datetime, kind: OutboxKind = OutboxKind.SALE,
                subject_id: str = "") -> OutboxEntry:
        self.log.outbox()
        row = r.OutboxRow(id=ids.new_id(ids.PREFIXES["outbox"]), order_id=order_id, kind=kind.value,
                          subject_id=subject_id, state=ob.QUEUED, step=0, data={}, attempts=0, created_at=now,
                          updated_at=now)
        self.s.add(row)
        return entry(row)

    def get(self, outbox_id: str) -> OutboxEntry | None:
        row = self.s.get(r.OutboxRow, outbox_id)
        return None if row is None else entry(row, self.s.get(r.OrderRow, row.order_id))

    def for_order(self, order_id: str, kind: OutboxKind = OutboxKind.SALE,
                  subject_id: str = "") -> OutboxEntry | None:
        row = self.s.scalar(select(r.OutboxRow).where(r.OutboxRow.order_id == order_id,
                                                      r.OutboxRow.kind == kind.value,
                                                      r.OutboxRow.subject_id == subject_id))
        return None if row is None else entry(row, self.s.get(r.OrderRow, order_id))

    def all_for_order(self, order_id: str) -> list[OutboxEntry]:
        """Every entry of an order: its sale first, then refunds, returns and a cancellation."""
        q = (select(r.OutboxRow).where(r.OutboxRow.order_id == order_id)
             .order_by(r.OutboxRow.created_at, r.OutboxRow.id))
        order = self.s.get(r.OrderRow, order_id)
        return [entry(x, order) for x in self.s.scalars(q)]

    def for_orders(self, order_ids: list[str], kind: OutboxKind = OutboxKind.SALE) -> dict[str, OutboxEntry]:
        if not order_ids:
            return {}
        q = select(r.OutboxRow).where(r.OutboxRow.order_id.in_(order_ids), r.OutboxRow.kind == kind.value,
                                      r.OutboxRow.subject_id == "")
        return {x.order_id: entry(x) for x in self.s.scalars(q)}

    def entries(self, states: Iterable[str] | None = None) -> list[OutboxEntry]:
        q = select(r.OutboxRow, r.OrderRow).join(r.OrderRow, r.OrderRow.id == r.OutboxRow.order_id)
        if states:
            q = q.where(r.OutboxRow.state.in_(tuple(states)))
        q = q.order_by(r.OutboxRow.created_at, r.OutboxRow.id)
        return [entry(row, order) for row, order in self.s.execute(q)]

    def due(self, now: datetime, limit: int | None = None) -> list[str]:
        q = (select(r.OutboxRow.id)
             .where(r.OutboxRow.state.in_(ob.PENDING_STATES))
             .where((r.OutboxRow.next_attempt_at.is_(None)) | (r.OutboxRow.next_attempt_at <= now))
             .order_by(r.OutboxRow.created_at, r.OutboxRow.id))
        if limit:
            q = q.limit(limit)
        return list(self.s.scalars(q))

    def next_due_at(self) -> datetime | None:
        return self.s.scalar(select(func.min(r.OutboxRow.next_attempt_at))
                             .where(r.OutboxRow.state.in_(ob.PENDING_STATES)))

    def counts(self) -> dict[str, int]:
        got = dict(self.s.execute(select(r.OutboxRow.state, func.count()).group_by(r.OutboxRow.state)).all())
        return {st: int(got.get(st, 0)) for st in ob.STATES}

    def update(self, outbox_id: str, changes: dict[str, Any], now: datetime,
               expect_states: Iterable[str] | None = None) -> OutboxEntry:
        """Writes some columns of one entry; ``data`` replaces the whole JSON object. With
        ``expect_states``, refuses (:class:`app.domain.outbox.Withdrawn`) an entry in another state,
        checked inside the same write transaction."""
        ob.check_changes(changes)
        row = self.s.get(r.OutboxRow, outbox_id)
        if row is None:
            raise KeyError(outbox_id)
        if expect_states is not None and row.state not in tuple(expect_states):
            raise ob.Withdrawn(f"outbox entry {outbox_id} is {row.state}")
        self.log.outbox()
        self.log.order(row.order_id)
        for k, v in changes.items():
            # A fresh dict: the JSON column does not track in-place mutation.
            setattr(row, k, dict(v) if k == "data" else v)
        row.updated_at = now
        return entry(row, self.s.get(r.OrderRow, row.order_id))
