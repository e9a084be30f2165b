"""Where the shop server's API key lives: the environment first, then the OS keyring.

The key is a Medusa *secret* API key: it opens the whole admin API of the shop, so it is
never written to a settings file, never logged, and never stored in a plaintext keyring
(``keyrings.alt``'s file backends only base64 it). A headless till with no keyring gets a
clear message telling staff to use ``TILLDESK_MEDUSA_API_KEY`` instead.

Entries are stored under service ``tilldesk`` with the normalised backend URL as user name,
so one machine can hold keys for a test and a live shop.
"""

from __future__ import annotations

import os

from app.sync.config import normalize_base_url
from app.sync.errors import ApiKeyMissing, BackendError, NoKeyringAvailable

__all__ = [
    "ENV_VAR",
    "KEYRING_SERVICE",
    "KeyringFailed",
    "get_api_key",
    "require_api_key",
    "set_api_key",
    "delete_api_key",
    "api_key_source",
]

ENV_VAR = "TILLDESK_MEDUSA_API_KEY"
KEYRING_SERVICE = "tilldesk"

# Backends that keep secrets readable on disk; refusing them is the "never plaintext" rule.
_INSECURE_BACKEND_MARKERS = ("keyrings.alt.file", "PlaintextKeyring", "keyring.backends.null")


class KeyringFailed(BackendError):
    """The keyring exists but refused (locked, access denied, D-Bus error)."""

    transient = False
    not_sent = True


def _env_key() -> str | None:
    value = os.environ.get(ENV_VAR, "").strip()
    return value or None


def _backend():
    """The active keyring backend, refusing missing or plaintext ones."""
    import keyring  # when a key is first asked for: not on the way to the first frame
    import keyring.errors

    try:
        backend = keyring.get_keyring()
    except keyring.errors.KeyringError as exc:  # pragma: no cover - depends on the OS
        raise NoKeyringAvailable(detail=f"{type(exc).__name__}: {exc}") from exc
    members = getattr(backend, "backends", None) or [backend]
    names = [f"{type(b).__module__}.{type(b).__qualname__}" for b in members]
    if any(marker in name for name in names for marker in _INSECURE_BACKEND_MARKERS):
        raise NoKeyringAvailable(detail="refusing plaintext keyring backend: " + ", ".join(names))
    return backend


def _call(fn, *args):
    import keyring.errors

    try:
        return fn(*args)
    except keyring.errors.NoKeyringError as exc:
        raise NoKeyringAvailable(detail=f"{type(exc).__name__}: {exc}") from exc
    except keyring.errors.PasswordDeleteError:
        raise
    except keyring.errors.KeyringError as exc:
        raise KeyringFailed(
            f"The computer's keyring refused to give Tilldesk the API key ({type(exc).__name__}). "
            f"Unlock the keyring or set {ENV_VAR}.",
            detail=str(exc),
        ) from exc


def get_api_key(url: str) -> str | None:
    """The API key for this backend, or None when none is stored.

    Raises :class:`NoKeyringAvailable` when the environment has no key and the machine has no
    usable keyring: "nothing stored" and "cannot look" are different answers for staff.
    """
    env = _env_key()
    if env:
        return env
    user = normalize_base_url(url)
    backend = _backend()
    value = _call(backend.get_password, KEYRING_SERVICE, user)
    return value or None


def require_api_key(url: str) -> str:
    key = get_api_key(url)
    if not key:
        raise ApiKeyMissing(
            "No API key is stored for the shop server. Enter it in Settings "
            f"(or set {ENV_VAR})."
        )
    return key


def api_key_source(url: str) -> str:
    """``"environment"``, ``"keyring"`` or ``"none"``, for the settings dialog to explain itself."""
    if _env_key():
        return "environment"
    try:
        return "keyring" if get_api_key(url) else "none"
    except BackendError:
        return "none"


def set_api_key(url: str, key: str) -> None:
    """Store the key in the OS keyring. Never falls back to a file."""
    if not key or not key.strip():
        raise ValueError("The API key is empty.")
    user = normalize_base_url(url)
    backend = _backend()
    _call(backend.set_password, KEYRING_SERVICE, user, key.strip())


def delete_api_key(url: str) -> bool:
    """Forget the stored key. Returns False when there was none. The environment is not touched."""
    import keyring.errors

    user = normalize_base_url(url)
    backend = _backend()
    try:
        _call(backend.delete_password, KEYRING_SERVICE, user)
    except keyring.errors.PasswordDeleteError:
        return False
    return True
