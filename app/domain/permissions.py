"""What each role may do, as data. A guarded action is allowed, allowed with a manager's (or
owner's) approval for that one action, or denied. Other parts of the till (refunds, shifts, the
drawer) name their action here and call ``app.services.guard.require(uow, action)``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from .errors import DomainError, InvalidValue
from .staff import Actor, Role


class GuardedAction(StrEnum):
    PRICE_OVERRIDE = "price_override"
    MANUAL_DISCOUNT = "manual_discount"  # a line or order discount typed by hand
    CANCEL_PAID_ORDER = "cancel_paid_order"
    REFUND = "refund"
    NO_SALE = "no_sale"  # opening the drawer without a sale
    REPRINT = "reprint"  # the second reprint and later (the first copy is free)
    DISCARD_UNSYNCED = "discard_unsynced"
    SETTINGS = "settings"
    BACKEND = "backend"  # the shop server's address, kind or key
    MANAGE_STAFF = "manage_staff"  # add or disable accounts, edit these permissions


class Decision(StrEnum):
    ALLOW = "allow"
    APPROVE = "approve"  # needs an approver for whom the action is allowed
    DENY = "deny"


class SignInRequired(DomainError):
    """Staff is on and nobody is signed in."""


class NotPermitted(DomainError):
    """The role may not do this, with or without approval."""


class ApprovalRequired(NotPermitted):
    """A manager's PIN is needed for this one action (``action``: which, so the window can ask
    the manager to approve exactly that one)."""

    def __init__(self, message: str, *, field: str | None = None, action: str | None = None) -> None:
        super().__init__(message, field=field)
        self.action = action


E = TypeVar("E", bound=StrEnum)

PermissionMatrix = dict[Role, dict[GuardedAction, Decision]]

_ALL_ALLOWED = dict.fromkeys(GuardedAction, Decision.ALLOW)
DEFAULTS: PermissionMatrix = {
    Role.OWNER: dict(_ALL_ALLOWED),
    Role.MANAGER: {**_ALL_ALLOWED, GuardedAction.MANAGE_STAFF: Decision.DENY},
    Role.CASHIER: {**dict.fromkeys(GuardedAction, Decision.APPROVE), GuardedAction.MANAGE_STAFF: Decision.DENY},
}


def matrix_from_json(data: object) -> PermissionMatrix:
    """The defaults, overlaid with what the owner stored; unknown roles or actions are refused."""
    out = {role: dict(actions) for role, actions in DEFAULTS.items()}
    if data in (None, {}):
        return out
    if not isinstance(data, Mapping):
        raise InvalidValue("the permissions must be an object of roles", field="staff_permissions")
    for role_name, actions in data.items():
        role = _parse(Role, role_name, "staff_permissions")
        if not isinstance(actions, Mapping):
            raise InvalidValue(f"{role_name} must map actions to allow, approve or deny",
                               field=f"staff_permissions.{role_name}")
        for action_name, decision in actions.items():
            where = f"staff_permissions.{role_name}.{action_name}"
            out[role][_parse(GuardedAction, action_name, where)] = _parse(Decision, decision, where)
    _check_owner_keeps_control(out)
    return out


def matrix_to_json(m: PermissionMatrix) -> dict[str, dict[str, str]]:
    return {role.value: {a.value: d.value for a, d in sorted(actions.items())} for role, actions in m.items()}


def with_decision(m: PermissionMatrix, role: Role, action: GuardedAction, decision: Decision) -> PermissionMatrix:
    out = {r: dict(a) for r, a in m.items()}
    out[role][action] = decision
    _check_owner_keeps_control(out)
    return out


def _check_owner_keeps_control(m: PermissionMatrix) -> None:
    # An owner who could no longer manage staff could never undo it: refuse that one change.
    if m[Role.OWNER][GuardedAction.MANAGE_STAFF] is not Decision.ALLOW:
        raise InvalidValue("the owner must keep manage_staff allowed", field="staff_permissions.owner.manage_staff")


def _parse(enum: type[E], value: object, field: str) -> E:
    try:
        return enum(str(value).strip().lower())
    except ValueError:
        choices = ", ".join(e.value for e in enum)
        raise InvalidValue(f"{value!r} is not one of {choices}", field=field) from None


def parse_action(text: str, field: str = "action") -> GuardedAction:
    return _parse(GuardedAction, text, field)


def parse_decision(text: str, field: str = "decision") -> Decision:
    return _parse(Decision, text, field)


@dataclass(frozen=True, slots=True)
class Permit:
    """The answer to "may this actor do it": who did it, and who approved it (if anyone did)."""

    action: GuardedAction
    staff_id: str
    approver_id: str | None = None


def decide(m: PermissionMatrix, actor: Actor, action: GuardedAction) -> Permit:
    """Allowed outright, or allowed because the actor carries an approval for this action from
    someone for whom it is allowed; otherwise ApprovalRequired or NotPermitted."""
    own = m[actor.role][action]
    if own is Decision.ALLOW:
        return Permit(action, actor.staff_id)
    if own is Decision.DENY:
        raise NotPermitted(f"a {actor.role.value} may not do {action.value}", field="staff")
    a = actor.approval
    if a is None or (a.action is not None and a.action != action.value):
        raise ApprovalRequired(f"{action.value} needs a manager's approval", field="approver",
                               action=action.value)
    if a.approver_id == actor.staff_id:
        raise ApprovalRequired("nobody can approve their own action", field="approver", action=action.value)
    if m[a.approver_role][action] is not Decision.ALLOW:
        raise ApprovalRequired(f"{a.approver_name} ({a.approver_role.value}) may not approve {action.value}",
                               field="approver", action=action.value)
    return Permit(action, actor.staff_id, a.approver_id)
