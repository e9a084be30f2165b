"""The outbox, owned here: what may be queued (kinds), where an entry stands (states), the push's
steps, and the entry handed out to everyone else (never an ORM row).

An entry is keyed by (order, kind, subject): a sale is pushed once (subject ""); each refund,
return and the cancellation of an order is an entry of its own (subject: the refund's or the
return's id), pushed only after the order's sale reached the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class OutboxKind(StrEnum):
    # The value is what the first schema stored for a paid order's push: kept, so no row of a
    # till in use is rewritten by the upgrade.
    SALE = "push_order"
    REFUND = "push_refund"
    RETURN = "push_return"
    CANCEL = "push_cancel"


#: The kinds that follow a sale: they wait until the order's sale entry is synced.
FOLLOW_UPS = (OutboxKind.REFUND, OutboxKind.RETURN, OutboxKind.CANCEL)


QUEUED = "queued"
IN_PROGRESS = "in_progress"
SYNCED = "synced"
NEEDS_ATTENTION = "needs_attention"
DISCARDED = "discarded"

STATES = (QUEUED, IN_PROGRESS, SYNCED, NEEDS_ATTENTION, DISCARDED)
#: States the worker still pushes.
PENDING_STATES = (QUEUED, IN_PROGRESS)
#: States that mean "not on the server yet" to the clerk (the worker stopped on the last one).
UNSYNCED_STATES = (QUEUED, IN_PROGRESS, NEEDS_ATTENTION)

#: The push of a sale is a persisted step machine; ``OutboxEntry.step`` counts the finished steps.
STEP_NAMES = ("create customer", "create draft order", "compare totals", "convert to order",
              "record payment", "store server order")
STEPS = len(STEP_NAMES)

#: The steps of a refund, a return or a cancellation (after the sale is on the server).
FOLLOW_UP_STEP_NAMES = {
    OutboxKind.REFUND.value: ("wait for the sale", "refund the payment", "compare refunds"),
    OutboxKind.RETURN.value: ("wait for the sale", "receive the return", "compare returns"),
    OutboxKind.CANCEL.value: ("wait for the sale", "cancel the order", "compare refunds"),
}
FOLLOW_UP_STEPS = 3


def steps_of(kind: str) -> int:
    return STEPS if kind == OutboxKind.SALE.value else FOLLOW_UP_STEPS


def step_names(kind: str) -> tuple[str, ...]:
    return STEP_NAMES if kind == OutboxKind.SALE.value else FOLLOW_UP_STEP_NAMES[kind]

#: Columns the sync may change on an entry.
WRITABLE = frozenset({"state", "step", "data", "attempts", "last_error", "next_attempt_at",
                      "server_order_id", "server_display_id"})


class Withdrawn(Exception):
    """The entry left the pending states under the sync's feet (a cancel withdrew its sale)."""


def check_changes(changes: dict[str, Any]) -> None:
    """Refuses a change the outbox does not allow (an unknown column or state)."""
    bad = set(changes) - WRITABLE
    if bad:
        raise ValueError(f"cannot change {', '.join(sorted(bad))} of an outbox row")
    if "state" in changes and changes["state"] not in STATES:
        raise ValueError(f"unknown outbox state {changes['state']!r}")


def retry_state(step: int) -> str:
    """Where Retry puts an entry: from the start, or on from the step it reached."""
    return QUEUED if step == 0 else IN_PROGRESS


@dataclass(frozen=True)
class OutboxEntry:
    """A detached copy of one outbox entry, with the order's numbers for display."""

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
    kind: str = field(default=OutboxKind.SALE.value)
    subject_id: str = ""
