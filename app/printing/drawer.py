"""The cash drawer: it hangs off the receipt printer and opens on an ESC/POS pulse."""

from __future__ import annotations

DRAWER_PINS = (2, 5)


def drawer_pulse_bytes(pin: int = 2) -> bytes:
    """ESC p m t1 t2 for the drawer on connector pin 2 (most drawers) or 5 (a second drawer),
    built by python-escpos's Dummy printer so the bytes are the ones its printers send."""
    if pin not in DRAWER_PINS:
        raise ValueError(f"drawer pin must be 2 or 5, not {pin}")
    from escpos.printer import Dummy  # loads the capability file: only when a drawer opens

    p = Dummy()
    p.cashdraw(pin)
    return bytes(p.output)
