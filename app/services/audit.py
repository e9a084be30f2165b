"""The audit log's one writer and its checks. Any service appends through ``record`` inside its
own unit of work, so the entry is committed with the change it describes, or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.domain import clock
from app.domain.audit import AuditEntry, ChainBreak, next_entry, verify_chain

from .context import UnitOfWork

_ACTOR = object()


def till_name(uow: UnitOfWork) -> str:
    return str(uow.settings.get("till_name", "Till 1") or "Till 1")


def record(uow: UnitOfWork, action: str, subject: str | None = None, details: dict[str, Any] | None = None,
           *, staff_id: str | None | object = _ACTOR) -> AuditEntry:
    """Appends one entry (inside the caller's open unit of work). ``staff_id`` defaults to the
    unit of work's actor. Never put a PIN or a key in ``details``."""
    who = (uow.actor.staff_id if uow.actor else None) if staff_id is _ACTOR else staff_id
    entry = next_entry(uow.audit.head(), clock.now(), till_name(uow), who if isinstance(who, str) else None,
                       action, subject, details)
    uow.audit.append(entry)
    return entry


def list_entries(uow: UnitOfWork, since: int = 0, limit: int | None = None) -> list[AuditEntry]:
    with uow:
        return uow.audit.since(since, limit)


@dataclass(frozen=True, slots=True)
class AuditReport:
    entries: int  # how many were checked
    intact: int  # how many check out from the start
    head: str | None  # the last good entry's hash
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify(uow: UnitOfWork, expect_head: str | None = None) -> AuditReport:
    """Recomputes the chain. ``expect_head``: a head hash the server saw (an order's
    ``tilldesk_audit_head``), which must still be in the chain."""
    with uow:
        rows = uow.audit.stored()
    good, brk = verify_chain(rows)
    head = rows[good - 1].hash if good else None
    if brk is None and expect_head and expect_head not in {r.hash for r in rows}:
        brk = ChainBreak(rows[-1].seq + 1 if rows else 1,
                         f"the head {expect_head[:12]}... the server saw is not in this log (it was rewritten)")
    return AuditReport(entries=len(rows), intact=good, head=head, first_break=brk)


def head_hash(uow: UnitOfWork) -> str | None:
    """The newest entry's hash, as pushed orders carry it (``tilldesk_audit_head``)."""
    with uow:
        head = uow.audit.head()
        return head.hash if head else None
