"""Group membership and what it grants: app assignments through groups.

In Okta, assigning a group to an app assigns the app to every member (scope GROUP);
a user keeps a group-granted app while any of their groups grants it, and a direct
assignment (scope USER) survives group changes. These functions keep `AppUser` rows
true to that, and record the System Log events.
"""

from __future__ import annotations

from sqlmodel import col, select

from services.okta import syslog
from services.okta.call import OktaCall
from services.okta.models import App, AppGroup, AppUser, Group, GroupMember, User


def add_member(call: OktaCall, group: Group, user: User) -> bool:
    """Add `user` to `group` (idempotent); returns whether they were added."""
    tid = call.tenant.id
    if call.session.get(GroupMember, (tid, group.id, user.id)) is not None:
        return False
    now = call.now()
    call.session.add(
        GroupMember(tenant_id=tid, group_id=group.id, user_id=user.id, added=now, seq=call.next_seq("member"))
    )
    group.last_membership_updated = now
    call.session.add(group)
    for grant in call.session.exec(select(AppGroup).where(AppGroup.tenant_id == tid, AppGroup.group_id == group.id)):
        grant_app(call, grant.app_id, user, direct=False)
    syslog.record(call, "group.user_membership.add", targets=[syslog.user_target(user), syslog.group_target(group)])
    return True


def remove_member(call: OktaCall, group: Group, user: User) -> bool:
    tid = call.tenant.id
    member = call.session.get(GroupMember, (tid, group.id, user.id))
    if member is None:
        return False
    call.session.delete(member)
    call.session.flush()
    group.last_membership_updated = call.now()
    call.session.add(group)
    for grant in call.session.exec(select(AppGroup).where(AppGroup.tenant_id == tid, AppGroup.group_id == group.id)):
        reconcile(call, grant.app_id, user.id)
    syslog.record(call, "group.user_membership.remove", targets=[syslog.user_target(user), syslog.group_target(group)])
    return True


def grant_app(call: OktaCall, app_id: str, user: User, *, direct: bool) -> AppUser:
    """Assign the app to the user (directly, or through a group); an existing assignment is kept."""
    tid = call.tenant.id
    now = call.now()
    assignment = call.session.get(AppUser, (tid, app_id, user.id))
    if assignment is None:
        login = (user.profile or {}).get("login")
        assignment = AppUser(
            tenant_id=tid,
            app_id=app_id,
            user_id=user.id,
            direct=direct,
            credentials={"userName": login},
            profile={},
            created=now,
            last_updated=now,
            status_changed=now,
            seq=call.next_seq("app_user"),
        )
        call.session.add(assignment)  # before the event: provisioning observes it in this transaction
        app = call.session.get(App, (tid, app_id))
        if app is not None:
            syslog.record(
                call, "application.user_membership.add", targets=[syslog.user_target(user), syslog.app_target(app)]
            )
    elif direct and not assignment.direct:
        assignment.direct = True
        assignment.last_updated = now
    call.session.add(assignment)
    return assignment


def granting_groups(call: OktaCall, app_id: str, user_id: str) -> list[str]:
    """The user's groups that are assigned to the app."""
    tid = call.tenant.id
    statement = (
        select(AppGroup.group_id)
        .join(GroupMember, col(GroupMember.group_id) == col(AppGroup.group_id))
        .where(
            AppGroup.tenant_id == tid,
            GroupMember.tenant_id == tid,
            AppGroup.app_id == app_id,
            GroupMember.user_id == user_id,
        )
    )
    return list(call.session.exec(statement))


def reconcile(call: OktaCall, app_id: str, user_id: str, *, drop_direct: bool = False) -> None:
    """After a group or direct assignment went away: keep the app only while something still grants it."""
    tid = call.tenant.id
    assignment = call.session.get(AppUser, (tid, app_id, user_id))
    if assignment is None:
        return
    if drop_direct:
        assignment.direct = False
    if assignment.direct or granting_groups(call, app_id, user_id):
        call.session.add(assignment)
        return
    user = call.session.get(User, (tid, user_id))
    app = call.session.get(App, (tid, app_id))
    if user is not None and app is not None:
        # Recorded before the row goes: provisioning reads the assignment's externalId from it.
        syslog.record(
            call, "application.user_membership.remove", targets=[syslog.user_target(user), syslog.app_target(app)]
        )
    call.session.delete(assignment)
