"""`tilldesk backend set`: the admin API key travels only where it is safe. https:// is required
except for this computer's own address (or --insecure, which says what it does); spaces,
backslashes and port 0 are refused; without a keyring the message says how to go on."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.inproc import call, refused
from tests.conftest import db_fingerprint


@pytest.fixture()
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TILLDESK_MEDUSA_API_KEY", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")  # a till without a keyring
    db = tmp_path / "shop.sqlite"
    assert call("--db", str(db), "--create", "draft", "list").code == 0
    return db


@pytest.mark.parametrize(("url", "words"), [
    ("http://shop.example.com", "use https://"),
    ("http://192.168.1.20:9000", "use https://"),
    ("https://shop example.com", "must not contain spaces"),
    ("https://shop.example.com/ admin", "must not contain spaces"),
    ("https://shop.example.com\\admin", "backslash"),
    ("https:\\\\shop.example.com", "backslash"),
    ("https://shop.example.com:0", "port 0"),
    ("http://127.0.0.1:0", "port 0"),
    ("ftp://shop.example.com", "http:// or https://"),
    ("https://user:pw@shop.example.com", "user name or password"),
])
def test_unsafe_or_malformed_urls_are_refused(shop: Path, url: str, words: str) -> None:
    before = db_fingerprint(shop)
    line = refused(call("--db", str(shop), "backend", "set", "--url", url, stdin="sk_test_key\n"))
    assert line.startswith("tilldesk: --url: ") and words in line, line
    assert "sk_test_key" not in line
    assert db_fingerprint(shop) == before


@pytest.mark.parametrize("url", ["http://localhost:9000", "http://127.0.0.1:9000", "http://[::1]:9000"])
def test_loopback_http_needs_no_insecure_and_the_environment_key_is_used(
        shop: Path, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILLDESK_MEDUSA_API_KEY", "sk_env_key")
    res = call("--db", str(shop), "backend", "set", "--url", url)
    assert res.code == 0, res
    assert "environment" in res.out and "sk_env_key" not in res.out + res.err


def test_insecure_says_what_it_does(shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILLDESK_MEDUSA_API_KEY", "sk_env_key")
    res = call("backend", "set", "--url", "http://shop.example.com", "--insecure", "--db", str(shop))
    assert res.code == 0, res
    assert "unencrypted" in res.err and "sk_env_key" not in res.out + res.err


def test_without_a_keyring_the_message_says_how_to_go_on(shop: Path) -> None:
    before = db_fingerprint(shop)
    line = refused(call("--db", str(shop), "backend", "set", "--url", "https://shop.example.com",
                        stdin="sk_test_key\n"), code=1)
    assert "TILLDESK_MEDUSA_API_KEY" in line and "Nothing was changed" in line
    assert "Error" not in line and "Keyring(" not in line and "NoKeyringAvailable" not in line
    assert "sk_test_key" not in line
    assert db_fingerprint(shop) == before
