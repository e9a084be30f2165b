"""Keeps Python 3.11 alive under a PySide6 build that returns None (and True) without owning a reference.

The PySide6/shiboken6 6.12.0 wheels (tagged cp310-abi3) were compiled with headers in which
`Py_RETURN_NONE` treats None as immortal (CPython gh-134989), so on Python 3.10/3.11 every
binding that returns None gives the caller a reference it never took: each void method call
(`update()`, `setText()`, `beginResetModel()`, `processEvents()`, ...), each `QModelIndex.data()`
that finds no value and each queued signal delivering None lowers None's count by one (and each
`Signal.emit()` lowers True's, which aborts with "bool_dealloc" at the latest on exit). No
particular call of ours is at fault and none can be avoided, so after a few thousand calls (a
few dozen keystrokes in the product search) the count reaches zero and the interpreter aborts
with "none_dealloc: deallocating None".

Python 3.12 made None immortal (PEP 683) and is not affected. On 3.10/3.11 with an affected
build we do what 3.12 does: give None a reference count so large that no run of the program can
use it up. None is a static object that is never freed, so its count only guards that abort.
The probe runs once per process; a correct build or a newer Python leaves everything untouched.
"""

from __future__ import annotations

import ctypes
import platform
import sys

# Far beyond what any process can drain at one per call, and far below Py_ssize_t's limit.
HEADROOM = 1 << 60

_state: dict[str, bool] = {}


def pyside_drains_none() -> bool:
    """True when a void PySide6 call leaves None with one reference fewer than before."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(64):
        probe.setObjectName("probe")
    return sys.getrefcount(None) <= before - 32


def install() -> bool:
    """Pin None's reference count if this interpreter and PySide6 build need it (idempotent).
    Returns True when None is protected or needs no protection."""
    if "installed" in _state:
        return _state["installed"]
    if sys.version_info >= (3, 12) or platform.python_implementation() != "CPython" or not pyside_drains_none():
        _state["installed"] = True
        return True
    # The same macros return True and False (`Signal.emit()` and `disconnect()` hand back an
    # unowned True), so all three singletons get the headroom.
    # ob_refcnt is the first field of a release build's object header; refuse to write anywhere
    # else (a debug build with a different layout): better the old crash than a corrupted object.
    cells = [ctypes.c_ssize_t.from_address(id(obj)) for obj in (None, True, False)]
    if any(abs(cell.value - sys.getrefcount(obj)) > 8 for cell, obj in zip(cells, (None, True, False), strict=False)):
        _state["installed"] = False
        return False
    for cell in cells:
        cell.value += HEADROOM
    _state["installed"] = True
    return True

