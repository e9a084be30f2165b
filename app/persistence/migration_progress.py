"""How far a long migration has come: a module-level hook the start-up code may set.

A migration that rewrites much data (0007 indexes every order's search text: a year of a busy
till is a million rows) calls `report(done, total)` as it goes; the window shows it in its
start-up screen. Without a hook set, reporting costs nothing."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]

_hook: Progress | None = None


def set_hook(hook: Progress | None) -> None:
    """Set (or clear with None) the callable that hears `progress(done, total)`."""
    global _hook
    _hook = hook


def report(done: int, total: int) -> None:
    if _hook is not None:
        _hook(done, total)
