"""The draft-order editor, one module per section a clerk sees: customer (with region and sales
channel), line items, shipping and promo codes, addresses; `editor` composes them."""

from .editor import PRINT_TOOLTIP, DraftEditor

__all__ = ["DraftEditor", "PRINT_TOOLTIP"]
