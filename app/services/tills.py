"""The till's code and identity (see app/domain/tills.py): which prefixes its numbers are taken
under, what it tells the shop server about itself, and changing the code while that is safe."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.domain import ids
from app.domain.errors import InvalidValue
from app.domain.invoice_numbers import validate_prefix
from app.domain.tills import (
    TILL_ID_PREFIX,
    code_of_prefix,
    credit_note_prefix_for,
    invoice_prefix_for,
    validate_till_code,
)

from .context import UnitOfWork

CODE_KEY = "till_code"
ID_KEY = "till_id"


@dataclass(frozen=True, slots=True)
class TillIdentity:
    code: str | None  # None: a file from before till codes that was never given one
    till_id: str  # random, minted once per file: two files never share it


def till_code(uow: UnitOfWork) -> str | None:
    raw = uow.settings.get(CODE_KEY)
    return validate_till_code(raw) if raw else None


def till_id(uow: UnitOfWork) -> str:
    """This file's identity, minted on first use inside the caller's unit of work (which commits it)."""
    value = uow.settings.get(ID_KEY)
    if isinstance(value, str) and value:
        return value
    value = ids.new_id(TILL_ID_PREFIX)
    uow.settings.set(ID_KEY, value)
    return value


def identity(uow: UnitOfWork) -> TillIdentity:
    """The code and identity, the identity minted and committed on first use (the sync asks for it
    before it claims the code on a shop server or pushes an order)."""
    with uow:
        ident = TillIdentity(code=till_code(uow), till_id=till_id(uow))
        uow.commit()
        return ident


def _base_prefix(uow: UnitOfWork) -> str:
    return validate_prefix(str(uow.settings.get("invoice_prefix", "TD")))


def invoice_prefix(uow: UnitOfWork) -> str:
    return invoice_prefix_for(_base_prefix(uow), till_code(uow))


def credit_note_prefix(uow: UnitOfWork) -> str:
    return credit_note_prefix_for(_base_prefix(uow), till_code(uow))


def numbered_codes(uow: UnitOfWork) -> set[str]:
    """The till codes this file has taken invoice or credit note numbers under."""
    return {c for c in (code_of_prefix(p) for p in uow.counters.invoice_prefixes()) if c}


def check_code_change(uow: UnitOfWork, old: str | None, new: str | None) -> None:
    """Refuses to change (or remove) a code once a number was taken with it: the printed numbers
    and the shop server's claim both name it, and a new code would restart the sequence."""
    if old == new or old is None:
        return
    if old in numbered_codes(uow):
        raise InvalidValue(f"this till has already numbered invoices with the code {old}; "
                           f"it cannot change now", field="till_code")


DEFAULT_CODE = "T1"


def set_till(uow: UnitOfWork, code: str, name: str | None = None) -> TillIdentity:
    """Sets the till code (and, if given, its name) in one commit with its audit entry: a guarded
    settings change, refused once the old code has numbered an invoice."""
    from app.domain.permissions import GuardedAction

    from . import guard
    from .audit import record as audit_record

    new = validate_till_code(code)
    if name is not None and not (name := name.strip()):
        raise InvalidValue("must not be empty", field="till_name")
    if name is not None and len(name) > 60:
        raise InvalidValue("use at most 60 characters", field="till_name")
    with uow:
        old = till_code(uow)
        check_code_change(uow, old, new)
        changes: dict[str, str] = {}
        if old != new:
            changes[CODE_KEY] = new
        if name is not None and uow.settings.get("till_name") != name:
            changes["till_name"] = name
        if changes:
            guard.require(uow, GuardedAction.SETTINGS)
            audit_record(uow, "settings_changed", None, {**changes, "before": old})
            for key, value in changes.items():
                uow.settings.set(key, value)
        ident = TillIdentity(code=new, till_id=till_id(uow))
        uow.commit()
        return ident


def show_till(uow: UnitOfWork) -> dict[str, object]:
    with uow:
        code = till_code(uow)
        return {"till_code": code, "till_name": str(uow.settings.get("till_name", "Till 1") or "Till 1"),
                "till_id": uow.settings.get(ID_KEY), "numbered_codes": sorted(numbered_codes(uow)),
                "can_change_code": code is None or code not in numbered_codes(uow)}


def needs_code(uow: UnitOfWork) -> bool:
    """A first start: no code yet and nothing numbered (a file from before till codes that has
    numbered invoices keeps its numbers; its code is set in the settings)."""
    with uow:
        return till_code(uow) is None and not uow.counters.invoice_prefixes()


def code_on_create(uow_factory: Callable[[], UnitOfWork], code: str | None) -> None:
    """The command line's ``--create``/``--demo``: ``code`` (``--till``) when given, else the
    default code for a file that has none and numbered nothing yet."""
    with uow_factory() as uow:
        current = uow.settings.get(CODE_KEY)
        fresh = not current and not uow.counters.invoice_prefixes()
    if code is not None and code.strip().upper() != current:
        set_till(uow_factory(), code)
    elif code is None and fresh:
        set_till(uow_factory(), DEFAULT_CODE)
