"""What a Management API change means for provisioning: a `ProvisioningPush` row per affected app user.

Provisioning watches the changes the System Log records (it observes each event inside
the transaction that records it, so a push is committed with its cause or not at all):
an app assigned to a user (directly or through a group), a profile update, an app
unassigned, and the user lifecycle. Only apps that are ACTIVE with an ENABLED connection
push. After commit the rows are handed to the engine (`runtime.extras["provisioning"]`).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from services.okta.call import OktaCall
from services.okta.models import App, AppConnection, AppUser, ProvisioningPush, User

# System Log event -> the push it asks for (the engine decides on the target's state at run time).
ACTIONS = {
    "application.user_membership.add": "push",
    "application.user_membership.remove": "deactivate",
    "user.account.update_profile": "push_profile",
    "user.lifecycle.activate": "push",
    "user.lifecycle.deactivate": "deactivate",
    "user.lifecycle.suspend": "deactivate",
    "user.lifecycle.unsuspend": "reactivate",
}


def _target_id(document: dict[str, Any], kind: str) -> str | None:
    return next((t.get("id") for t in document.get("target") or [] if t.get("type") == kind), None)


def _provisioning_apps(call: OktaCall, app_ids: list[str]) -> set[str]:
    """Of `app_ids`, those that are ACTIVE and whose connection is ENABLED."""
    if not app_ids:
        return set()
    tid = call.tenant.id
    statement = (
        select(App.id)
        .join(
            AppConnection,
            (col(AppConnection.tenant_id) == col(App.tenant_id)) & (col(AppConnection.app_id) == col(App.id)),
        )
        .where(
            App.tenant_id == tid, col(App.id).in_(app_ids), App.status == "ACTIVE", AppConnection.status == "ENABLED"
        )
    )
    return set(call.session.exec(statement).all())


def observe(call: OktaCall, document: dict[str, Any]) -> None:
    """A `log_observers` entry: called by `syslog.record` for every event, in the call's transaction."""
    action = ACTIONS.get(document.get("eventType", ""))
    user_id = _target_id(document, "User") if action else None
    if action is None or user_id is None:
        return
    tid = call.tenant.id
    app_id = _target_id(document, "AppInstance")
    if app_id is not None:
        assignments = [a for a in [call.session.get(AppUser, (tid, app_id, user_id))] if a is not None]
    else:
        assignments = list(
            call.session.exec(select(AppUser).where(AppUser.tenant_id == tid, AppUser.user_id == user_id))
        )
    user = call.session.get(User, (tid, user_id))
    live = _provisioning_apps(call, [a.app_id for a in assignments])
    for assignment in assignments:
        if assignment.app_id in live:
            enqueue(call, assignment, user, action)


def enqueue(call: OktaCall, assignment: AppUser, user: User | None, action: str) -> ProvisioningPush:
    login = str((user.profile or {}).get("login") or "") if user is not None else ""
    push = ProvisioningPush(
        tenant_id=call.tenant.id,
        id=call.tenant.ids.uuid4(),
        app_id=assignment.app_id,
        user_id=assignment.user_id,
        action=action,
        login=login,
        external_id=assignment.external_id,
        created=call.now(),
        seq=call.next_seq("provisioning_push"),
    )
    call.session.add(push)
    if assignment in call.session and assignment not in call.session.deleted:
        assignment.sync_state = "SYNCING"
        call.session.add(assignment)
    engine = call.runtime.extras.get("provisioning")
    if engine is not None:
        tenant, push_id = call.tenant, push.id
        call.after_commit.append(lambda: engine.submit(tenant, push_id))
    return push
