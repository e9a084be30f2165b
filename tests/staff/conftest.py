"""A till with staff on: an owner, a manager and a cashier, on a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

PINS = {"Olga": "86420135", "Mia": "2222", "Cam": "3333"}


def add_team(app: Any) -> None:
    from app.services import staff

    staff.add_staff("Olga", "owner", PINS["Olga"], app.uow())
    app.actor = staff.sign_in("Olga", PINS["Olga"], app.uow()).value
    staff.add_staff("Mia", "manager", PINS["Mia"], app.uow())
    staff.add_staff("Cam", "cashier", PINS["Cam"], app.uow())
    app.actor = None


def as_(app: Any, name: str) -> Any:
    from app.services import staff

    app.actor = staff.sign_in(name, PINS[name], app.uow()).value
    return app.actor


def approval(app: Any, name: str, action: str | None = None) -> Any:
    from app.services import staff

    return staff.approve(name, PINS[name], app.uow(), action)


@pytest.fixture
def team(app: Any) -> Iterator[Any]:
    add_team(app)
    yield app
