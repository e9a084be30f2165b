"""Start-up without the cyclic garbage collector, then its long-lived objects set aside.

Starting the till builds about 120,000 objects that live as long as the process: modules,
classes, SQLAlchemy's mappings, pydantic's validators, Qt's enum types. While they are made the
collector runs some 260 times and walks all of them twice, about 250 ms of CPU of the window's
start on the 2-core till, and none of it is garbage. ``hold()`` turns the collector off for the
start; ``settle()`` moves everything alive then into the permanent generation
(``gc.freeze()``), so no later full collection walks it again (such a walk is a pause of tens of
milliseconds in the middle of whatever the clerk is doing), and turns the collector back on.

Reference counting frees objects as usual meanwhile; only reference cycles wait for
``settle()``. Only the console entry (``ui.launcher``) holds; ``settle()`` is a no-op when the
collector is on, so tests and embedders calling ``app.cli.main`` are unaffected.
``TILLDESK_GC_PAUSE=0`` starts with the collector on, as before (for comparing start-up times)."""

from __future__ import annotations

import gc
import os

__all__ = ["hold", "settle"]

_held = False


def hold() -> None:
    """Turn the cyclic collector off until ``settle()``."""
    global _held
    if gc.isenabled() and os.environ.get("TILLDESK_GC_PAUSE") != "0":
        gc.disable()
        _held = True


def settle() -> None:
    """The start is over: set aside what it built and turn the collector back on."""
    global _held
    if not _held:
        return
    _held = False
    gc.freeze()
    gc.enable()
