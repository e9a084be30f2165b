"""The embedded Unicode fonts: DejaVu from the `resources` package, registered once per process.

reportlab's built-in Helvetica has no glyph for letters like 'Ł' or 'ż', so every renderer draws
with these TrueType faces; reportlab embeds a subset of each into the PDF (/FontFile2).
"""

from __future__ import annotations

import io
import threading
from importlib import resources

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

SANS = "TilldeskSans"
SANS_BOLD = "TilldeskSans-Bold"
MONO = "TilldeskMono"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    MONO: "DejaVuSansMono.ttf",
}

# Rendering may run on a worker thread; two first prints at once must not register twice.
_lock = threading.Lock()
_registered = False


def font_bytes(file_name: str) -> bytes:
    """The bytes of a bundled font, wherever the `resources` package lives (folder or zip)."""
    # One name per joinpath: a frozen bundle gives a MultiplexedPath, which takes only one.
    return resources.files("resources").joinpath("fonts").joinpath(file_name).read_bytes()


def register_fonts() -> None:
    """Register the Tilldesk faces with reportlab (idempotent, thread-safe)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for face, file_name in _FILES.items():
            pdfmetrics.registerFont(TTFont(face, io.BytesIO(font_bytes(file_name))))
        # Lets <b> inside a Paragraph pick the bold face.
        addMapping(SANS, 0, 0, SANS)
        addMapping(SANS, 1, 0, SANS_BOLD)
        addMapping(SANS, 0, 1, SANS)
        addMapping(SANS, 1, 1, SANS_BOLD)
        _registered = True


__all__ = ["MONO", "SANS", "SANS_BOLD", "font_bytes", "register_fonts"]
