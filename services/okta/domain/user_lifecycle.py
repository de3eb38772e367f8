"""The user status machine: Okta's lifecycle operations and the errors for illegal transitions.

    STAGED --activate--> ACTIVE (has a password or an external provider) | PROVISIONED (activation pending)
    PROVISIONED --reactivate--> PROVISIONED (a fresh activation token)
    ACTIVE --suspend--> SUSPENDED --unsuspend--> ACTIVE
    ACTIVE/RECOVERY/PASSWORD_EXPIRED/LOCKED_OUT/PROVISIONED --reset_password--> RECOVERY
    ACTIVE/RECOVERY --expire_password--> PASSWORD_EXPIRED
    LOCKED_OUT --unlock--> ACTIVE
    any but DEPROVISIONED --deactivate--> DEPROVISIONED --activate--> ACTIVE | PROVISIONED

Errors as Okta words them: activating an active user is E0000016 (403); suspending a user
that is not ACTIVE and unsuspending one that is not SUSPENDED are E0000001 (400) with the
reason as the cause; unlocking a user that is not LOCKED_OUT is E0000032; other
operations in the wrong status are E0000038 (403).
"""

from __future__ import annotations

import string
from typing import Any

from services.okta import syslog
from services.okta.call import OktaCall
from services.okta.domain import users
from services.okta.errors import OktaError, validation
from services.okta.models import User
from services.okta.secrets import check_password, hash_password, token_hash

ACTIVE_STATUSES = frozenset({"ACTIVE", "RECOVERY", "PASSWORD_EXPIRED", "LOCKED_OUT", "SUSPENDED"})
RESETTABLE = frozenset({"ACTIVE", "RECOVERY", "PASSWORD_EXPIRED", "LOCKED_OUT", "PROVISIONED"})
EXPIRABLE = frozenset({"ACTIVE", "RECOVERY", "PASSWORD_EXPIRED", "LOCKED_OUT"})
PASSWORD_CHANGEABLE = frozenset({"STAGED", "ACTIVE", "PASSWORD_EXPIRED", "RECOVERY"})


def _record(call: OktaCall, event_type: str, user: User) -> None:
    syslog.record(call, event_type, targets=[syslog.user_target(user)])


def _transition(call: OktaCall, user: User, status: str) -> None:
    now = call.now()
    if user.status != status:
        user.status = status
        user.status_changed = now
    user.transitioning_to_status = None
    user.last_updated = now
    call.session.add(user)


def _one_time_token(call: OktaCall) -> str:
    return call.tenant.ids.draw(20, string.ascii_letters + string.digits)


def _activation(call: OktaCall, user: User, send_email: bool) -> dict[str, Any]:
    token = _one_time_token(call)
    user.activation_token_hash = token_hash(token)
    call.session.add(user)
    if send_email:
        return {}
    return {"activationUrl": f"{call.org_url}/welcome/{token}", "activationToken": token}


def _signs_in_without_activation(user: User) -> bool:
    external = (user.provider or {}).get("type", "OKTA") not in ("OKTA", None)
    return user.password_hash is not None or external


def activate(call: OktaCall, user: User, *, send_email: bool) -> dict[str, Any]:
    if user.status in ACTIVE_STATUSES:
        raise OktaError("E0000016")
    _transition(call, user, "ACTIVE" if _signs_in_without_activation(user) else "PROVISIONED")
    user.activated = call.now()
    _record(call, "user.lifecycle.activate", user)
    call.invalidate_credentials()
    return _activation(call, user, send_email)


def reactivate(call: OktaCall, user: User, *, send_email: bool) -> dict[str, Any]:
    if user.status != "PROVISIONED":
        raise OktaError("E0000038")
    _transition(call, user, "PROVISIONED")
    _record(call, "user.lifecycle.reactivate", user)
    return _activation(call, user, send_email)


def deactivate(call: OktaCall, user: User) -> None:
    if user.status == "DEPROVISIONED":
        raise OktaError("E0000038")
    _transition(call, user, "DEPROVISIONED")
    user.activation_token_hash = None
    user.recovery_token_hash = None
    users.cut_off(call, user)
    _record(call, "user.lifecycle.deactivate", user)


