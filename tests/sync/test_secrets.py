"""The API key store: environment first, then the keyring; never a plaintext file."""

from __future__ import annotations

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest

from app.sync import secrets
from app.sync.errors import ApiKeyMissing, NoKeyringAvailable

URL = "https://shop.example.test"


class MemoryKeyring(keyring.backend.KeyringBackend):
    """An in-process keyring for tests."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        try:
            del self.store[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError("not found") from None


class LockedKeyring(MemoryKeyring):
    def get_password(self, service, username):
        raise keyring.errors.KeyringLocked("the collection is locked")


@pytest.fixture
def memory_keyring(monkeypatch):
    monkeypatch.delenv(secrets.ENV_VAR, raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring(monkeypatch):
    monkeypatch.delenv(secrets.ENV_VAR, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_set_get_delete_round_trip_under_normalised_url(memory_keyring):
    secrets.set_api_key(URL + "/", "sk_live_1")
    assert memory_keyring.store == {("tilldesk", URL): "sk_live_1"}
    assert secrets.get_api_key("HTTPS://shop.example.test") == "sk_live_1"
    assert secrets.api_key_source(URL) == "keyring"
    assert secrets.delete_api_key(URL) is True
    assert secrets.get_api_key(URL) is None
    assert secrets.delete_api_key(URL) is False
    with pytest.raises(ApiKeyMissing):
        secrets.require_api_key(URL)


def test_keys_for_two_servers_are_kept_apart(memory_keyring):
    secrets.set_api_key("https://test.example.test", "sk_test")
    secrets.set_api_key("https://live.example.test", "sk_live")
    assert secrets.get_api_key("https://test.example.test") == "sk_test"
    assert secrets.get_api_key("https://live.example.test") == "sk_live"


def test_environment_wins_over_keyring(memory_keyring, monkeypatch):
    secrets.set_api_key(URL, "sk_from_keyring")
    monkeypatch.setenv(secrets.ENV_VAR, "  sk_from_env \n")
    assert secrets.get_api_key(URL) == "sk_from_env"
    assert secrets.api_key_source(URL) == "environment"
    monkeypatch.setenv(secrets.ENV_VAR, "")
    assert secrets.get_api_key(URL) == "sk_from_keyring"


def test_environment_works_without_any_keyring(no_keyring, monkeypatch):
    monkeypatch.setenv(secrets.ENV_VAR, "sk_env_only")
    assert secrets.get_api_key(URL) == "sk_env_only"


def test_no_keyring_says_so_and_names_the_variable(no_keyring, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NoKeyringAvailable) as info:
        secrets.get_api_key(URL)
    assert "no keyring available" in str(info.value).lower()
    assert "TILLDESK_MEDUSA_API_KEY" in str(info.value)
    with pytest.raises(NoKeyringAvailable):
        secrets.set_api_key(URL, "sk_should_not_be_written")
    assert secrets.api_key_source(URL) == "none"
    # Nothing was written next to us as a fallback.
    assert list(tmp_path.iterdir()) == []


def test_plaintext_backends_are_refused(monkeypatch):
    monkeypatch.delenv(secrets.ENV_VAR, raising=False)

    class PlaintextKeyring(MemoryKeyring):
        pass

    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        with pytest.raises(NoKeyringAvailable):
            secrets.set_api_key(URL, "sk_x")
    finally:
        keyring.set_keyring(previous)


def test_locked_keyring_is_reported(monkeypatch):
    monkeypatch.delenv(secrets.ENV_VAR, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(LockedKeyring())
    try:
        with pytest.raises(secrets.KeyringFailed) as info:
            secrets.get_api_key(URL)
        assert secrets.ENV_VAR in str(info.value)
    finally:
        keyring.set_keyring(previous)


def test_empty_key_and_bad_url_are_refused(memory_keyring):
    with pytest.raises(ValueError):
        secrets.set_api_key(URL, "   ")
    with pytest.raises(ValueError):
        secrets.set_api_key("ftp://shop.example.test", "sk")
