"""Plain text cells drawn straight onto the canvas: the look of a reportlab Paragraph without its
mark-up parser.

A Paragraph parses its text as XML-like mark-up and breaks it into styled fragments on every wrap;
on an invoice of plain names and amounts that was most of the render time. `Text` takes lines of
already plain text, each in one face, size and colour (or a few such runs on one line), measures
them with the font's own widths, and draws them where a Paragraph of the same style would: first
baseline `fontSize` below the top, then one `leading` per line, aligned left, centre or right within
the width the table or frame gives it. Text that needs more than that (a run of several faces that
must wrap, a word wider than its cell) falls back to a real Paragraph, so nothing is ever cut off.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable, Paragraph

from app.printing.fonts import SANS_BOLD
from app.printing.pdf_style import safe_text


class Run:
    """A piece of one line in one face, size and colour, measured once."""

    __slots__ = ("color", "font", "size", "text", "width")

    def __init__(self, text: str, font: str, size: float, color: Color) -> None:
        self.text = text
        self.font = font
        self.size = size
        self.color = color
        self.width: float = stringWidth(text, font, size)


def run(text: str, style: ParagraphStyle) -> Run:
    # A Paragraph collapses runs of white space and drops it at either end: so does this.
    return Run(" ".join(text.split()), style.fontName, style.fontSize, style.textColor)


def bold(text: str, style: ParagraphStyle) -> Run:
    """`<b>text</b>` in `style`: the bold face (the mapping `fonts.register_fonts` sets up)."""
    return Run(" ".join(text.split()), SANS_BOLD, style.fontSize, style.textColor)


class Text(Flowable):
    """Lines of plain text in `style`'s leading and alignment; each line a run or a few runs."""

    def __init__(self, lines: Sequence[Sequence[Run]], style: ParagraphStyle) -> None:
        super().__init__()
        self._lines = [list(line) for line in lines if any(r.text for r in line)]
        self.style = style
        self._laid: list[tuple[list[Run], float]] = []
        self._fallback: Paragraph | None = None
        self._laid_for: float | None = None
        self.width = 0.0
        self.height = 0.0

    @classmethod
    def one(cls, text: str, style: ParagraphStyle) -> Text:
        return cls([[run(text, style)]], style)

    @classmethod
    def of_lines(cls, lines: Sequence[str], style: ParagraphStyle) -> Text:
        """One line per non-empty text, as `lines_markup` joined them with <br/>."""
        return cls([[run(line, style)] for line in lines if line], style)

    def _layout(self, width: float) -> bool:
        laid: list[tuple[list[Run], float]] = []
        for line in self._lines:
            total = sum(r.width for r in line)
            if total <= width + 1e-6:
                laid.append((line, total))
                continue
            if len(line) != 1:
                return False
            only = line[0]
            # A Paragraph breaks at spaces and splits a word only when it alone is too wide.
            if any(stringWidth(word, only.font, only.size) > width for word in only.text.split()):
                return False
            for part in simpleSplit(only.text, only.font, only.size, width):
                piece = Run(part, only.font, only.size, only.color)
                laid.append(([piece], piece.width))
        self._laid = laid
        return True

    def _paragraph(self) -> Paragraph:
        def markup(r: Run) -> str:
            return f'<font name="{r.font}" size="{r.size}" color="{r.color.hexval()}">{safe_text(r.text)}</font>'

        return Paragraph("<br/>".join("".join(markup(r) for r in line) for line in self._lines), self.style)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        # A table asks each cell's size several times (rows' heights, then drawing, then again
        # for a page split) at the same width: lay out once per width.
        if self._laid_for == available_width:
            return available_width, self.height
        self._laid_for = available_width
        if self._layout(available_width):
            self._fallback = None
            self.height = len(self._laid) * self.style.leading
            return available_width, self.height
        self._fallback = self._paragraph()
        width, self.height = self._fallback.wrap(available_width, available_height)
        return width, self.height

    def draw(self) -> None:
        if self._fallback is not None:
            self._fallback.drawOn(self.canv, 0, 0)
            return
        if not self._laid:
            return
        canvas = self.canv
        style = self.style
        y = self.height - self._laid[0][0][0].size
        for line, line_width in self._laid:
            if style.alignment == TA_RIGHT:
                x = self.width - line_width
            elif style.alignment == TA_CENTER:
                x = (self.width - line_width) / 2
            else:
                x = 0.0
            for piece in line:
                canvas.setFont(piece.font, piece.size)
                canvas.setFillColor(piece.color)
                canvas.drawString(x, y, piece.text)
                x += piece.width
            y -= style.leading

    def write(self, text: PDFTextObject, x: float, y: float, pen: list[object]) -> bool:
        """Adds the laid-out lines to a text object shared by many cells, at (x, y) as the cell's
        bottom-left corner, after `wrap`; `pen` carries the face, size and colour the text object
        has now, so a table of cells sets each only when it changes. False: a Paragraph must
        draw this one (`drawOn`)."""
        if self._fallback is not None:
            return False
        if not self._laid:
            return True
        align = self.style.alignment
        leading = self.style.leading
        baseline = y + self.height - self._laid[0][0][0].size
        for line, line_width in self._laid:
            if align == TA_RIGHT:
                left = x + self.width - line_width
            elif align == TA_CENTER:
                left = x + (self.width - line_width) / 2
            else:
                left = x
            for piece in line:
                if pen[0] != piece.font or pen[1] != piece.size:
                    text.setFont(piece.font, piece.size)
                    pen[0], pen[1] = piece.font, piece.size
                if pen[2] is not piece.color:
                    text.setFillColor(piece.color)
                    pen[2] = piece.color
                text.setTextOrigin(left, baseline)
                text.textOut(piece.text)
                left += piece.width
            # End each line as drawString does (T*): text extraction reads it as a line break,
            # which keeps the cells of a row apart when they share a baseline.
            text.textLine()
            baseline -= leading
        return True

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        # Cells are never split across pages (the table splits between rows); a frame asking to
        # split a long block gets the Paragraph's own answer.
        return self._paragraph().split(available_width, available_height)


__all__ = ["Run", "Text", "bold", "run"]