def suspend(call: OktaCall, user: User) -> None:
    if user.status != "ACTIVE":
        raise validation("Cannot suspend a user that is not active", field="suspendUser")
    _transition(call, user, "SUSPENDED")
    users.cut_off(call, user)
    _record(call, "user.lifecycle.suspend", user)


def unsuspend(call: OktaCall, user: User) -> None:
    if user.status != "SUSPENDED":
        raise validation("Cannot unsuspend a user that is not suspended", field="unsuspendUser")
    _transition(call, user, "ACTIVE")
    call.invalidate_credentials()
    _record(call, "user.lifecycle.unsuspend", user)


def unlock(call: OktaCall, user: User) -> None:
    if user.status != "LOCKED_OUT":
        raise OktaError("E0000032", causes=["The user is not locked out."], status=403)
    user.failed_attempts = 0
    _transition(call, user, "ACTIVE")
    call.invalidate_credentials()
    _record(call, "user.account.unlock", user)


def reset_password(call: OktaCall, user: User, *, send_email: bool, revoke_sessions: bool) -> dict[str, Any]:
    if user.status not in RESETTABLE:
        raise OktaError("E0000017")
    _transition(call, user, "RECOVERY")
    user.failed_attempts = 0
    token = _one_time_token(call)
    user.recovery_token_hash = token_hash(token)
    if revoke_sessions:
        users.close_sessions(call, user)
    call.invalidate_credentials()
    _record(call, "user.account.reset_password", user)
    if send_email:
        return {}
    return {"resetPasswordUrl": f"{call.org_url}/reset_password/{token}"}


def expire_password(call: OktaCall, user: User, *, temp_password: bool, revoke_sessions: bool) -> str | None:
    """PASSWORD_EXPIRED; with `temp_password` the password is replaced by a temporary one, returned."""
    if user.status not in EXPIRABLE or (user.password_hash is None and not temp_password):
        raise OktaError("E0000038")
    temp = _temporary_password(call, user) if temp_password else None
    if temp is not None:
        user.password_hash = hash_password(temp)
        user.password_changed = call.now()
    _transition(call, user, "PASSWORD_EXPIRED")
    if revoke_sessions:
        users.close_sessions(call, user)
    call.invalidate_credentials()
    _record(call, "user.account.expire_password", user)
    return temp


def _temporary_password(call: OktaCall, user: User) -> str:
    # Okta's temporary passwords are 8 characters that satisfy the policy (drawn from the seeded generator).
    login = (user.profile or {}).get("login")
    while True:
        candidate = call.tenant.ids.draw(8, string.ascii_letters + string.digits)
        if not users.password_problem(candidate, login):
            return candidate


def change_password(call: OktaCall, user: User) -> User:
    body = call.body_object()
    old, new = _password_field(body, "oldPassword"), _password_field(body, "newPassword")
    if user.status not in PASSWORD_CHANGEABLE or user.password_hash is None:
        raise OktaError("E0000035")
    if not check_password(old, user.password_hash):
        raise OktaError("E0000014", causes=["oldPassword: The credentials provided were incorrect."])
    login = (user.profile or {}).get("login")
    users.check_password(new, login, code="E0000080")
    if check_password(new, user.password_hash):  # the history rule: not the current password
        raise OktaError("E0000080", causes=[f"password: {users.PASSWORD_RULES}"])
    now = call.now()
    user.password_hash = hash_password(new)
    user.password_changed = now
    user.last_updated = now
    if user.status in ("PASSWORD_EXPIRED", "RECOVERY"):
        _transition(call, user, "ACTIVE")
    user.recovery_token_hash = None
    call.session.add(user)
    call.invalidate_credentials()
    _record(call, "user.account.update_password", user)
    return user


def _password_field(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is not None and not isinstance(value, dict):
        raise OktaError("E0000003")
    text = (value or {}).get("value")
    if text is not None and not isinstance(text, str):
        raise OktaError("E0000003")
    if not text:
        raise validation(f"{name}: The field cannot be left blank", field=name)
    return str(text)
