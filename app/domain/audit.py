"""The tamper-evident audit log. Each entry carries the previous entry's hash, and its own hash
is SHA-256 over that previous hash followed by the entry's canonical JSON. Changing, removing,
inserting or reordering any entry breaks the chain from that entry on; the head hash, sent with
every pushed order, pins the log as the server saw it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

GENESIS = "0" * 64


class AuditAction(StrEnum):
    """What this package writes; other parts add their own names through the same service."""

    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    PIN_FAILED = "pin_failed"
    ACCOUNT_LOCKED = "account_locked"
    APPROVAL = "approval"
    PRICE_OVERRIDE = "price_override"
    ORDER_CANCELED = "order_canceled"
    REPRINT = "reprint"
    SETTINGS_CHANGED = "settings_changed"
    BACKEND_CHANGED = "backend_changed"
    UNSYNCED_DISCARDED = "unsynced_discarded"
    STAFF_ADDED = "staff_added"
    STAFF_DISABLED = "staff_disabled"
    PERMISSIONS_CHANGED = "permissions_changed"


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, StrEnum):
        return value.value
    return value


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text, decimals as strings: one text for one meaning."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def timestamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: str  # ISO-8601 UTC text, exactly as hashed
    till: str
    staff_id: str | None
    action: str
    subject: str | None
    details: dict[str, Any] = field(default_factory=dict)
    prev_hash: str = GENESIS
    hash: str = ""

    def body(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": self.at, "till": self.till, "staff": self.staff_id, "action": self.action,
                "subject": self.subject, "details": self.details}


def entry_hash(prev_hash: str, body: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(body)).encode("utf-8")).hexdigest()


def next_entry(head: AuditEntry | None, at: datetime, till: str, staff_id: str | None, action: str,
               subject: str | None, details: dict[str, Any] | None = None) -> AuditEntry:
    """The entry that follows ``head`` (None: the first entry), hashed."""
    prev = head.hash if head is not None else GENESIS
    e = AuditEntry(seq=(head.seq + 1) if head is not None else 1, at=timestamp(at), till=till, staff_id=staff_id,
                   action=str(action), subject=subject, details=_plain(dict(details or {})), prev_hash=prev)
    return AuditEntry(**{**{f: getattr(e, f) for f in e.__dataclass_fields__}, "hash": entry_hash(prev, e.body())})


@dataclass(frozen=True, slots=True)
class ChainBreak:
    seq: int  # the first entry that does not check out (as stored)
    reason: str

    def __str__(self) -> str:
        return f"audit entry {self.seq}: {self.reason}"


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """An entry as read back from storage, before anything is trusted: ``details`` is the text."""

    seq: int
    at: str
    till: str
    staff_id: str | None
    action: str
    subject: str | None
    details: str
    prev_hash: str
    hash: str


def verify_chain(rows: list[StoredEntry]) -> tuple[int, ChainBreak | None]:
    """Walks the entries in stored order; answers how many check out and the first that does not."""
    expected_prev, expected_seq = GENESIS, 1
    for n, row in enumerate(rows):
        if row.seq != expected_seq:
            what = (f"entry {expected_seq} is missing" if row.seq > expected_seq
                    else f"out of order (expected entry {expected_seq} here)")
            return n, ChainBreak(row.seq, what)
        if row.prev_hash != expected_prev:
            return n, ChainBreak(row.seq, "does not follow the entry before it "
                                          "(an entry was removed, inserted or moved)")
        try:
            details = json.loads(row.details)
        except ValueError:
            return n, ChainBreak(row.seq, "its details are not valid JSON")
        body = {"seq": row.seq, "at": row.at, "till": row.till, "staff": row.staff_id, "action": row.action,
                "subject": row.subject, "details": details}
        if entry_hash(row.prev_hash, body) != row.hash:
            return n, ChainBreak(row.seq, "its contents were changed after it was written")
        expected_prev, expected_seq = row.hash, expected_seq + 1
    return len(rows), None
