"""Many tills, one shop: each till has a short code that is part of its invoice and credit note
numbers (``TD-A1-2026-000001``, ``TD-A1-CN-2026-000001``) and travels on every pushed order.

Two tills with the same code would print the same numbers, so a code is claimed on the shop
server under the till's own random identity (``till_id``, minted once per SQLite file), and a
till refuses a code another identity already holds. A file with no code yet keeps numbering the
way it always did (``TD-2026-000001``), so numbers already printed stay as they are."""

from __future__ import annotations

import re

from .errors import InvalidValue

_CODE = re.compile(r"^[A-Z0-9]{2,6}$")
#: "CN" marks credit notes (``TD-CN-2026-…`` in files numbered before till codes): a till called
#: CN would print invoice numbers that read as, and collide with, those credit notes.
RESERVED = frozenset({"CN"})
TILL_ID_PREFIX = "till"


def validate_till_code(code: object) -> str:
    """The code, upper-cased and stripped; a clear one-line refusal naming ``till_code`` otherwise."""
    if not isinstance(code, str):
        raise InvalidValue("use 2 to 6 letters or digits, e.g. A1", field="till_code")
    c = code.strip().upper()
    if not _CODE.match(c):
        raise InvalidValue(f"{code.strip()[:20]!r} is not a till code: use 2 to 6 letters or digits, e.g. A1",
                           field="till_code")
    if c in RESERVED:
        raise InvalidValue(f"{c!r} is reserved for credit notes: choose another till code", field="till_code")
    return c


def invoice_prefix_for(prefix: str, till_code: str | None) -> str:
    """The prefix the invoice counter is kept under: one gapless sequence per till and year."""
    return f"{prefix}-{till_code}" if till_code else prefix


def credit_note_prefix_for(prefix: str, till_code: str | None) -> str:
    return invoice_prefix_for(prefix, till_code) + "-CN"


def code_of_prefix(counter_prefix: str) -> str | None:
    """The till code a counter prefix was numbered under (``TD-A1`` and ``TD-A1-CN`` give A1), None
    for the numbers of a file without a code (``TD``, ``TD-CN``)."""
    parts = counter_prefix.split("-")
    if parts[-1] == "CN":
        parts = parts[:-1]
    return parts[1] if len(parts) == 2 else None


def code_of_number(number: str) -> str | None:
    """The till code in an invoice or credit note number (``TD-A1-2026-000001`` gives A1)."""
    parts = number.split("-")
    return code_of_prefix("-".join(parts[:-2])) if len(parts) >= 3 else None


def claim_conflict(code: str, own_id: str, holder_id: str | None) -> str | None:
    """The refusal when the shop server says another till holds ``code``; None when it is ours or free."""
    if holder_id is None or holder_id == own_id:
        return None
    return (f"till_code: another till already uses the code {code} on this shop server; "
            f"give this till its own code (tilldesk till set --code NEW) before it sends orders there")
