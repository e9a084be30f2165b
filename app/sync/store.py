"""The sync's own database access: outbox rows, pull cursors, customers' server ids.

Every method opens and commits its own unit of work, so the push step machine records each
finished step durably before it starts the next one: a crash (or SIGKILL) between two calls
loses at most the step in flight, which the engine then looks up on the server.

Nothing here crosses threads: the sync worker builds its own ``SyncStore`` over the app's
session factory, and each call uses a fresh session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select

from app.persistence import rows as r
from app.persistence.uow import SqlUnitOfWork
from app.services.dto import OrderDTO
from app.services.orders import get_order

__all__ = ["OutboxEntry", "SyncStore", "CustomerInfo", "STATES", "CURSOR_PREFIX"]

STATES = ("queued", "in_progress", "synced", "needs_attention", "discarded")
CURSOR_PREFIX = "sync_cursor."


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class OutboxEntry:
    """A detached copy of an outbox row (rows never leave a session)."""

    id: str
    order_id: str
    state: str
    step: int
    data: dict[str, Any]
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    server_order_id: str | None
    server_display_id: int | None
    created_at: datetime
    updated_at: datetime
    invoice_number: str | None = None
    display_id: int | None = None


@dataclass(frozen=True)
class CustomerInfo:
    id: str
    email: str
    first_name: str | None
    last_name: str | None
    phone: str | None
    company_name: str | None
    created_locally: bool
    server_id: str | None
    addresses: tuple[dict[str, Any], ...] = field(default=())


def _entry(row: r.OutboxRow, order: r.OrderRow | None = None) -> OutboxEntry:
    return OutboxEntry(
        id=row.id, order_id=row.order_id, state=row.state, step=row.step, data=dict(row.data or {}),
        attempts=row.attempts, last_error=row.last_error, next_attempt_at=row.next_attempt_at,
        server_order_id=row.server_order_id, server_display_id=row.server_display_id,
        created_at=row.created_at, updated_at=row.updated_at,
        invoice_number=order.invoice_number if order is not None else None,
        display_id=order.display_id if order is not None else None)


class SyncStore:
    def __init__(self, uow_factory: Callable[[], SqlUnitOfWork], clock: Callable[[], datetime] = utcnow) -> None:
        self._uow = uow_factory
        self._clock = clock

    # -- outbox ------------------------------------------------------------------------------
    def due(self, now: datetime | None = None, limit: int | None = None) -> list[str]:
        """Outbox ids ready to push, oldest sale first; rows backing off are left out."""
        now = now or self._clock()
        with self._uow() as uow:
            s = uow.session
            q = (select(r.OutboxRow.id)
                 .where(r.OutboxRow.state.in_(("queued", "in_progress")))
                 .where((r.OutboxRow.next_attempt_at.is_(None)) | (r.OutboxRow.next_attempt_at <= now))
                 .order_by(r.OutboxRow.created_at, r.OutboxRow.id))
            if limit:
                q = q.limit(limit)
            return list(s.scalars(q))

    def next_due_at(self) -> datetime | None:
        """When the earliest backing-off row becomes due (None: nothing is waiting)."""
        with self._uow() as uow:
            return uow.session.scalar(
                select(func.min(r.OutboxRow.next_attempt_at))
                .where(r.OutboxRow.state.in_(("queued", "in_progress"))))

    def get(self, outbox_id: str) -> OutboxEntry | None:
        with self._uow() as uow:
            row = uow.session.get(r.OutboxRow, outbox_id)
            if row is None:
                return None
            return _entry(row, uow.session.get(r.OrderRow, row.order_id))

    def for_order(self, order_id: str) -> OutboxEntry | None:
        with self._uow() as uow:
            row = uow.outbox.for_order(order_id)
            return None if row is None else _entry(row, uow.session.get(r.OrderRow, order_id))

    def entries(self, states: Iterable[str] | None = None) -> list[OutboxEntry]:
        with self._uow() as uow:
            q = select(r.OutboxRow, r.OrderRow).join(r.OrderRow, r.OrderRow.id == r.OutboxRow.order_id)
            if states:
                q = q.where(r.OutboxRow.state.in_(tuple(states)))
            q = q.order_by(r.OutboxRow.created_at, r.OutboxRow.id)
            return [_entry(row, order) for row, order in uow.session.execute(q)]

    def counts(self) -> dict[str, int]:
        with self._uow() as uow:
            got = dict(uow.session.execute(
                select(r.OutboxRow.state, func.count()).group_by(r.OutboxRow.state)).all())
        return {st: int(got.get(st, 0)) for st in STATES}

    def update(self, outbox_id: str, **changes: Any) -> OutboxEntry:
        """Write some columns of one row and commit. ``data`` replaces the whole JSON object."""
        allowed = {"state", "step", "data", "attempts", "last_error", "next_attempt_at",
                   "server_order_id", "server_display_id"}
        bad = set(changes) - allowed
        if bad:
            raise ValueError(f"cannot change {', '.join(sorted(bad))} of an outbox row")
        if "state" in changes and changes["state"] not in STATES:
            raise ValueError(f"unknown outbox state {changes['state']!r}")
        with self._uow() as uow:
            row = uow.session.get(r.OutboxRow, outbox_id)
            if row is None:
                raise KeyError(outbox_id)
            for k, v in changes.items():
                # A fresh dict: the JSON column does not track in-place mutation.
                setattr(row, k, dict(v) if k == "data" else v)
            row.updated_at = self._clock()
            uow.commit()
            return _entry(row, uow.session.get(r.OrderRow, row.order_id))

    def retry(self, outbox_id: str) -> OutboxEntry:
        """Staff pressed Retry: queue the order again at once, keeping what the server already has."""
        entry = self.get(outbox_id)
        if entry is None:
            raise KeyError(outbox_id)
        if entry.state == "synced":
            raise ValueError("this order is already on the shop server")
        return self.update(outbox_id, state="queued" if entry.step == 0 else "in_progress",
                           attempts=0, next_attempt_at=None, last_error=None)

    def discard(self, outbox_id: str) -> OutboxEntry:
        """Staff confirmed Discard: the order stays local and is never pushed."""
        entry = self.get(outbox_id)
        if entry is None:
            raise KeyError(outbox_id)
        if entry.state == "synced":
            raise ValueError("this order is already on the shop server and cannot be discarded")
        return self.update(outbox_id, state="discarded", next_attempt_at=None)

    # -- the order as it is pushed -------------------------------------------------------
    def order(self, order_id: str) -> OrderDTO:
        return get_order(order_id, self._uow())

    def any_shipping_option(self, region_id: str) -> str | None:
        with self._uow() as uow:
            return uow.session.scalar(select(r.ShippingOptionRow.id)
                                      .where(r.ShippingOptionRow.region_id == region_id)
                                      .order_by(r.ShippingOptionRow.amount, r.ShippingOptionRow.id).limit(1))

    # -- customers -----------------------------------------------------------------------
    def customer(self, customer_id: str) -> CustomerInfo | None:
        with self._uow() as uow:
            row = uow.session.get(r.CustomerRow, customer_id)
            if row is None:
                return None
            addrs = tuple({k: getattr(a, k) for k in (
                "first_name", "last_name", "company", "address_1", "address_2", "city", "province",
                "postal_code", "country_code", "phone", "is_default_shipping", "is_default_billing")}
                for a in row.addresses)
            return CustomerInfo(id=row.id, email=row.email, first_name=row.first_name, last_name=row.last_name,
                                phone=row.phone, company_name=row.company_name,
                                created_locally=bool(row.created_locally), server_id=row.server_id,
                                addresses=addrs)

    def set_customer_server_id(self, customer_id: str, server_id: str) -> None:
        with self._uow() as uow:
            row = uow.session.get(r.CustomerRow, customer_id)
            if row is None:
                raise KeyError(customer_id)
            row.server_id = server_id
            uow.commit()

    def local_customer_ids_by_server_id(self) -> dict[str, str]:
        """Customers created at this till and already pushed: server id -> local id."""
        with self._uow() as uow:
            return {sid: lid for lid, sid in uow.session.execute(
                select(r.CustomerRow.id, r.CustomerRow.server_id).where(r.CustomerRow.server_id.is_not(None)))}

    # -- settings and pull cursors -------------------------------------------------------
    def setting(self, key: str, default: Any = None) -> Any:
        with self._uow() as uow:
            return uow.settings.get(key, default)

    def set_setting(self, key: str, value: Any) -> None:
        with self._uow() as uow:
            uow.settings.set(key, value)
            uow.commit()

    def cursor(self, kind: str) -> dict[str, Any]:
        value = self.setting(CURSOR_PREFIX + kind)
        return dict(value) if isinstance(value, dict) else {}

    def set_cursor(self, kind: str, value: dict[str, Any]) -> None:
        self.set_setting(CURSOR_PREFIX + kind, dict(value))

    def reset_cursors(self, kinds: Iterable[str]) -> None:
        with self._uow() as uow:
            for kind in kinds:
                uow.settings.set(CURSOR_PREFIX + kind, {})
            uow.commit()

    # -- catalog writes (pull) -------------------------------------------------------------
    def upsert_page(self, kind: str, items: list[dict[str, Any]], cursor: dict[str, Any]) -> int:
        """Write one page of pulled records and the cursor that says it is done, in one commit,
        so an interrupted pull resumes after the last page that reached the disk."""
        with self._uow() as uow:
            if kind == "promotions" and items:
                # Codes are unique locally: a demo promotion holding the server's code must go
                # first (delete_missing runs only after the whole kind is pulled).
                uow.session.execute(delete(r.PromotionRow).where(
                    r.PromotionRow.code.in_([i["code"] for i in items]),
                    r.PromotionRow.id.not_in([i["id"] for i in items])))
            n = uow.catalog.upsert(kind, items) if items else 0
            uow.settings.set(CURSOR_PREFIX + kind, dict(cursor))
            uow.commit()
            return n

    def delete_missing(self, kind: str, keep_ids: set[str]) -> int:
        with self._uow() as uow:
            n = uow.catalog.delete_missing(kind, keep_ids)
            uow.commit()
            return n

    def local_ids(self, kind: str) -> set[str]:
        model = {"regions": r.RegionRow, "tax_rates": r.TaxRateRow, "sales_channels": r.SalesChannelRow,
                 "products": r.ProductRow, "shipping_options": r.ShippingOptionRow,
                 "customers": r.CustomerRow, "promotions": r.PromotionRow, "variants": r.VariantRow}[kind]
        with self._uow() as uow:
            return set(uow.session.scalars(select(model.id)))
