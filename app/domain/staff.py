"""Staff accounts and their PINs. A PIN is 4 to 8 ASCII digits, kept only as a salted scrypt hash
with its parameters (so they can be raised later without breaking old hashes), compared in
constant time. Five wrong PINs in a row lock the account for a minute."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from .errors import DomainError, InvalidValue

PIN_MIN, PIN_MAX = 4, 8
LOCK_AFTER = 5  # wrong PINs in a row
LOCK_FOR = timedelta(minutes=1)
# scrypt cost: n=2**14, r=8 takes about 16 MB and a few tens of milliseconds, which is fine for a
# PIN pad and makes trying all 10**8 PINs of a stolen database file expensive.
SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_DKLEN = 2**14, 8, 1, 32


class Role(StrEnum):
    CASHIER = "cashier"
    MANAGER = "manager"
    OWNER = "owner"


class WrongPin(DomainError):
    """The PIN did not match (or the account cannot sign in); the message never says which digit."""


class AccountLocked(WrongPin):
    """Too many wrong PINs: the account waits until ``until``."""

    def __init__(self, message: str, until: datetime, *, field: str | None = "pin") -> None:
        super().__init__(message, field=field)
        self.until = until


def parse_role(text: str, field: str = "role") -> Role:
    try:
        return Role(str(text).strip().lower())
    except ValueError:
        raise InvalidValue(f"{text!r} is not a role: use cashier, manager or owner", field=field) from None


def validate_pin(pin: str, field: str = "pin") -> str:
    if not isinstance(pin, str) or not (PIN_MIN <= len(pin) <= PIN_MAX) or not pin.isascii() or not pin.isdigit():
        raise InvalidValue(f"a PIN is {PIN_MIN} to {PIN_MAX} digits (0-9)", field=field)
    return pin


def validate_name(name: str, field: str = "name") -> str:
    cleaned = " ".join(str(name or "").split())
    if not cleaned or len(cleaned) > 60:
        raise InvalidValue("a staff name is 1 to 60 characters", field=field)
    return cleaned


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt-hex$hash-hex``: everything needed to check the PIN again, no PIN."""
    validate_pin(pin)
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode("ascii"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=SCRYPT_DKLEN, maxmem=64 * 1024 * 1024)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = bytes.fromhex(digest_hex)
        got = hashlib.scrypt(str(pin).encode("ascii", "replace"), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r),
                             p=int(p), dklen=len(expected), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


@dataclass(frozen=True, slots=True)
class StaffMember:
    id: str
    name: str
    role: Role
    pin_hash: str
    active: bool = True
    failed_attempts: int = 0
    locked_until: datetime | None = None
    created_at: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def after_wrong_pin(self, now: datetime) -> StaffMember:
        """One more wrong PIN; the fifth in a row locks the account and starts the count again."""
        failed = self.failed_attempts + 1
        if failed >= LOCK_AFTER:
            return replace(self, failed_attempts=0, locked_until=now + LOCK_FOR)
        return replace(self, failed_attempts=failed)

    def after_right_pin(self) -> StaffMember:
        return replace(self, failed_attempts=0, locked_until=None)


@dataclass(frozen=True, slots=True)
class Approval:
    """A manager's PIN, checked, approving one guarded action (``action`` None: the one guarded
    action of a single command-line call)."""

    approver_id: str
    approver_name: str
    approver_role: Role
    action: str | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts in a unit of work: the signed-in staff member, and the approval they carry."""

    staff_id: str
    name: str
    role: Role
    approval: Approval | None = None

    def with_approval(self, approval: Approval | None) -> Actor:
        return replace(self, approval=approval)
