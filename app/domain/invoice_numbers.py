"""Invoice numbers: per till, prefix + year + sequence, gapless and never reused.

Gapless follows from assigning the number inside the same transaction that records the payment:
a rolled-back Mark Paid rolls back its number too."""

from __future__ import annotations

import re

_PREFIX = re.compile(r"^[A-Z0-9]{1,8}$")


def validate_prefix(prefix: str) -> str:
    p = prefix.strip().upper()
    if not _PREFIX.match(p):
        from .errors import InvalidValue

        raise InvalidValue("use 1 to 8 letters or digits", field="invoice_prefix")
    return p


def format_invoice_number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}-{year}-{sequence:06d}"
