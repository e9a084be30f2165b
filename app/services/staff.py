"""Staff accounts, signing in with a PIN, manager approval, and the role permissions.

The window signs in once (``sign_in``) and opens its units of work with the returned Actor
(``App.actor``); a guarded action a cashier asks for gets ``approve(...)`` from a manager's PIN
and runs in a unit of work carrying that Approval (``App.uow(approval=...)``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from app.domain import clock, ids
from app.domain.audit import AuditAction
from app.domain.changes import OpResult
from app.domain.errors import InvalidValue, NotFound
from app.domain.permissions import (
    Decision,
    GuardedAction,
    NotPermitted,
    PermissionMatrix,
    matrix_to_json,
    parse_action,
    parse_decision,
    with_decision,
)
from app.domain.staff import (
    AccountLocked,
    Actor,
    Approval,
    Role,
    StaffMember,
    WrongPin,
    hash_pin,
    parse_role,
    pin_matches,
    validate_name,
    validate_pin,
)

from . import audit
from .context import UnitOfWork
from .guard import PERMISSIONS_KEY, permissions, require, staff_on

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StaffDTO:
    id: str
    name: str
    role: str
    active: bool
    locked_until: datetime | None


def _dto(m: StaffMember) -> StaffDTO:
    now = clock.now()
    return StaffDTO(m.id, m.name, m.role.value, m.active, m.locked_until if m.is_locked(now) else None)


def is_enabled(uow: UnitOfWork) -> bool:
    """Staff is on once an active account exists."""
    with uow:
        return staff_on(uow)


def list_staff(uow: UnitOfWork) -> list[StaffDTO]:
    with uow:
        return [_dto(m) for m in uow.staff.all()]


def add_staff(name: str, role: str, pin: str, uow: UnitOfWork) -> OpResult[StaffDTO]:
    """The first account must be an owner, and turns staff on; later ones need manage_staff."""
    name, r, pin = validate_name(name), parse_role(role), validate_pin(pin)
    pin_hash = hash_pin(pin)  # slow on purpose: outside the write transaction
    with uow:
        if not staff_on(uow):
            if r is not Role.OWNER:
                raise InvalidValue("the first staff account must be an owner", field="role")
        else:
            require(uow, GuardedAction.MANAGE_STAFF)
        m = StaffMember(id=ids.new_id("staff"), name=name, role=r, pin_hash=pin_hash, created_at=clock.now())
        uow.staff.add(m)
        audit.record(uow, AuditAction.STAFF_ADDED, m.id, {"name": m.name, "role": r.value})
        uow.commit()
        return OpResult(_dto(m), uow.changes)


def disable_staff(name: str, uow: UnitOfWork) -> OpResult[StaffDTO]:
    with uow:
        require(uow, GuardedAction.MANAGE_STAFF)
        m = _by_name(uow, name)
        if not m.active:
            raise InvalidValue(f"{m.name} is already disabled", field="name")
        owners = [x for x in uow.staff.all() if x.active and x.role is Role.OWNER]
        if m.role is Role.OWNER and len(owners) == 1:
            raise InvalidValue("the last active owner cannot be disabled", field="name")
        m = replace(m, active=False)
        uow.staff.save(m)
        audit.record(uow, AuditAction.STAFF_DISABLED, m.id, {"name": m.name})
        uow.commit()
        return OpResult(_dto(m), uow.changes)


def _by_name(uow: UnitOfWork, name: str, field: str = "name") -> StaffMember:
    m = uow.staff.by_name(name)
    if m is None:
        raise NotFound(f"no staff member called {' '.join(str(name).split())!r}", field=field)
    return m


def _check_pin(uow: UnitOfWork, name: str, pin: str, field: str) -> StaffMember:
    """Inside an open unit of work. A wrong PIN is counted and logged, and COMMITTED before the
    error is raised, so no caller can retry without the lock counting it."""
    m = _by_name(uow, name, field)
    now = clock.now()
    if not m.active:
        raise WrongPin(f"{m.name}'s account is disabled", field=field)
    if m.is_locked(now):
        audit.record(uow, AuditAction.PIN_FAILED, m.id, {"name": m.name, "reason": "locked"}, staff_id=m.id)
        uow.commit()
        raise AccountLocked(f"{m.name} is locked after too many wrong PINs; try again in a minute",
                            m.locked_until or now, field=field)
    if not pin_matches(pin, m.pin_hash):
        after = m.after_wrong_pin(now)
        uow.staff.save(after)
        audit.record(uow, AuditAction.PIN_FAILED, m.id, {"name": m.name, "attempt": m.failed_attempts + 1},
                     staff_id=m.id)
        if after.locked_until is not None:
            audit.record(uow, AuditAction.ACCOUNT_LOCKED, m.id,
                         {"name": m.name, "until": after.locked_until}, staff_id=m.id)
            log.warning("staff account %s locked until %s after too many wrong PINs", m.name,
                        after.locked_until.isoformat())
        uow.commit()
        if after.locked_until is not None:
            raise AccountLocked(f"wrong PIN for {m.name}; the account is locked for a minute",
                                after.locked_until, field=field)
        raise WrongPin(f"wrong PIN for {m.name}", field=field)
    if m.failed_attempts or m.locked_until:
        uow.staff.save(m.after_right_pin())
    return m


def sign_in(name: str, pin: str, uow: UnitOfWork, *, session: bool = True) -> OpResult[Actor]:
    """Checks the PIN (five wrong in a row lock the account for a minute). ``session``: a sign-in
    at the window, written to the audit log; a command-line call checks the PIN per command and
    logs only failures (the action it does records who)."""
    with uow:
        m = _check_pin(uow, name, pin, "staff")
        if session:
            audit.record(uow, AuditAction.SIGN_IN, m.id, {"name": m.name}, staff_id=m.id)
        uow.commit()
        return OpResult(Actor(m.id, m.name, m.role), uow.changes)


def sign_out(actor: Actor, uow: UnitOfWork) -> OpResult[None]:
    with uow:
        audit.record(uow, AuditAction.SIGN_OUT, actor.staff_id, {"name": actor.name}, staff_id=actor.staff_id)
        uow.commit()
        return OpResult(None, uow.changes)


def approve(name: str, pin: str, uow: UnitOfWork, action: GuardedAction | str | None = None) -> Approval:
    """A manager's (or owner's) PIN approving ONE guarded action; ``action`` None approves the
    single guarded action of one command-line call. The approval is written to the audit log when
    the action it approves is done (``guard.require``)."""
    act = parse_action(action, "action") if isinstance(action, str) else action
    with uow:
        m = _check_pin(uow, name, pin, "approver")
        if act is not None and permissions(uow)[m.role][act] is not Decision.ALLOW:
            raise NotPermitted(f"{m.name} ({m.role.value}) may not approve {act.value}", field="approver")
        uow.commit()  # the right PIN clears the wrong-PIN count
        return Approval(m.id, m.name, m.role, act.value if act else None)


def get_permissions(uow: UnitOfWork) -> dict[str, dict[str, str]]:
    with uow:
        return matrix_to_json(permissions(uow))


def set_permission(role: str, action: str, decision: str, uow: UnitOfWork) -> OpResult[dict[str, dict[str, str]]]:
    r, a, d = parse_role(role), parse_action(action), parse_decision(decision)
    with uow:
        require(uow, GuardedAction.MANAGE_STAFF)
        m: PermissionMatrix = with_decision(permissions(uow), r, a, d)
        uow.settings.set(PERMISSIONS_KEY, matrix_to_json(m))
        audit.record(uow, AuditAction.PERMISSIONS_CHANGED, r.value, {"action": a.value, "decision": d.value})
        uow.commit()
        return OpResult(matrix_to_json(m), uow.changes)
