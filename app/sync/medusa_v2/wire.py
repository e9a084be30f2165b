"""The Medusa v2 wire format: exact JSON, query parameters, and what an HTTP answer means.

* Money stays exact. Medusa v2 sends unrounded decimal totals (``41.0201``), so responses
  are parsed with ``parse_float=Decimal`` and request bodies are written by our own
  serializer that turns ``Decimal`` into a plain JSON number (``12.5``), never a float
  and never a quoted string.
* Every failure becomes one of the errors in :mod:`app.sync.errors`, which say whether a
  retry may help and whether the request may already have been carried out.
"""

from __future__ import annotations

import math
import ssl
import threading
import time
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from app import jsonio
from app.sync.errors import (
    AuthenticationFailed,
    BackendError,
    BackendTimeout,
    BackendUnreachable,
    InvalidResponse,
    MedusaRequestError,
    MedusaServerError,
    NotMedusa,
    TLSError,
)

__all__ = ["dumps_json", "loads_json", "tilldesk_version", "transport_error", "decode", "iso", "seg",
           "clean_params", "unwrap", "require", "ServerClock"]

JSONParams = Mapping[str, Any]


def tilldesk_version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("tilldesk")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


# --------------------------------------------------------------------------- JSON


def dumps_json(obj: Any) -> str:
    """Serialize a request body; ``Decimal('12.50')`` becomes the JSON number ``12.50``."""
    return jsonio.dumps(obj, compact=True)


def loads_json(data: str | bytes) -> Any:
    """Parse a response body keeping every fractional number as an exact ``Decimal``."""
    return jsonio.loads(data)


def iso(value: datetime | date | str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            # A naive time would be read by the server in its own zone; Tilldesk keeps UTC.
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    return value.isoformat()


def _looks_like_html(body: bytes, content_type: str) -> bool:
    if "html" in content_type:
        return True
    head = body[:512].lstrip().lower()
    return head.startswith(b"<!doctype") or head.startswith(b"<html") or head.startswith(b"<")


def _is_tls_problem(exc: BaseException) -> bool:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ssl.SSLError | ssl.CertificateError):
            return True
        text = str(cur)
        if "CERTIFICATE_VERIFY_FAILED" in text or "[SSL" in text or "SSL:" in text:
            return True
        cur = cur.__cause__ or cur.__context__
    return False


def _is_cert_problem(exc: BaseException) -> bool:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ssl.SSLCertVerificationError | ssl.CertificateError):
            return True
        if "CERTIFICATE_VERIFY_FAILED" in str(cur):
            return True
        cur = cur.__cause__ or cur.__context__
    return False


# --------------------------------------------------------------------------- answers


def transport_error(exc: httpx.HTTPError, base_url: str) -> BackendError:
    """The plain-words error for a request that got no HTTP answer."""
    where = base_url
    detail = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return BackendTimeout(
            f"The shop server at {where} did not answer in time (no connection). "
            "Tilldesk will try again later.",
            detail=detail,
            not_sent=True,
        )
    if isinstance(exc, httpx.TimeoutException):
        return BackendTimeout(
            f"The shop server at {where} took too long to answer. The last change may or "
            "may not have been saved there; Tilldesk will check before sending it again.",
            detail=detail,
            outcome_unknown=True,
        )
    if isinstance(exc, httpx.ConnectError):
        if _is_tls_problem(exc):
            if _is_cert_problem(exc):
                msg = (
                    f"The shop server at {where} presented a certificate that cannot be "
                    "trusted (expired, self-signed or for another name). Ask whoever runs "
                    "the server to fix the certificate."
                )
            else:
                msg = (
                    f"A secure connection to {where} could not be set up. Check that the "
                    "address is right (https:// against a server without HTTPS fails)."
                )
            return TLSError(msg, detail=detail)
        return BackendUnreachable(
            f"Cannot reach the shop server at {where}. Check the network connection and "
            "the server address. Tilldesk keeps working offline and will try again.",
            detail=detail,
            not_sent=True,
        )
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return NotMedusa(f"The server address {where} cannot be used: {exc}", detail=detail)
    if isinstance(exc, httpx.TransportError):
        # ReadError, WriteError, RemoteProtocolError ("server disconnected without
        # sending a response"), ProxyError: the request may already be on the server.
        return BackendUnreachable(
            f"The connection to the shop server at {where} was lost before it answered. "
            "The last change may or may not have been saved there; Tilldesk will check "
            "before sending it again.",
            detail=detail,
            outcome_unknown=True,
        )
    return BackendUnreachable(
        f"Talking to the shop server at {where} failed.", detail=detail, outcome_unknown=True
    )

