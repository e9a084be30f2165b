"""Medusa-style ids: a prefix and a ULID (48-bit millisecond time, 80 random bits, Crockford base32).

Sortable by creation time, unique without a server, so a till can mint ids offline.
"""

from __future__ import annotations

import os
import threading
import time
from typing import NewType

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

DraftOrderId = NewType("DraftOrderId", str)
OrderId = NewType("OrderId", str)
LineItemId = NewType("LineItemId", str)
AddressId = NewType("AddressId", str)
CustomerId = NewType("CustomerId", str)
PaymentId = NewType("PaymentId", str)
ShippingMethodId = NewType("ShippingMethodId", str)

PREFIXES = {
    "draft_order": "order",  # Medusa v2 drafts are orders with status "draft": same prefix
    "order": "order",
    "line_item": "ordli",
    "address": "addr",
    "customer": "cus",
    "payment": "pay",
    "shipping_method": "ordsm",
    "outbox": "sync",
    "print": "prn",
}

_lock = threading.Lock()
_last_ms = 0
_last_rand = 0


def _encode(value: int, length: int) -> str:
    out = []
    for _ in range(length):
        out.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(out))


def ulid() -> str:
    """A monotonic ULID: within one millisecond the random part is incremented, so order holds."""
    global _last_ms, _last_rand
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:
            ms = _last_ms
            _last_rand = (_last_rand + 1) & ((1 << 80) - 1)
        else:
            _last_ms = ms
            _last_rand = int.from_bytes(os.urandom(10), "big")
        return _encode(ms, 10) + _encode(_last_rand, 16)


def new_id(prefix: str) -> str:
    return f"{prefix}_{ulid()}"


def is_valid_id(value: str, prefix: str | None = None) -> bool:
    head, sep, tail = value.partition("_")
    if not sep or not head or len(tail) != 26 or any(c not in _ALPHABET for c in tail):
        return False
    return prefix is None or head == prefix
