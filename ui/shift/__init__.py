"""The window side of shifts and the cash drawer (the core is app/services/shifts.py and drawer.py)."""

from .controller import ShiftUi

__all__ = ["ShiftUi"]
