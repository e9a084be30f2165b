"""The invoice's line table, drawn row by row with widths known up front.

reportlab's LongTable is general (spans, styles per cell range, nested flowables) and pays for it
on every cell, several times per render: on a 50-line invoice its bookkeeping took longer than
drawing the text. This table does only what the invoice's table does, the way that table did it:
a shaded header row repeated on every page, a rule under the header and a hairline under each
row, the same padding on every side, each cell's text at the top of its row; a page break falls
between rows, never inside one.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable

from app.printing.text import Text


class LineTable(Flowable):
    def __init__(
        self,
        header: Sequence[Text],
        rows: Sequence[Sequence[Text]],
        widths: Sequence[float],
        *,
        padding: float,
        head_background: Color,
        head_rule: tuple[float, Color],
        row_rule: tuple[float, Color],
        heights: Sequence[float] | None = None,
    ) -> None:
        super().__init__()
        if any(len(row) != len(widths) for row in (header, *rows)):
            raise ValueError("every row of the line table needs one cell per column")
        self.header = list(header)
        self.rows = [list(row) for row in rows]
        self.widths = list(widths)
        self.padding = padding
        self.head_background = head_background
        self.head_rule = head_rule
        self.row_rule = row_rule
        self._heights: list[float] | None = list(heights) if heights is not None else None
        self.width = sum(self.widths)
        self.height = 0.0

    def _row_height(self, row: Sequence[Text]) -> float:
        pad = self.padding
        return max(cell.wrap(width - 2 * pad, 1e6)[1] for cell, width in zip(row, self.widths, strict=True)) + 2 * pad

    def _all_heights(self) -> list[float]:
        """Header first, then one per row; measured once (a page split reuses them)."""
        if self._heights is None:
            self._heights = [self._row_height(row) for row in (self.header, *self.rows)]
        return self._heights

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.height = sum(self._all_heights())
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        heights = self._all_heights()
        used = heights[0]
        fit = 0
        for height in heights[1:]:
            if used + height > available_height:
                break
            used += height
            fit += 1
        if fit == 0:
            return []  # not even one row under the header: the whole table moves on
        if fit == len(self.rows):
            return [self]
        head, body = heights[0], heights[1:]

        def part(rows: list[list[Text]], row_heights: list[float]) -> LineTable:
            return LineTable(self.header, rows, self.widths, padding=self.padding,
                             head_background=self.head_background, head_rule=self.head_rule,
                             row_rule=self.row_rule, heights=[head, *row_heights])

        return [part(self.rows[:fit], body[:fit]), part(self.rows[fit:], body[fit:])]

    def draw(self) -> None:
        canvas = self.canv
        heights = self._all_heights()
        pad = self.padding
        lefts = [sum(self.widths[:i]) for i in range(len(self.widths))]
        canvas.saveState()
        top = sum(heights)
        canvas.setFillColor(self.head_background)
        canvas.rect(0, top - heights[0], self.width, heights[0], stroke=0, fill=1)
        rule_ys = []
        # One text object for the whole table: drawString makes one per string, and a table
        # moves and restores the graphics state for each cell; both cost more than the strings.
        text = canvas.beginText()
        pen: list[object] = [None, None, None]
        for row, height in zip((self.header, *self.rows), heights, strict=True):
            for cell, left, width in zip(row, lefts, self.widths, strict=True):
                _w, cell_height = cell.wrap(width - 2 * pad, 1e6)
                x, y = left + pad, top - pad - cell_height
                if not cell.write(text, x, y, pen):
                    # Rare (a word wider than its column): the Paragraph draws it, in order.
                    canvas.drawText(text)
                    cell.drawOn(canvas, x, y)
                    text = canvas.beginText()
                    pen = [None, None, None]
            top -= height
            rule_ys.append(top)
        canvas.drawText(text)
        # The rules go on last, over the cells, as a table draws its lines after its content.
        weight, color = self.head_rule
        canvas.setStrokeColor(color)
        canvas.setLineWidth(weight)
        canvas.line(0, rule_ys[0], self.width, rule_ys[0])
        weight, color = self.row_rule
        canvas.setStrokeColor(color)
        canvas.setLineWidth(weight)
        for y in rule_ys[1:]:
            canvas.line(0, y, self.width, y)
        canvas.restoreState()


__all__ = ["LineTable"]
