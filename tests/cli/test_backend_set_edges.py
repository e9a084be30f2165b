"""`tilldesk backend set`: the admin API key travels only where it is safe. https:// is required
except for this computer's own address (or --insecure, which says what it does); spaces,
backslashes and port 0 are refused; without a keyring the message says how to go on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.inproc import call, refused
from tests.conftest import db_fingerprint


@pytest.fixture()
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    import keyring
    import keyring.backends.fail

    monkeypatch.delenv("TILLDESK_MEDUSA_API_KEY", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")  # a till without a keyring
    # keyring keeps the backend it chose first in the process (another test may have set one): set
    # "no keyring" explicitly, and give the previous one back afterwards.
    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    db = tmp_path / "shop.sqlite"
    assert call("--db", str(db), "--create", "draft", "list").code == 0
    yield db
    keyring.set_keyring(before)


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


def test_with_staff_on_backend_set_is_guarded_and_audited(shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cashier needs a manager's PIN; a refusal changes nothing; the change is logged with both
    names' ids, the old and new address, and never the key."""
    import json

    monkeypatch.setenv("TILLDESK_MEDUSA_API_KEY", "sk_env_key")
    db = ("--db", str(shop))
    assert call(*db, "staff", "add", "--name", "Olga", "--role", "owner", stdin="86420135\n").code == 0
    monkeypatch.setenv("TILLDESK_PIN", "86420135")
    for name, role, pin in (("Mia", "manager", "2222"), ("Cam", "cashier", "3333")):
        assert call(*db, "staff", "add", "--name", name, "--role", role, "--staff", "Olga", stdin=pin + "\n").code == 0
    monkeypatch.delenv("TILLDESK_PIN")
    url = ("backend", "set", "--url", "http://127.0.0.1:9000")
    before = db_fingerprint(shop)
    assert "staff: staff is on" in refused(call(*db, *url))  # nobody signed in
    monkeypatch.setenv("TILLDESK_PIN", "3333")
    assert "approver: backend needs a manager's approval" in refused(call(*db, *url, "--staff", "Cam"))
    line = refused(call(*db, *url, "--staff", "Cam", "--approver", "Mia"))
    assert line.startswith("tilldesk: TILLDESK_APPROVER_PIN: not set")
    assert db_fingerprint(shop) == before
    monkeypatch.setenv("TILLDESK_APPROVER_PIN", "2222")
    res = call(*db, *url, "--staff", "Cam", "--approver", "Mia")
    assert res.code == 0, res
    entries = json.loads(call(*db, "audit", "list").out)["entries"]
    assert [e["action"] for e in entries[-2:]] == ["approval", "backend_changed"]
    assert entries[-2]["details"]["approver"] == "Mia" and entries[-2]["details"]["staff"] == "Cam"
    changed = entries[-1]["details"]
    assert (changed["url"], changed["kind"], changed["before"]) == (
        "http://127.0.0.1:9000", "medusa-v2", {"url": None, "kind": None})
    assert "sk_env_key" not in json.dumps(entries) + res.out + res.err
    assert call(*db, "audit", "verify").code == 0
