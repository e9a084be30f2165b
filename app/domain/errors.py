"""Domain errors. Each carries the field it concerns, so the edges can point at it."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the shop was broken; the message is meant for shop staff."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InvalidValue(DomainError):
    """A value is out of range or malformed."""


class NotFound(DomainError):
    """Something referred to by id, SKU, barcode or code does not exist."""


class InvalidTransition(DomainError):
    """A lifecycle step the current status does not allow."""


class DraftNotOpen(InvalidTransition):
    """A completed or canceled draft cannot be edited."""


class InsufficientPayment(DomainError):
    """The tenders do not cover the amount due."""


class AlreadyPaid(InvalidTransition):
    """Mark Paid was asked for a draft that is already paid."""
