"""Listing users as `GET /api/v1/users` does: plain, `q`, `filter` or `search`, with cursors.

Okta's rules kept here (Users API reference, `listUsers`):
- without a query, and with `q`, DEPROVISIONED users are left out; `filter` and `search`
  include them;
- `q` is a startsWith match on firstName, lastName or email, case-insensitive, limited to
  `limit` (default 10) and not paginated;
- `filter` supports status, lastUpdated, id, profile.login, profile.email,
  profile.firstName and profile.lastName, only `eq` (and gt/ge/lt/le on lastUpdated),
  `and`/`or`; property names and values are case-sensitive;
- `search` supports any profile attribute and the top-level id, status, created,
  activated, statusChanged, lastUpdated and type.id; operators eq, sw, gt, ge, lt, le,
  pr, and `co` only on profile.firstName/lastName/email/login; `ne` is not supported;
  values are case-insensitive; `sortBy`/`sortOrder` order the results (ties by id);
- an expression Okta cannot evaluate is E0000031 "Invalid search criteria.";
  `search` together with `filter` is E0000033.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from services.okta import expressions
from services.okta.call import OktaCall
from services.okta.errors import OktaError
from services.okta.expressions import Comparison, Expression, InvalidExpression, Logical, Not
from services.okta.models import User
from services.okta.paging import PageRequest, page_request
from services.okta.timefmt import parse_iso

MAX_LIMIT = 200
DEFAULT_LIMIT = 200
Q_DEFAULT_LIMIT = 10
FILTER_PATHS = frozenset(
    {"status", "lastUpdated", "id", "profile.login", "profile.email", "profile.firstName", "profile.lastName"}
)
SEARCH_TOP_LEVEL = frozenset(
    {"id", "status", "created", "activated", "statusChanged", "lastUpdated", "lastLogin", "passwordChanged", "type.id"}
)
CONTAINS_PATHS = frozenset({"profile.firstName", "profile.lastName", "profile.email", "profile.login"})
SEARCH_OPERATORS = frozenset({"eq", "sw", "co", "gt", "ge", "lt", "le", "pr"})
RANGE_OPERATORS = frozenset({"gt", "ge", "lt", "le"})


@dataclass
class UserPage:
    users: list[User]
    positions: list[int]  # the cursor position of each row (fetched with one extra row)
    page: PageRequest
    paginated: bool = True  # `q` answers are not paginated


def resolver(user: User) -> Callable[[str], Any]:
    """Attribute path -> value; dates as epoch seconds (compared with ISO strings)."""
    dates: dict[str, float | None] = {
        "created": user.created,
        "activated": user.activated,
        "statusChanged": user.status_changed,
        "lastUpdated": user.last_updated,
        "lastLogin": user.last_login,
        "passwordChanged": user.password_changed,
    }

    def resolve(path: str) -> Any:
        if path.startswith("profile."):
            return (user.profile or {}).get(path[len("profile.") :])
        if path in dates:
            return dates[path]
        if path == "id":
            return user.id
        if path == "status":
            return user.status
        if path == "type.id":
            return user.type_id or "oty_default"
        return None

    return resolve


def _parse(text: str) -> Expression:
    try:
        return expressions.parse(text)
    except InvalidExpression:
        raise OktaError("E0000031") from None


def _comparisons(expression: Expression, *, allow_not: bool) -> list[Comparison]:
    if isinstance(expression, Logical):
        return _comparisons(expression.left, allow_not=allow_not) + _comparisons(expression.right, allow_not=allow_not)
    if isinstance(expression, Not):
        if not allow_not:
            raise OktaError("E0000031")
        return _comparisons(expression.inner, allow_not=allow_not)
    return [expression]


def filter_matcher(text: str) -> Callable[[User], bool]:
    expression = _parse(text)
    for comparison in _comparisons(expression, allow_not=False):
        if comparison.path not in FILTER_PATHS:
            raise OktaError("E0000031")
        allowed = {"eq"} | (RANGE_OPERATORS if comparison.path == "lastUpdated" else set())
        if comparison.op not in allowed or not isinstance(comparison.value, str):
            raise OktaError("E0000031")
        if comparison.path == "lastUpdated":
            _check_date(comparison.value)

    def match(user: User) -> bool:
        return _exact(expression, resolver(user))

    return match


def _check_date(value: str) -> None:
    try:
        parse_iso(value)
    except ValueError:
        raise OktaError("E0000031") from None


def _exact(expression: Expression, resolve: Callable[[str], Any]) -> bool:
    """Filter semantics: string values compare case-sensitively."""
    if isinstance(expression, Logical):
        if expression.op == "and":
            return _exact(expression.left, resolve) and _exact(expression.right, resolve)
        return _exact(expression.left, resolve) or _exact(expression.right, resolve)
    if isinstance(expression, Not):
        return not _exact(expression.inner, resolve)
    actual = resolve(expression.path)
    if isinstance(actual, int | float):
        return expressions.evaluate(expression, resolve)  # dates: epoch against the ISO value
    return expression.op == "eq" and actual == expression.value


def search_matcher(text: str) -> Callable[[User], bool]:
    expression = _parse(text)
    for comparison in _comparisons(expression, allow_not=True):
        path, op = comparison.path, comparison.op
        if not (path.startswith("profile.") and len(path) > len("profile.")) and path not in SEARCH_TOP_LEVEL:
            raise OktaError("E0000031")
        if op not in SEARCH_OPERATORS or (op == "co" and path not in CONTAINS_PATHS):
            raise OktaError("E0000031")
        if op != "pr" and comparison.value is None:
            raise OktaError("E0000031")

    def match(user: User) -> bool:
        return expressions.evaluate(expression, resolver(user))

    return match


def _sort_key(path: str) -> Callable[[User], tuple[Any, ...]]:
    def key(user: User) -> tuple[Any, ...]:
        value = resolver(user)(path)
        if value is None:
            return (1, "", user.id)  # absent values sort last
        if isinstance(value, str):
            return (0, value.lower(), user.id)
        if isinstance(value, bool | int | float):
            return (0, f"{float(value):030.6f}", user.id)
        return (0, str(value), user.id)

    return key


def _all(call: OktaCall) -> list[User]:
    statement = select(User).where(User.tenant_id == call.tenant.id).order_by(col(User.seq))
    return list(call.session.exec(statement).all())


def list_users(call: OktaCall) -> UserPage:
    query, filter_text, search_text = call.query.get("q"), call.query.get("filter"), call.query.get("search")
    if filter_text and search_text:
        raise OktaError("E0000033")
    if search_text:
        return _searched(call, search_matcher(search_text), call.query.get("sortBy"), call.query.get("sortOrder"))
    if filter_text:
        return _searched(call, filter_matcher(filter_text), None, None)
    if query:
        return _found(call, query)
    page = page_request(call, DEFAULT_LIMIT, MAX_LIMIT)
    statement = (
        select(User)
        .where(User.tenant_id == call.tenant.id, User.status != "DEPROVISIONED", col(User.seq) > page.after)
        .order_by(col(User.seq))
        .limit(page.limit + 1)
    )
    rows = list(call.session.exec(statement).all())
    return UserPage(rows, [u.seq for u in rows], page)


def _searched(call: OktaCall, match: Callable[[User], bool], sort_by: str | None, sort_order: str | None) -> UserPage:
    page = page_request(call, DEFAULT_LIMIT, MAX_LIMIT)
    matched = [user for user in _all(call) if match(user)]
    if not sort_by:
        rows = [user for user in matched if user.seq > page.after][: page.limit + 1]
        return UserPage(rows, [u.seq for u in rows], page)
    # Sorted results page by offset: the cursor is the position in the sorted list.
    matched.sort(key=_sort_key(sort_by), reverse=(sort_order or "asc").lower() == "desc")
    rows = matched[page.after : page.after + page.limit + 1]
    return UserPage(rows, list(range(page.after + 1, page.after + len(rows) + 1)), page)


def _found(call: OktaCall, query: str) -> UserPage:
    page = page_request(call, Q_DEFAULT_LIMIT, MAX_LIMIT)
    needle = query.lower()

    def starts(user: User) -> bool:
        profile = user.profile or {}
        return any(
            isinstance(profile.get(name), str) and str(profile[name]).lower().startswith(needle)
            for name in ("firstName", "lastName", "email")
        )

    rows = [u for u in _all(call) if u.status != "DEPROVISIONED" and starts(u)][: page.limit]
    return UserPage(rows, [u.seq for u in rows], PageRequest(limit=page.limit, after=0), paginated=False)
