"""Admin role assignments of users: assign, list, get, unassign.

Okta's rules kept here:
- a standard role is assigned with `{"type": "APP_ADMIN"}`; an unknown type is E0000001;
- a role already held by the user is E0000090 (409);
- an assignment id that is not the user's is E0000007;
- every change takes effect at once for the admin's API tokens and access tokens (cached
  principals are dropped) and is recorded as `user.account.privilege.grant`/`.revoke`.
"""

from __future__ import annotations

from sqlmodel import col, select

from services.okta import syslog
from services.okta.call import OktaCall
from services.okta.errors import OktaError, not_found, validation
from services.okta.models import RoleAssignment, User
from services.okta.oktaids import new_id
from services.okta.permissions import ROLE_RIGHTS

# Standard roles Okta assigns with a bare `type` (custom roles need `role` + `resource-set`).
STANDARD_ROLES = frozenset(ROLE_RIGHTS) | {"MOBILE_ADMIN", "WORKFLOWS_ADMIN"}


def of_user(call: OktaCall, user: User) -> list[RoleAssignment]:
    statement = (
        select(RoleAssignment)
        .where(RoleAssignment.tenant_id == call.tenant.id, RoleAssignment.principal_id == user.id)
        .order_by(col(RoleAssignment.created), col(RoleAssignment.id))
    )
    return list(call.session.exec(statement).all())


def find(call: OktaCall, user: User, assignment_id: str) -> RoleAssignment:
    row = call.session.get(RoleAssignment, (call.tenant.id, assignment_id))
    if row is None or row.principal_id != user.id:
        raise not_found(assignment_id, "RoleAssignment")
    return row


def assign(call: OktaCall, user: User) -> RoleAssignment:
    body = call.body_object()
    role_type = body.get("type")
    if role_type is None:
        raise validation("type: The field cannot be left blank", field="type")
    if not isinstance(role_type, str):
        raise OktaError("E0000003")
    role_type = role_type.strip().upper()
    if role_type not in STANDARD_ROLES:
        raise validation(f"type: Invalid role type: {role_type}", field="type")
    if any(existing.type == role_type for existing in of_user(call, user)):
        raise OktaError("E0000090")
    now = call.now()
    row = RoleAssignment(
        tenant_id=call.tenant.id,
        id=new_id(call.tenant, "ra1"),
        principal_id=user.id,
        principal_type="USER",
        type=role_type,
        assignment_type="USER",
        created=now,
        last_updated=now,
    )
    call.session.add(row)
    call.invalidate_credentials()
    target = [syslog.user_target(user)]
    syslog.record(call, "user.account.privilege.grant", targets=target, debug_data={"privilegeGranted": role_type})
    return row


def unassign(call: OktaCall, user: User, row: RoleAssignment) -> None:
    call.session.delete(row)
    call.invalidate_credentials()
    target = [syslog.user_target(user)]
    syslog.record(call, "user.account.privilege.revoke", targets=target, debug_data={"privilegeRevoked": row.type})
