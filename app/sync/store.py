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
from datetime import datetime
from typing import Any

from app.domain import clock
from app.domain import outbox as ob
from app.domain.outbox import STATES, OutboxEntry, OutboxKind
from app.domain.refunds import OrderReturn, Refund
from app.persistence.uow import SqlUnitOfWork
from app.services.dto import OrderDTO
from app.services.orders import get_order
from app.services.tills import TillIdentity, identity

__all__ = ["OutboxEntry", "SyncStore", "CustomerInfo", "STATES", "CURSOR_PREFIX", "utcnow"]

CURSOR_PREFIX = "sync_cursor."

#: The core's one clock (app.domain.clock), under the name the sync has always used.
utcnow = clock.now


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


class SyncStore:
    def __init__(self, uow_factory: Callable[[], SqlUnitOfWork], clock: Callable[[], datetime] = utcnow) -> None:
        self._uow = uow_factory
        self._clock = clock

    # -- outbox ------------------------------------------------------------------------------
    def due(self, now: datetime | None = None, limit: int | None = None) -> list[str]:
        """Outbox ids ready to push, oldest sale first; rows backing off are left out."""
        now = now or self._clock()
        with self._uow() as uow:
            return uow.outbox.due(now, limit)

    def next_due_at(self) -> datetime | None:
        """When the earliest backing-off row becomes due (None: nothing is waiting)."""
        with self._uow() as uow:
            return uow.outbox.next_due_at()

    def get(self, outbox_id: str) -> OutboxEntry | None:
        with self._uow() as uow:
            return uow.outbox.get(outbox_id)

    def for_order(self, order_id: str) -> OutboxEntry | None:
        with self._uow() as uow:
            return uow.outbox.for_order(order_id)

    def entries(self, states: Iterable[str] | None = None) -> list[OutboxEntry]:
        with self._uow() as uow:
            return uow.outbox.entries(states)

    def counts(self) -> dict[str, int]:
        with self._uow() as uow:
            return uow.outbox.counts()

    def update(self, outbox_id: str, **changes: Any) -> OutboxEntry:
        """Write some columns of one row and commit. ``data`` replaces the whole JSON object."""
        with self._uow() as uow:
            entry = uow.outbox.update(outbox_id, changes, self._clock())
            uow.commit()
            return entry

    def mark(self, outbox_id: str, **changes: Any) -> OutboxEntry:
        """As :meth:`update`, but only while the entry is still pending: the intent marker before
        a call to the server must not revive an entry a cancel withdrew meanwhile."""
        with self._uow() as uow:
            entry = uow.outbox.update(outbox_id, changes, self._clock(), expect_states=ob.PENDING_STATES)
            uow.commit()
            return entry

    def sale_entry(self, order_id: str) -> OutboxEntry | None:
        with self._uow() as uow:
            return uow.outbox.for_order(order_id)

    def all_for_order(self, order_id: str) -> list[OutboxEntry]:
        """Every outbox entry of an order, oldest first (its sale, then what followed it)."""
        with self._uow() as uow:
            return uow.outbox.all_for_order(order_id)

    def follow_up_entry(self, order_id: str, kind: OutboxKind, subject_id: str) -> OutboxEntry | None:
        with self._uow() as uow:
            return uow.outbox.for_order(order_id, kind, subject_id)

    def refunds_of(self, order_id: str) -> list[Refund]:
        """The order's refunds, oldest first."""
        with self._uow() as uow:
            return uow.refunds.for_order(order_id)

    def returns_of(self, order_id: str) -> list[OrderReturn]:
        """The order's returns, oldest first."""
        with self._uow() as uow:
            return uow.refunds.returns_for_order(order_id)

    def retry(self, outbox_id: str) -> OutboxEntry:
        """Staff pressed Retry: queue the order again at once, keeping what the server already has."""
        entry = self.get(outbox_id)
        if entry is None:
            raise KeyError(outbox_id)
        if entry.state == ob.SYNCED:
            raise ValueError("this order is already on the shop server")
        return self.update(outbox_id, state=ob.retry_state(entry.step),
                           attempts=0, next_attempt_at=None, last_error=None)

    def discard(self, outbox_id: str) -> OutboxEntry:
        """Staff confirmed Discard: the order stays local and is never pushed."""
        entry = self.get(outbox_id)
        if entry is None:
            raise KeyError(outbox_id)
        if entry.state == ob.SYNCED:
            raise ValueError("this order is already on the shop server and cannot be discarded")
        from app.domain.audit import AuditAction
        from app.domain.permissions import GuardedAction
        from app.services import audit, guard

        with self._uow() as uow:  # guarded and logged in the same transaction as the change
            permit = guard.require(uow, GuardedAction.DISCARD_UNSYNCED, entry.order_id)
            done = uow.outbox.update(outbox_id, {"state": ob.DISCARDED, "next_attempt_at": None}, self._clock())
            audit.record(uow, AuditAction.UNSYNCED_DISCARDED, entry.order_id, {
                "outbox_id": outbox_id, "kind": entry.kind, "step": entry.step, "last_error": entry.last_error,
                "approver_id": permit.approver_id if permit else None})
            uow.commit()
            return done

    # -- the order as it is pushed -------------------------------------------------------
    def order(self, order_id: str) -> OrderDTO:
        return get_order(order_id, self._uow())

    def staff_of(self, order_id: str) -> dict[str, str] | None:
        """Who took the order's payment (and who approved), as pushed in ``tilldesk_staff``."""
        with self._uow() as uow:
            order = uow.orders.get(order_id)
            if order.staff_id is None:
                return None
            who = {"id": order.staff_id, "name": uow.staff.get(order.staff_id).name}
            if order.approver_id:
                who |= {"approver_id": order.approver_id, "approver": uow.staff.get(order.approver_id).name}
            return who

    def shift_of(self, order_id: str) -> str | None:
        """The shift the order's payments were taken in, as pushed in ``tilldesk_shift``."""
        with self._uow() as uow:
            return uow.shifts.shift_of_order(order_id)

    def till_identity(self) -> TillIdentity:
        """This file's till code and identity (the identity minted on first use)."""
        return identity(self._uow())

    def till_code_and_id(self) -> tuple[str | None, str | None]:
        """The till code and identity as stored, without minting anything (a read-only check)."""
        from app.services.tills import ID_KEY, till_code

        with self._uow() as uow:
            value = uow.settings.get(ID_KEY)
            return till_code(uow), value if isinstance(value, str) and value else None

    def till_of(self, invoice_number: str) -> dict[str, str] | None:
        """The code the order was numbered under and this till's identity, for ``tilldesk_till``;
        None for an order numbered before the till had a code (its number names no till)."""
        from app.domain.tills import code_of_number

        code = code_of_number(invoice_number)
        return {"code": code, "id": self.till_identity().till_id} if code else None

    def audit_head(self) -> str | None:
        """The audit log's newest hash, pushed with each order as ``tilldesk_audit_head``."""
        with self._uow() as uow:
            head = uow.audit.head()
            return head.hash if head else None

    def any_shipping_option(self, region_id: str) -> str | None:
        with self._uow() as uow:
            return uow.catalog.cheapest_shipping_option_id(region_id)

    # -- customers -----------------------------------------------------------------------
    def customer(self, customer_id: str) -> CustomerInfo | None:
        with self._uow() as uow:
            info = uow.customers.sync_info(customer_id)
        return None if info is None else CustomerInfo(**info)

    def set_customer_server_id(self, customer_id: str, server_id: str) -> None:
        with self._uow() as uow:
            uow.customers.set_server_id(customer_id, server_id)
            uow.commit()

    def local_customer_ids_by_server_id(self) -> dict[str, str]:
        """Customers created at this till and already pushed: server id -> local id."""
        with self._uow() as uow:
            return uow.customers.local_ids_by_server_id()

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
                # A demo promotion holding the server's code must go first (delete_missing runs
                # only after the whole kind is pulled).
                uow.catalog.drop_promotions_holding_codes(items)
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
        with self._uow() as uow:
            return uow.catalog.ids(kind)
