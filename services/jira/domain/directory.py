"""The site's user directory: users, groups, memberships, and who administers the site.

Jira Cloud grants site administration (user and group management) to members of
`site-admins`, and the *Administer Jira* global permission to members of `site-admins`
and `jira-admins`; `jira-software-users` is the product-access group every user joins.
Group names are case-insensitive and unique; a group also has a UUID `groupId`.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select

from services.core.ids import LOWER_HEX
from services.jira.call import JiraCall
from services.jira.errors import JiraError, forbidden
from services.jira.models import ApiToken, AuthSession, Group, GroupMember, User

SITE_ADMINS = "site-admins"
JIRA_ADMINS = "jira-admins"
PRODUCT_USERS = "jira-software-users"
DEFAULT_GROUPS = (SITE_ADMINS, JIRA_ADMINS, PRODUCT_USERS)
ADMINISTER_GROUPS = frozenset({SITE_ADMINS, JIRA_ADMINS})

GROUP_NOT_FOUND = "Specified group does not exist."
USER_NOT_FOUND = "Specified user does not exist or you do not have required permissions"


# -- who may do what ----------------------------------------------------------------------


def group_names_of(call: JiraCall, account_id: str) -> set[str]:
    ids = set(
        call.session.exec(
            select(GroupMember.group_id).where(
                GroupMember.tenant_id == call.tenant.id, GroupMember.account_id == account_id
            )
        ).all()
    )
    if not ids:
        return set()
    rows = call.session.exec(select(Group).where(Group.tenant_id == call.tenant.id)).all()
    return {g.name for g in rows if g.id in ids}


def is_site_admin(call: JiraCall, account_id: str | None = None) -> bool:
    return SITE_ADMINS in group_names_of(call, account_id or call.account_id)


def administers_jira(call: JiraCall, account_id: str | None = None) -> bool:
    return bool(ADMINISTER_GROUPS & group_names_of(call, account_id or call.account_id))


def require_site_admin(call: JiraCall) -> None:
    if not is_site_admin(call):
        raise forbidden("You must have site administration permission to perform this operation.")


def require_administer(call: JiraCall) -> None:
    if not administers_jira(call):
        raise forbidden("You are not authorized to perform this action. Administrator privileges are required.")


# -- groups ---------------------------------------------------------------------------------


def group_by_name(call: JiraCall, name: str) -> Group | None:
    return call.session.exec(
        select(Group).where(Group.tenant_id == call.tenant.id, Group.lower_name == name.strip().lower())
    ).first()


def find_group(call: JiraCall, name: str | None, group_id: str | None) -> Group:
    """By `groupname` or `groupId` (not both), as every group resource takes them."""
    if name and group_id:
        raise JiraError(400, "You must provide either a group name or a group ID, not both.")
    if not name and not group_id:
        raise JiraError(400, "Either a group name or a group ID must be provided.")
    row = call.session.get(Group, (call.tenant.id, group_id)) if group_id else group_by_name(call, name or "")
    if row is None:
        raise JiraError(404, GROUP_NOT_FOUND)
    return row


def groups(call: JiraCall) -> list[Group]:
    rows = call.session.exec(select(Group).where(Group.tenant_id == call.tenant.id)).all()
    return sorted(rows, key=lambda g: g.lower_name)


def create_group(call: JiraCall, name: object) -> Group:
    if not isinstance(name, str) or not name.strip():
        raise JiraError(400, "You must specify a group name.")
    if group_by_name(call, name) is not None:
        raise JiraError(400, "A group with that name already exists.")
    row = Group(
        tenant_id=call.tenant.id,
        id=call.tenant.ids.uuid4(),
        name=name.strip(),
        lower_name=name.strip().lower(),
        created=call.now(),
    )
    call.session.add(row)
    return row


def delete_group(call: JiraCall, row: Group) -> None:
    for member in members(call, row):
        call.session.delete(member)
    call.session.delete(row)


def members(call: JiraCall, row: Group) -> list[GroupMember]:
    return list(
        call.session.exec(
            select(GroupMember).where(GroupMember.tenant_id == call.tenant.id, GroupMember.group_id == row.id)
        ).all()
    )


def member_users(call: JiraCall, row: Group, include_inactive: bool = True) -> list[User]:
    """Members ordered as Jira orders them (by name; Cloud hides usernames, so by display name)."""
    ids = {m.account_id for m in members(call, row)}
    users = [u for u in all_users(call) if u.account_id in ids and (include_inactive or u.active)]
    return sorted(users, key=lambda u: (u.display_name.lower(), u.account_id))


def add_member(call: JiraCall, row: Group, account_id: str) -> bool:
    """True when the user joined; False when already a member (Jira answers the same either way)."""
    if call.session.get(GroupMember, (call.tenant.id, row.id, account_id)) is not None:
        return False
    call.session.add(GroupMember(tenant_id=call.tenant.id, group_id=row.id, account_id=account_id, created=call.now()))
    return True


def remove_member(call: JiraCall, row: Group, account_id: str) -> bool:
    found = call.session.get(GroupMember, (call.tenant.id, row.id, account_id))
    if found is None:
        return False
    call.session.delete(found)
    return True


def groups_of(call: JiraCall, account_id: str) -> list[Group]:
    ids = set(
        call.session.exec(
            select(GroupMember.group_id).where(
                GroupMember.tenant_id == call.tenant.id, GroupMember.account_id == account_id
            )
        ).all()
    )
    return [g for g in groups(call) if g.id in ids]


# -- users ----------------------------------------------------------------------------------


def all_users(call: JiraCall) -> list[User]:
    return list(call.session.exec(select(User).where(User.tenant_id == call.tenant.id)).all())


def existing_user(call: JiraCall, account_id: object) -> User:
    if not isinstance(account_id, str) or not account_id:
        raise JiraError(404, USER_NOT_FOUND)
    row = call.session.get(User, (call.tenant.id, account_id))
    if row is None:
        raise JiraError(404, USER_NOT_FOUND)
    return row


def user_by_email(call: JiraCall, email: str) -> User | None:
    return call.session.exec(
        select(User).where(User.tenant_id == call.tenant.id, User.email == email.strip().lower())
    ).first()


def _hex_id(call: JiraCall) -> str:
    return call.tenant.ids.draw(24, LOWER_HEX)


def create_user(call: JiraCall, email: str, display_name: str | None) -> tuple[User, bool]:
    """A user with Jira access; (user, created). An existing user with access is returned as is."""
    found = user_by_email(call, email)
    if found is not None and found.active:
        return found, False
    if found is not None:
        found.active = True
        call.session.add(found)
        _join_product(call, found.account_id)
        return found, True
    row = User(
        tenant_id=call.tenant.id,
        account_id=_hex_id(call),
        email=email.strip().lower(),
        # Cloud names a new account after its email until the person sets a name.
        display_name=(display_name or "").strip() or email.split("@", 1)[0],
        created=call.now(),
    )
    call.session.add(row)
    call.session.flush()
    _join_product(call, row.account_id)
    return row, True


def _join_product(call: JiraCall, account_id: str) -> None:
    product = group_by_name(call, PRODUCT_USERS)
    if product is not None:
        add_member(call, product, account_id)


def remove_user(call: JiraCall, row: User, on_commit: Callable[[], None]) -> None:
    """Removed from Jira's user base: no groups, no credentials; the Atlassian account stays (inactive)."""
    if row.account_id == call.account_id:
        raise JiraError(400, "You cannot delete yourself.")
    for membership in call.session.exec(
        select(GroupMember).where(GroupMember.tenant_id == call.tenant.id, GroupMember.account_id == row.account_id)
    ).all():
        call.session.delete(membership)
    for model in (ApiToken, AuthSession):
        for credential in call.session.exec(
            select(model).where(model.tenant_id == call.tenant.id, model.account_id == row.account_id)
        ).all():
            call.session.delete(credential)
    row.active = False
    call.session.add(row)
    call.after_commit.append(on_commit)
