"""The shop server settings, whatever its kind. The API key is deliberately not here
(see ``app.sync.secrets``)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["BackendConfig", "normalize_base_url", "insecure_transport", "DEFAULT_KIND", "DEFAULT_PAGE_SIZE"]

#: The kind a till uses when its settings name none (every till before the setting was read).
DEFAULT_KIND = "medusa-v2"
DEFAULT_PAGE_SIZE = 100


def normalize_base_url(url: str) -> str:
    """Validate a shop server address and return it without a trailing slash.

    Only http/https; no user name or password in the URL (the key belongs in the keyring,
    and a URL ends up in logs and settings files); no query or fragment.
    Raises ``ValueError`` with a message that can be shown next to the field.
    """
    if not isinstance(url, str) or not url.strip():
        raise ValueError("The server address is empty.")
    raw = url.strip()
    if any(c.isspace() for c in raw):
        raise ValueError("The server address must not contain spaces.")
    if "\\" in raw:
        raise ValueError("The server address must not contain a backslash (\\); use / between parts.")
    if any(ord(c) < 32 or ord(c) == 127 for c in raw):
        raise ValueError("The server address must not contain control characters.")
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ValueError("The server address must start with http:// or https://.")
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise ValueError(
            "The server address must not contain a user name or password; "
            "enter the API key in its own field."
        )
    if not parts.hostname:
        raise ValueError("The server address has no host name.")
    if parts.query or parts.fragment:
        raise ValueError("The server address must not contain '?' or '#' parts.")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError("The server address has an invalid port number.") from exc
    if port == 0:
        raise ValueError("The server address has port 0, which no server listens on.")
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    path = parts.path.rstrip("/")
    return f"{scheme}://{netloc}{path}"


class BackendConfig(BaseModel):
    """Where the shop server is and which kind of server it is (``app.sync.registry`` knows the kinds)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(description="Base address of the shop server, e.g. https://shop.example.com")
    kind: str = DEFAULT_KIND
    timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    page_size: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, le=1000)

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        return normalize_base_url(value)

    @property
    def insecure_transport(self) -> bool:
        """True for plain http to another machine: the API key would cross the network readable."""
        return insecure_transport(self.url)


def insecure_transport(url: str) -> bool:
    """True for plain http to another machine: the API key would cross the network readable."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return False
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True
