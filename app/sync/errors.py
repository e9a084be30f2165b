"""What can go wrong when Tilldesk talks to the shop server, in words shop staff understand.

Every error answers two questions the sync engine must decide on:

* ``transient``: worth trying again later by itself (network gone, server busy), or does a
  person have to fix something first (wrong key, wrong address, request refused)?
* ``outcome_unknown``: may the request have reached the server and been carried out even
  though we saw no answer? Medusa ignores ``Idempotency-Key`` on the routes we use, so a
  create whose outcome is unknown must be looked up (``find_by_local_id``) before it is
  sent again, or the shop gets a duplicate order. ``not_sent`` is the opposite certainty:
  the connection was never made, so re-sending is always safe.

``str(error)`` is the plain-words message for the status bar or a dialog; ``detail`` keeps the
technical cause for the log. Neither ever contains the API key.
"""

from __future__ import annotations

__all__ = [
    "BackendError",
    "BackendUnreachable",
    "BackendTimeout",
    "TLSError",
    "AuthenticationFailed",
    "InvalidResponse",
    "NotMedusa",
    "MedusaRequestError",
    "MedusaServerError",
    "NoKeyringAvailable",
    "ApiKeyMissing",
    "UnknownBackendKind",
]


class BackendError(Exception):
    """Base of every shop-server problem."""

    #: Defaults per class; an instance may override them (see ``__init__``).
    transient: bool = True
    outcome_unknown: bool = False
    not_sent: bool = False

    def __init__(
        self,
        message: str,
        *,
        detail: str | None = None,
        transient: bool | None = None,
        outcome_unknown: bool | None = None,
        not_sent: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        if transient is not None:
            self.transient = transient
        if outcome_unknown is not None:
            self.outcome_unknown = outcome_unknown
        if not_sent is not None:
            self.not_sent = not_sent
        if self.not_sent and self.outcome_unknown:
            raise ValueError("an error cannot be both 'not sent' and 'outcome unknown'")

    @property
    def permanent(self) -> bool:
        return not self.transient

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, detail={self.detail!r}, "
            f"transient={self.transient}, outcome_unknown={self.outcome_unknown}, "
            f"not_sent={self.not_sent})"
        )


class BackendUnreachable(BackendError):
    """No connection: name not found, refused, reset, network down, or dropped mid-request."""

    transient = True


class BackendTimeout(BackendError):
    """The server did not answer in time. After the request was sent its outcome is unknown."""

    transient = True


class TLSError(BackendError):
    """The server's certificate could not be trusted. Verification is never switched off, so
    this needs a person: fix the certificate or the address; retrying will not help."""

    transient = False
    not_sent = True


class AuthenticationFailed(BackendError):
    """401/403: the API key was refused (wrong, revoked, or lacking rights)."""

    transient = False

    def __init__(self, message: str | None = None, *, status: int = 401, detail: str | None = None):
        super().__init__(
            message
            or "The shop server refused the API key. Check the key in Settings "
            "(it may have been revoked or mistyped).",
            detail=detail,
        )
        self.status = status


class InvalidResponse(BackendError):
    """The server answered, but the answer could not be read (broken or truncated JSON)."""

    transient = True


class NotMedusa(InvalidResponse):
    """Something answers at that address, but not like a Medusa server does: a web page,
    plain text, a redirect or JSON of the wrong shape. Usually a wrong address in Settings."""

    transient = False


class MedusaRequestError(BackendError):
    """A 4xx with Medusa's error body ``{"type", "message"}``: the server refused this request.

    The server did not carry it out, so the outcome is known; whether trying again helps
    depends on the status (409 conflict, 429 too many requests and 408 are transient)."""

    transient = False

    _TRANSIENT_STATUSES = frozenset({408, 409, 423, 429})

    def __init__(
        self,
        status: int,
        type: str | None,  # noqa: A002 - Medusa's own field name
        message: str | None,
        *,
        detail: str | None = None,
    ) -> None:
        self.status = status
        self.type = type
        self.server_message = message
        text = message or f"request refused (HTTP {status})"
        super().__init__(
            f"The shop server refused the request: {text}",
            detail=detail,
            transient=status in self._TRANSIENT_STATUSES,
        )


class MedusaServerError(BackendError):
    """A 5xx: the server (or a proxy in front of it) failed. Usually passes; for a request
    that changes something, the outcome is unknown because the server may have done part of it."""

    transient = True

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        type: str | None = None,  # noqa: A002
        detail: str | None = None,
        outcome_unknown: bool = False,
    ) -> None:
        self.status = status
        self.type = type
        self.server_message = message
        text = f"The shop server had a problem (HTTP {status})"
        if message:
            text += f": {message}"
        super().__init__(
            text + ". Tilldesk will try again later.",
            detail=detail,
            outcome_unknown=outcome_unknown,
        )


class ApiKeyMissing(BackendError):
    """No API key is stored for this shop server."""

    transient = False
    not_sent = True


class NoKeyringAvailable(BackendError):
    """This machine has no keyring (typical on a headless till) and no key in the environment.

    Tilldesk never falls back to a plaintext file: the key opens the whole shop's admin API."""

    transient = False
    not_sent = True

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(
            "No keyring available on this computer; set TILLDESK_MEDUSA_API_KEY "
            "in the environment to give Tilldesk the shop server's API key.",
            detail=detail,
        )


class UnknownBackendKind(BackendError):
    """The settings name a kind of shop server this Tilldesk has no backend for."""

    transient = False
    not_sent = True