def _parse_body(response: httpx.Response, base_url: str) -> Any:
    body = response.content
    content_type = response.headers.get("content-type", "").lower()
    if "json" not in content_type and _looks_like_html(body, content_type):
        raise NotMedusa(
            f"Something answers at {base_url}, but with a web page instead of the "
            "Medusa API. Check the server address in Settings.",
            detail=f"HTTP {response.status_code} {content_type or 'no content type'}",
        )
    try:
        return loads_json(body)
    except (ValueError, UnicodeDecodeError) as exc:
        if "json" in content_type:
            raise InvalidResponse(
                "The shop server sent an answer that could not be read (broken data). "
                "Tilldesk will try again later.",
                detail=f"HTTP {response.status_code}: {exc}",
                outcome_unknown=True,
            ) from exc
        raise NotMedusa(
            f"Something answers at {base_url}, but not like a Medusa server. "
            "Check the server address in Settings.",
            detail=f"HTTP {response.status_code} {content_type or 'no content type'}: {exc}",
        ) from exc

def decode(response: httpx.Response, base_url: str) -> dict[str, Any]:
    """The JSON object of a 2xx answer (``{}`` when empty), or the error the answer means."""
    status = response.status_code
    if 200 <= status < 300:
        if status == 204 or not response.content.strip():
            return {}
        data = _parse_body(response, base_url)
        if not isinstance(data, dict):
            raise NotMedusa(
                f"The server at {base_url} answered in an unexpected form. "
                "Check the server address in Settings.",
                detail=f"HTTP {status}: top-level JSON is {type(data).__name__}",
            )
        return data
    if status in (401, 403):
        raise AuthenticationFailed(status=status, detail=f"HTTP {status} for {response.request.url.path}")
    if 300 <= status < 400:
        target = response.headers.get("location", "another address")
        raise NotMedusa(
            f"The server at {base_url} redirects to {target}. Enter that address "
            "in Settings instead.",
            detail=f"HTTP {status}",
        )
    # 4xx and 5xx: Medusa explains itself in {"type": ..., "message": ...}.
    try:
        data = _parse_body(response, base_url) if response.content.strip() else None
    except NotMedusa:
        if status >= 500:
            # A proxy's error page in front of Medusa: still a server-side failure.
            raise MedusaServerError(status, detail="non-JSON error page", outcome_unknown=True) from None
        raise
    except InvalidResponse:
        data = None
    err_type = data.get("type") if isinstance(data, dict) else None
    message = data.get("message") if isinstance(data, dict) else None
    if message is not None and not isinstance(message, str):
        message = str(message)
    if err_type is not None and not isinstance(err_type, str):
        err_type = str(err_type)
    if status >= 500:
        raise MedusaServerError(
            status, message, type=err_type, detail=f"HTTP {status}", outcome_unknown=True
        )
    if status == 404 and not isinstance(data, dict):
        raise NotMedusa(
            f"The server at {base_url} has no Medusa Admin API at this address. "
            "Check the server address in Settings.",
            detail=f"HTTP 404 for {response.request.url.path}",
        )
    raise MedusaRequestError(status, err_type, message, detail=f"HTTP {status} for {response.request.url.path}")


# --------------------------------------------------------------------------- helpers


def seg(value: str) -> str:
    """One path segment: Medusa ids are ``prefix_ULID``; refuse anything that could change the path."""
    if not value or any(c in value for c in "/?#%") or value in (".", ".."):
        raise ValueError(f"invalid id {value!r}")
    return value


def clean_params(params: JSONParams | None) -> dict[str, Any] | None:
    if not params:
        return None
    out: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, datetime | date):
            out[key] = iso(value)
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError(f"parameter {key} is not finite")
            out[key] = repr(value)
        elif isinstance(value, Decimal):
            out[key] = format(value, "f")
        elif isinstance(value, list | tuple):
            out[key] = [str(v) for v in value]
        else:
            out[key] = value
    return out


def unwrap(data: dict[str, Any], key: str) -> dict[str, Any]:
    # The step already succeeded (2xx); a surprising shape must not make the sync engine
    # think it failed and send it again, so fall back to the whole body.
    inner = data.get(key)
    return inner if isinstance(inner, dict) else data


def require(data: dict[str, Any], key: str, base_url: str) -> dict[str, Any]:
    inner = data.get(key)
    if not isinstance(inner, dict):
        raise NotMedusa(
            f"The server at {base_url} answered in an unexpected form.",
            detail=f"no '{key}' object in the answer",
        )
    return inner


class ServerClock:
    """The server's clock as its answers tell it (the HTTP ``Date`` header), so a search for what
    the server made after a moment is bounded by the server's own time, not the till's: a till's
    clock may be hours off, the server's answers are not.

    ``now()`` is the last ``Date`` seen plus the time that passed here since (monotonic), or None
    before any answer. ``Date`` has whole seconds and is cut down, never rounded up, so the
    estimate is at most a second early, which is the safe side for a lower bound."""

    def __init__(self) -> None:
        self._seen: tuple[datetime, float] | None = None
        self._lock = threading.Lock()

    def note(self, response: httpx.Response) -> None:
        header = response.headers.get("date")
        if not header:
            return
        try:
            when = parsedate_to_datetime(header)
        except (TypeError, ValueError, IndexError):
            return
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        with self._lock:
            self._seen = (when.astimezone(UTC), time.monotonic())

    def now(self) -> datetime | None:
        with self._lock:
            if self._seen is None:
                return None
            when, at = self._seen
        return when + timedelta(seconds=max(0.0, time.monotonic() - at))
