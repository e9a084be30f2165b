"""The Medusa harness's admin password is passed on a command line (`medusa user -p ...`): it must never
look like an option, or the user is created without it and every login answers 401."""

from tests.medusa_harness.server import MedusaServer, new_admin_password


def test_admin_password_never_starts_like_an_option() -> None:
    passwords = {new_admin_password() for _ in range(2000)}
    assert len(passwords) == 2000
    assert not any(p.startswith("-") for p in passwords)
    assert all(len(p) >= 32 for p in passwords)


def test_server_default_uses_the_safe_password() -> None:
    assert not MedusaServer().admin_password.startswith("-")
