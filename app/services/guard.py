"""Who may act. With no staff accounts the till works as it always did (every check passes and
nothing is recorded about who); once the first owner exists, every action that changes money,
stock or settings needs a signed-in staff member, and guarded actions ask the role's permissions.

Others call ``require(uow, GuardedAction.REFUND)`` inside their unit of work, before writing."""

from __future__ import annotations

from app.domain.permissions import (
    ApprovalRequired,
    GuardedAction,
    PermissionMatrix,
    Permit,
    SignInRequired,
    decide,
    matrix_from_json,
)
from app.domain.staff import Actor, Approval

from . import audit
from .context import UnitOfWork

PERMISSIONS_KEY = "staff_permissions"


def staff_on(uow: UnitOfWork) -> bool:
    return uow.staff.count_active() > 0


def permissions(uow: UnitOfWork) -> PermissionMatrix:
    return matrix_from_json(uow.settings.get(PERMISSIONS_KEY))


def acting(uow: UnitOfWork) -> Actor | None:
    """The actor of this unit of work as stored now (role and account state re-read, so a disabled
    account or a changed role counts at once). None when staff is off."""
    if not staff_on(uow):
        return None
    actor = uow.actor
    if actor is None:
        raise SignInRequired("staff is on at this till: sign in first (--staff NAME with TILLDESK_PIN)",
                             field="staff")
    member = uow.staff.get(actor.staff_id)
    if not member.active:
        raise SignInRequired(f"{member.name}'s account is disabled", field="staff")
    approval = actor.approval
    if approval is not None:
        approver = uow.staff.get(approval.approver_id)
        if not approver.active:
            raise ApprovalRequired(f"{approver.name}'s account is disabled", field="approver")
        approval = Approval(approver.id, approver.name, approver.role, approval.action)
    return Actor(member.id, member.name, member.role, approval)


def require(uow: UnitOfWork, action: GuardedAction, subject: str | None = None) -> Permit | None:
    """Raises SignInRequired, NotPermitted or ApprovalRequired, or answers who did it and who
    approved it. An approval used here is written to the audit log with both names."""
    actor = acting(uow)
    if actor is None:
        return None
    permit = decide(permissions(uow), actor, action)
    if permit.approver_id is not None and actor.approval is not None:
        audit.record(uow, "approval", subject, {"action": action.value, "staff": actor.name,
                                                "approver": actor.approval.approver_name,
                                                "approver_id": actor.approval.approver_id})
    return permit


def staff_id(uow: UnitOfWork) -> str | None:
    """For stamping a record: who is acting (and a check that someone is, when staff is on)."""
    actor = acting(uow)
    return actor.staff_id if actor else None

