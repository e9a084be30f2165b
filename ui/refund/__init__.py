"""The window side of refunds: the Refund dialog, the order view's refunds list, credit notes."""

from .controller import RefundUi

__all__ = ["RefundUi"]
