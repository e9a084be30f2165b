"""PINs, the lock after five wrong ones, and the permission data, with no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.errors import InvalidValue
from app.domain.permissions import (
    DEFAULTS,
    Decision,
    GuardedAction,
    matrix_from_json,
    matrix_to_json,
    with_decision,
)
from app.domain.staff import LOCK_FOR, Role, StaffMember, hash_pin, pin_matches, validate_name, validate_pin

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("pin", ["1234", "00000000", "0042"])
def test_a_pin_of_four_to_eight_digits_is_accepted(pin: str) -> None:
    assert validate_pin(pin) == pin


@pytest.mark.parametrize("pin", ["", "123", "123456789", "12a4", "12 34", "١٢٣٤", "-123", 1234])
def test_anything_else_is_refused_naming_the_field(pin: object) -> None:
    with pytest.raises(InvalidValue) as exc:
        validate_pin(pin)  # type: ignore[arg-type]
    assert exc.value.field == "pin" and "4 to 8 digits" in str(exc.value)


def test_the_hash_is_salted_scrypt_with_its_parameters_and_no_pin() -> None:
    a, b = hash_pin("2468"), hash_pin("2468")
    assert a != b  # a new salt each time
    scheme, n, r, p, salt, digest = a.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**14, 8, 1)
    assert len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(digest)) == 32
    assert "2468" not in a
    assert pin_matches("2468", a) and pin_matches("2468", b)
    assert not pin_matches("2469", a) and not pin_matches("", a) and not pin_matches("2468", "garbage")


def test_the_fifth_wrong_pin_locks_for_a_minute_and_a_right_one_resets() -> None:
    m = StaffMember(id="staff_1", name="Cam", role=Role.CASHIER, pin_hash="x")
    for n in range(1, 5):
        m = m.after_wrong_pin(T0)
        assert m.failed_attempts == n and not m.is_locked(T0)
    m = m.after_wrong_pin(T0)
    assert m.is_locked(T0) and m.is_locked(T0 + LOCK_FOR - timedelta(microseconds=1))
    assert not m.is_locked(T0 + LOCK_FOR)
    assert m.failed_attempts == 0  # the next five count again after the minute
    assert m.after_wrong_pin(T0).after_right_pin() == StaffMember(id="staff_1", name="Cam", role=Role.CASHIER,
                                                                   pin_hash="x")


def test_names_are_trimmed_and_bounded() -> None:
    assert validate_name("  Ann   Lee ") == "Ann Lee"
    for bad in ("", "   ", "x" * 61):
        with pytest.raises(InvalidValue, match="1 to 60") as exc:
            validate_name(bad)
        assert exc.value.field == "name"


def test_defaults_every_role_has_every_action() -> None:
    for role in Role:
        assert set(DEFAULTS[role]) == set(GuardedAction)
    assert all(d is Decision.ALLOW for d in DEFAULTS[Role.OWNER].values())
    assert DEFAULTS[Role.MANAGER][GuardedAction.REFUND] is Decision.ALLOW
    assert DEFAULTS[Role.CASHIER][GuardedAction.REFUND] is Decision.APPROVE


def test_stored_permissions_overlay_the_defaults_and_round_trip() -> None:
    m = matrix_from_json({"cashier": {"reprint": "allow"}, "manager": {"no_sale": "approve"}})
    assert m[Role.CASHIER][GuardedAction.REPRINT] is Decision.ALLOW
    assert m[Role.MANAGER][GuardedAction.NO_SALE] is Decision.APPROVE
    assert m[Role.CASHIER][GuardedAction.REFUND] is Decision.APPROVE  # untouched default
    assert matrix_from_json(matrix_to_json(m)) == m


@pytest.mark.parametrize(("data", "field"), [
    ({"janitor": {}}, "staff_permissions"),
    ({"cashier": {"fly": "allow"}}, "staff_permissions.cashier.fly"),
    ({"cashier": {"refund": "maybe"}}, "staff_permissions.cashier.refund"),
    ({"cashier": "allow"}, "staff_permissions.cashier"),
    ({"owner": {"manage_staff": "deny"}}, "staff_permissions.owner.manage_staff"),
    ([1, 2], "staff_permissions"),
])
def test_bad_permission_data_names_the_field(data: object, field: str) -> None:
    with pytest.raises(InvalidValue) as exc:
        matrix_from_json(data)
    assert exc.value.field == field


def test_the_owner_cannot_lock_themselves_out_of_managing_staff() -> None:
    with pytest.raises(InvalidValue):
        with_decision(DEFAULTS, Role.OWNER, GuardedAction.MANAGE_STAFF, Decision.APPROVE)
    changed = with_decision(DEFAULTS, Role.OWNER, GuardedAction.REFUND, Decision.APPROVE)
    assert changed[Role.OWNER][GuardedAction.REFUND] is Decision.APPROVE
    assert DEFAULTS[Role.OWNER][GuardedAction.REFUND] is Decision.ALLOW  # the defaults are not touched
