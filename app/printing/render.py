"""PDF renderers: an A4 invoice and an 80 mm receipt, both drawn from one `InvoiceDocument`.

The drawing lives in `pdf_invoice` and `pdf_receipt`, which share `pdf_style` (ink, paragraph
styles, money) and `totals_block` (the totals and payment rows); callers keep importing from here.
"""

from __future__ import annotations

from app.printing.pdf_invoice import render_invoice_a4
from app.printing.pdf_receipt import RECEIPT_WIDTH, render_receipt

__all__ = ["RECEIPT_WIDTH", "render_invoice_a4", "render_receipt"]
