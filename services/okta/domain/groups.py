"""Groups: creation, profile replacement, deletion, listing (q, filter, search) and membership rules.

Okta's rules kept here:
- group names are unique in the org, compared case-insensitively (E0000001 on `name`);
- only `OKTA_GROUP` groups are modified through the API: the built-in Everyone group
  (and imported `APP_GROUP`s) cannot be renamed, deleted or have members added/removed;
- deleting a group drops its memberships and its app assignments, and the apps those
  granted are revoked unless something else still grants them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlmodel import col, select

from services.okta import expressions, syslog
from services.okta.call import OktaCall
from services.okta.domain import membership
from services.okta.errors import OktaError, not_found, validation
from services.okta.models import AppGroup, Group, GroupMember, User
from services.okta.oktaids import new_id

# `filter` supports only these properties (Okta's Groups API reference).
FILTER_PATHS = frozenset({"id", "type", "lastupdated", "lastmembershipupdated"})
# `search` supports top-level properties and any profile attribute; `co` only on name/description.
SEARCH_PATHS = frozenset({"id", "type", "created", "lastupdated", "lastmembershipupdated", "source.id"})
CONTAINS_PATHS = frozenset({"profile.name", "profile.description"})
EDITABLE_TYPE = "OKTA_GROUP"


def find(call: OktaCall, group_id: str) -> Group:
    group = call.session.get(Group, (call.tenant.id, group_id))
    if group is None:
        raise not_found(group_id, "UserGroup")
    return group


def everyone(call: OktaCall) -> Group | None:
    return call.one(select(Group).where(Group.tenant_id == call.tenant.id, Group.type == "BUILT_IN"))


def _clean_profile(raw: Any) -> dict[str, Any]:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise OktaError("E0000003")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise validation("name: The field cannot be left blank", field="name")
    if len(name) > 255:
        raise validation("name: The field is too long", field="name")
    description = raw.get("description")
    if description is not None and not isinstance(description, str):
        raise validation("description: The field must be a string", field="description")
    return {**raw, "name": name, "description": description}


def _check_unique_name(call: OktaCall, name: str, except_id: str | None = None) -> None:
    clash = call.one(select(Group).where(Group.tenant_id == call.tenant.id, Group.name_lower == name.lower()))
    if clash is not None and clash.id != except_id:
        raise validation("name: An object with this field already exists in the current organization", field="name")


def create(call: OktaCall, body: dict[str, Any]) -> Group:
    profile = _clean_profile(body.get("profile"))
    _check_unique_name(call, profile["name"])
    now = call.now()
    group = Group(
        tenant_id=call.tenant.id,
        id=new_id(call.tenant, "00g"),
        type=EDITABLE_TYPE,
        profile=profile,
        name_lower=profile["name"].lower(),
        created=now,
        last_updated=now,
        last_membership_updated=now,
        seq=call.next_seq("group"),
    )
    call.session.add(group)
    syslog.record(call, "group.lifecycle.create", targets=[syslog.group_target(group)])
    return group


def require_editable(group: Group) -> None:
    """Everyone (BUILT_IN) and imported APP_GROUPs are managed by Okta or their source, not the API."""
    if group.type != EDITABLE_TYPE:
        raise OktaError("E0000006")


def replace(call: OktaCall, group: Group, body: dict[str, Any]) -> Group:
    require_editable(group)
    profile = _clean_profile(body.get("profile"))
    _check_unique_name(call, profile["name"], except_id=group.id)
    group.profile = profile
    group.name_lower = profile["name"].lower()
    group.last_updated = call.now()
    call.session.add(group)
    syslog.record(call, "group.profile.update", targets=[syslog.group_target(group)])
    return group


def delete(call: OktaCall, group: Group) -> None:
    require_editable(group)
    tid = call.tenant.id
    member_ids = list(call.session.exec(select(GroupMember.user_id).where(_members_of(call, group.id))))
    grants = list(call.session.exec(select(AppGroup).where(AppGroup.tenant_id == tid, AppGroup.group_id == group.id)))
    for row in call.session.exec(select(GroupMember).where(_members_of(call, group.id))):
        call.session.delete(row)
    for grant in grants:
        call.session.delete(grant)
    call.session.flush()
    for grant in grants:
        for user_id in member_ids:
            membership.reconcile(call, grant.app_id, user_id)
    syslog.record(call, "group.lifecycle.delete", targets=[syslog.group_target(group)])
    call.session.delete(group)


def _members_of(call: OktaCall, group_id: str) -> Any:
    return (col(GroupMember.tenant_id) == call.tenant.id) & (col(GroupMember.group_id) == group_id)


# -- membership -------------------------------------------------------------------


def add_member(call: OktaCall, group: Group, user: User) -> None:
    if group.type == "BUILT_IN":
        # Okta keeps Everyone's membership itself: "Unsupported operation."
        raise OktaError("E0000060")
    require_editable(group)
    membership.add_member(call, group, user)


def remove_member(call: OktaCall, group: Group, user: User) -> None:
    require_editable(group)
    membership.remove_member(call, group, user)


def members_page(call: OktaCall, group: Group, after: int, limit: int) -> list[tuple[int, User]]:
    """Members in the order they were added, from position `after`, at most `limit` rows."""
    tid = call.tenant.id
    statement = (
        select(GroupMember.seq, User)
        .join(User, (col(User.tenant_id) == col(GroupMember.tenant_id)) & (col(User.id) == col(GroupMember.user_id)))
        .where(_members_of(call, group.id), col(GroupMember.seq) > after, User.tenant_id == tid)
        .order_by(col(GroupMember.seq))
        .limit(limit)
    )
    return [(seq, user) for seq, user in call.session.exec(statement)]


def stats(call: OktaCall, group: Group) -> dict[str, Any]:
    tid = call.tenant.id
    users = len(list(call.session.exec(select(GroupMember.user_id).where(_members_of(call, group.id)))))
    apps = len(
        list(call.session.exec(select(AppGroup.app_id).where(AppGroup.tenant_id == tid, AppGroup.group_id == group.id)))
    )
    # The spec spells the last property `hasAdminPrivlege`; so does the okta SDK's model.
    return {"usersCount": users, "appsCount": apps, "groupPushMappingsCount": 0, "hasAdminPrivlege": False}


# -- listing ----------------------------------------------------------------------


def _resolver(group: Group) -> Callable[[str], Any]:
    profile = group.profile or {}

    def resolve(path: str) -> Any:
        lowered = path.lower()
        if lowered == "id":
            return group.id
        if lowered == "type":
            return group.type
        if lowered == "created":
            return group.created
        if lowered == "lastupdated":
            return group.last_updated
        if lowered == "lastmembershipupdated":
            return group.last_membership_updated
        if lowered.startswith("profile."):
            return profile.get(path.split(".", 1)[1])
        return None

    return resolve


def _parse(text: str, allowed: Callable[[expressions.Comparison], bool]) -> expressions.Expression:
    try:
        expression = expressions.parse(text)
    except expressions.InvalidExpression:
        raise OktaError("E0000031") from None
    for comparison in _comparisons(expression):
        if not allowed(comparison):
            raise OktaError("E0000031")
    return expression


def _comparisons(expression: expressions.Expression) -> Iterator[expressions.Comparison]:
    if isinstance(expression, expressions.Logical):
        yield from _comparisons(expression.left)
        yield from _comparisons(expression.right)
    elif isinstance(expression, expressions.Not):
        yield from _comparisons(expression.inner)
    else:
        yield expression


def _filter_allows(comparison: expressions.Comparison) -> bool:
    return comparison.path.lower() in FILTER_PATHS and comparison.op in ("eq", "gt", "ge", "lt", "le")


def _search_allows(comparison: expressions.Comparison) -> bool:
    path = comparison.path.lower()
    if not (path in SEARCH_PATHS or path.startswith("profile.")):
        return False
    if comparison.op == "co":
        return path in CONTAINS_PATHS
    return comparison.op in ("eq", "sw", "gt", "ge", "lt", "le", "ne", "pr")


def matcher(call: OktaCall) -> Callable[[Group], bool]:
    """The predicate for `q` (name starts with), `filter` and `search`, all of which may combine."""
    tests: list[Callable[[Group], bool]] = []
    q = call.query.get("q")
    if q:
        prefix = q.lower()
        tests.append(lambda group: group.name_lower.startswith(prefix))
    raw_filter = call.query.get("filter")
    if raw_filter:
        filter_expression = _parse(raw_filter, _filter_allows)
        tests.append(lambda group: expressions.evaluate(filter_expression, _resolver(group)))
    raw_search = call.query.get("search")
    if raw_search:
        search_expression = _parse(raw_search, _search_allows)
        tests.append(lambda group: expressions.evaluate(search_expression, _resolver(group)))
    return lambda group: all(test(group) for test in tests)


def page(call: OktaCall, after: int, limit: int) -> list[Group]:
    """Matching groups in creation order after position `after`: at most `limit` rows."""
    matches = matcher(call)
    found: list[Group] = []
    statement = select(Group).where(Group.tenant_id == call.tenant.id, col(Group.seq) > after).order_by(col(Group.seq))
    for group in call.session.exec(statement):
        if matches(group):
            found.append(group)
            if len(found) >= limit:
                break
    return found
