"""The window side of staff accounts: the sign-in screen, locking, quick switch, the idle lock and
the manager-approval prompt (docs/staff.md)."""

from .session import StaffSession

__all__ = ["StaffSession"]
