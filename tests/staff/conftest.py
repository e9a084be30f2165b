"""A till with staff on: an owner, a manager and a cashier, on a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

PINS = {"Olga": "86420135", "Mia": "2222", "Cam": "3333"}


def add_team(app: Any, open_shift: bool = True) -> None:
    """Olga adds the team and, unless told not to, opens the till's shift: with staff on, Mark Paid
    needs an open shift (issue 10), so a till with a team is a till with a shift."""
    from app.services import shifts, staff

    staff.add_staff("Olga", "owner", PINS["Olga"], app.uow())
    app.actor = staff.sign_in("Olga", PINS["Olga"], app.uow()).value
    staff.add_staff("Mia", "manager", PINS["Mia"], app.uow())
    staff.add_staff("Cam", "cashier", PINS["Cam"], app.uow())
    if open_shift:
        shifts.open_shift({"floats": {"cash": "100.00"}}, app.uow())
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
