"""Evaluating a parsed JQL query over a site's issues, with Jira's validation messages.

Every clause is compiled into a predicate before any issue is looked at, so a bad
value (`project = NOPE`), an unknown field or an unsupported operator is reported even
when the site has no issues, as Jira validates queries.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import select

from services.jira import adf, catalog
from services.jira.call import JiraCall
from services.jira.domain import flows, lookup
from services.jira.domain.fields import custom_fields
from services.jira.jql.parser import And, Clause, Function, JqlSyntaxError, Not, Or, Query, Value, parse
from services.jira.models import ChangeGroup, Comment, CustomField, Issue, Project, User

Predicate = Callable[[Issue], bool]


def invalid(message: str) -> Exception:
    return JqlSyntaxError(message)


# -- field catalogue ---------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    id: str  # what the issue carries (or a pseudo field: text, key)
    name: str  # as Jira names it in messages
    kind: str  # ref | user | key | labels | date | day | text | number | parent
    operators: tuple[str, ...]
    history: bool = False


EQ = ("=", "!=", "in", "not in", "is", "is not")
ORDERED = ("=", "!=", ">", ">=", "<", "<=", "in", "not in", "is", "is not")
TEXT = ("~", "!~", "is", "is not")
WAS = ("was", "was not", "was in", "was not in")

SYSTEM: dict[str, FieldSpec] = {
    "project": FieldSpec("project", "project", "ref", EQ),
    "status": FieldSpec("status", "status", "ref", EQ + WAS, history=True),
    "statuscategory": FieldSpec("statusCategory", "statusCategory", "ref", EQ),
    "priority": FieldSpec("priority", "priority", "ref", ORDERED + WAS, history=True),
    "issuetype": FieldSpec("issuetype", "issuetype", "ref", EQ),
    "type": FieldSpec("issuetype", "type", "ref", EQ),
    "resolution": FieldSpec("resolution", "resolution", "ref", EQ + WAS, history=True),
    "assignee": FieldSpec("assignee", "assignee", "user", EQ + WAS, history=True),
    "reporter": FieldSpec("reporter", "reporter", "user", EQ + WAS, history=True),
    "creator": FieldSpec("creator", "creator", "user", EQ),
    "key": FieldSpec("key", "key", "key", ORDERED),
    "issuekey": FieldSpec("key", "issuekey", "key", ORDERED),
    "id": FieldSpec("key", "id", "key", ORDERED),
    "issue": FieldSpec("key", "issue", "key", ORDERED),
    "parent": FieldSpec("parent", "parent", "parent", ("=", "!=", "in", "not in")),
    "labels": FieldSpec("labels", "labels", "labels", EQ),
    "created": FieldSpec("created", "created", "date", ORDERED),
    "createddate": FieldSpec("created", "createdDate", "date", ORDERED),
    "updated": FieldSpec("updated", "updated", "date", ORDERED),
    "updateddate": FieldSpec("updated", "updatedDate", "date", ORDERED),
    "resolutiondate": FieldSpec("resolutiondate", "resolutiondate", "date", ORDERED),
    "resolved": FieldSpec("resolutiondate", "resolved", "date", ORDERED),
    "statuscategorychangeddate": FieldSpec("statuscategorychangedate", "statusCategoryChangedDate", "date", ORDERED),
    "duedate": FieldSpec("duedate", "duedate", "day", ORDERED),
    "due": FieldSpec("duedate", "due", "day", ORDERED),
    "summary": FieldSpec("summary", "summary", "text", TEXT),
    "description": FieldSpec("description", "description", "text", TEXT),
    "environment": FieldSpec("environment", "environment", "text", TEXT),
    "comment": FieldSpec("comment", "comment", "text", ("~", "!~")),
    "text": FieldSpec("text", "text", "text", ("~",)),
}

CUSTOM_KINDS = {
    "textfield": ("text", TEXT),
    "textarea": ("text", TEXT),
    "url": ("text", TEXT),
    "float": ("number", ORDERED),
    "datepicker": ("day", ORDERED),
    "datetime": ("date", ORDERED),
    "labels": ("labels", EQ),
    "userpicker": ("user", EQ),
}
_CF = re.compile(r"^cf\[(\d+)\]$", re.IGNORECASE)


# -- per-search context ------------------------------------------------------------------


@dataclass
class Context:
    call: JiraCall
    now: float
    projects: dict[str, Project]
    users: dict[str, User]
    customs: dict[str, CustomField]
    issues: list[Issue]
    _comments: dict[str, list[str]] | None = None
    _history: dict[str, list[ChangeGroup]] | None = None
    by_id: dict[str, Issue] = field(default_factory=dict)

    def comments(self, issue: Issue) -> list[str]:
        if self._comments is None:
            rows = self.call.session.exec(select(Comment).where(Comment.tenant_id == self.call.tenant.id)).all()
            self._comments = {}
            for row in rows:
                self._comments.setdefault(row.issue_id, []).append(adf.plain_text(row.body))
        return self._comments.get(issue.id, [])

    def history(self, issue: Issue) -> list[ChangeGroup]:
        if self._history is None:
            rows = self.call.session.exec(select(ChangeGroup).where(ChangeGroup.tenant_id == self.call.tenant.id)).all()
            self._history = {}
            for row in sorted(rows, key=lambda g: int(g.id)):
                self._history.setdefault(row.issue_id, []).append(row)
        return self._history.get(issue.id, [])


def context(call: JiraCall) -> Context:
    tid = call.tenant.id
    projects = {
        p.id: p for p in call.session.exec(select(Project).where(Project.tenant_id == tid)).all() if not p.deleted
    }
    issues = [
        i for i in call.session.exec(select(Issue).where(Issue.tenant_id == tid)).all() if i.project_id in projects
    ]
    users = {u.account_id: u for u in call.session.exec(select(User).where(User.tenant_id == tid)).all()}
    ctx = Context(call, call.now(), projects, users, custom_fields(call), issues)
    ctx.by_id = {i.id: i for i in issues}
    return ctx


def resolve_field(ctx: Context, name: str) -> FieldSpec:
    lowered = name.lower()
    if lowered in SYSTEM:
        return SYSTEM[lowered]
    match = _CF.match(name)
    row = None
    if match:
        row = ctx.customs.get(f"customfield_{match.group(1)}")
    else:
        row = next((c for c in ctx.customs.values() if c.name.lower() == lowered), None)
    if row is None:
        raise invalid(f"Field '{name}' does not exist or you do not have permission to view it.")
    kind, operators = CUSTOM_KINDS[row.type.removeprefix(catalog.CUSTOM_TYPE_PREFIX)]
    return FieldSpec(row.id, name, kind, operators)


# -- operand values ----------------------------------------------------------------------

_PERIOD = re.compile(r"^([+-]?)((?:\d+\s*[wdhm]\s*)+)$", re.IGNORECASE)
_PERIOD_PART = re.compile(r"(\d+)\s*([wdhm])", re.IGNORECASE)
PERIOD_SECONDS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60}
DATE_FORMATS = ("%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d")


def _period(text: str) -> float | None:
    match = _PERIOD.match(text.strip())
    if not match:
        return None
    seconds = sum(int(n) * PERIOD_SECONDS[u.lower()] for n, u in _PERIOD_PART.findall(match.group(2)))
    return -seconds if match.group(1) == "-" else seconds


def _date_error(text: str, spec: FieldSpec) -> Exception:
    return invalid(
        f"Date value '{text}' for field '{spec.name}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', "
        "'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'."
    )


# A function's increment: (+/-)nn(y|M|w|d|h|m); without a unit, the function's own period
# (startOfMonth(-1) is the start of last month), as Atlassian's JQL function reference says.
_INCREMENT = re.compile(r"^([+-]?)(\d+)([yMwdhm]?)$")
NATURAL_UNIT = {"day": "d", "week": "w", "month": "M", "year": "y"}


def _shift(moment: datetime, text: str, name: str) -> datetime | None:
    match = _INCREMENT.match(text.strip().replace(" ", ""))
    if not match:
        return None
    sign = -1 if match.group(1) == "-" else 1
    amount = sign * int(match.group(2))
    unit = match.group(3) or next((u for k, u in NATURAL_UNIT.items() if name.endswith(k)), "d")
    if unit in ("M", "y"):
        months = moment.year * 12 + moment.month - 1 + (amount if unit == "M" else 12 * amount)
        year, month = divmod(months, 12)
        day = min(moment.day, calendar.monthrange(year, month + 1)[1])
        return moment.replace(year=year, month=month + 1, day=day)
    return moment + timedelta(seconds=amount * PERIOD_SECONDS[unit])


def _date_function(ctx: Context, fn: Function, spec: FieldSpec) -> float:
    now = datetime.fromtimestamp(ctx.now, tz=UTC)
    name = fn.name.lower()
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if name == "now":
        moment = now
    elif name == "startofday":
        moment = day
    elif name == "endofday":
        moment = day + timedelta(days=1) - timedelta(milliseconds=1)
    elif name == "startofweek":
        moment = day - timedelta(days=(day.weekday() + 1) % 7)  # weeks start on Sunday (en_US)
    elif name == "endofweek":
        moment = day - timedelta(days=(day.weekday() + 1) % 7) + timedelta(days=7) - timedelta(milliseconds=1)
    elif name == "startofmonth":
        moment = day.replace(day=1)
    elif name == "endofmonth":
        last = calendar.monthrange(day.year, day.month)[1]
        moment = day.replace(day=last) + timedelta(days=1) - timedelta(milliseconds=1)
    elif name == "startofyear":
        moment = day.replace(month=1, day=1)
    elif name == "endofyear":
        moment = day.replace(year=day.year + 1, month=1, day=1) - timedelta(milliseconds=1)
    else:
        raise _unknown_function(fn, spec)
    if fn.args:
        shifted = _shift(moment, fn.args[0], name)
        if shifted is None:
            raise invalid(f"Function '{fn.name}' was passed an invalid argument '{fn.args[0]}'.")
        moment = shifted
    return moment.timestamp()


def _unknown_function(fn: Function, spec: FieldSpec) -> Exception:
    known = {
        "now",
        "startofday",
        "endofday",
        "startofweek",
        "endofweek",
        "startofmonth",
        "endofmonth",
        "startofyear",
        "endofyear",
        "currentuser",
    }
    if fn.name.lower() in known:
        return invalid(f"A value provided by the function '{fn.name}' is invalid for the field '{spec.name}'.")
    return invalid(f"Unable to find JQL function '{fn.name}({', '.join(fn.args)})'.")


def date_value(ctx: Context, operand: Any, spec: FieldSpec) -> float:
    if isinstance(operand, Function):
        return _date_function(ctx, operand, spec)
    text = operand.text.strip()
    relative = _period(text)
    if relative is not None:
        return ctx.now + relative
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC).timestamp()
        except ValueError:
            continue
    if text.isdigit():  # epoch milliseconds are accepted too
        return int(text) / 1000
    raise _date_error(operand.text, spec)


def _ref_values(ctx: Context, spec: FieldSpec, operand: Any) -> set[str | None]:
    if operand is None:
        return {None}
    if isinstance(operand, Function):
        raise _unknown_function(operand, spec)
    text = operand.text
    if spec.id == "project":
        found = lookup.project_or_none(ctx.call, text)
        if found is None:
            found = next((p for p in ctx.projects.values() if p.name.lower() == text.lower()), None)
        if found is None:
            raise invalid(f"The value '{text}' does not exist for the field '{spec.name}'.")
        return {found.id}
    options: list[tuple[str, tuple[str, ...]]] = []
    if spec.id == "status":
        options = [(s.id, (s.id, s.name.lower())) for s in flows.all_statuses(ctx.call)]
    elif spec.id == "statusCategory":
        options = [(str(c.id), (str(c.id), c.key.lower(), c.name.lower())) for c in catalog.STATUS_CATEGORIES]
    elif spec.id == "priority":
        options = [(p.id, (p.id, p.name.lower())) for p in catalog.PRIORITIES]
    elif spec.id == "issuetype":
        options = [(t.id, (t.id, t.name.lower())) for t in catalog.ISSUE_TYPES]
    elif spec.id == "resolution":
        if text.lower() == "unresolved" and not operand.quoted:
            return {None}
        options = [(r.id, (r.id, r.name.lower())) for r in catalog.RESOLUTIONS]
    matches = {ident for ident, names in options if text.lower() in names}
    if not matches:
        raise invalid(f"The value '{text}' does not exist for the field '{spec.name}'.")
    return set(matches)


def _user_values(ctx: Context, spec: FieldSpec, operand: Any) -> set[str | None]:
    if operand is None:
        return {None}
    if isinstance(operand, Function):
        if operand.name.lower() == "currentuser":
            return {ctx.call.principal.subject if ctx.call.principal else "\x00anonymous"}
        raise _unknown_function(operand, spec)
    text = operand.text
    if text in ctx.users:
        return {text}
    found = {u.account_id for u in ctx.users.values() if text.lower() in (u.email.lower(), u.display_name.lower())}
    if not found:
        raise invalid(f"The value '{text}' does not exist for the field '{spec.name}'.")
    return set(found)


def _key_issue(ctx: Context, spec: FieldSpec, operand: Any) -> Issue:
    if operand is None or isinstance(operand, Function):
        raise invalid(f"The operator is not supported with that value for the '{spec.name}' field.")
    found = lookup.issue_or_none(ctx.call, operand.text)
    if found is None:
        raise invalid(f"An issue with key '{operand.text}' does not exist for field '{spec.name}'.")
    return found


# -- issue values ------------------------------------------------------------------------


def issue_value(ctx: Context, spec: FieldSpec, issue: Issue) -> Any:
    fid = spec.id
    if fid == "project":
        return issue.project_id
    if fid == "status":
        return issue.status_id
    if fid == "statusCategory":
        return str(flows.status(ctx.call, issue.status_id).category_id)
    if fid == "priority":
        return issue.priority_id
    if fid == "issuetype":
        return issue.issuetype_id
    if fid == "resolution":
        return issue.resolution_id
    if fid in ("assignee", "reporter"):
        return getattr(issue, f"{fid}_id")
    if fid == "creator":
        return issue.creator_id
    if fid == "labels":
        return issue.labels or []
    if fid in ("created", "updated", "resolutiondate"):
        return getattr(issue, fid)
    if fid == "statuscategorychangedate":
        return issue.status_category_changed
    if fid == "duedate":
        return _day(issue.duedate)
    if fid == "parent":
        return issue.parent_id
    if fid == "summary":
        return issue.summary
    if fid in ("description", "environment"):
        return adf.plain_text(getattr(issue, fid))
    if fid == "comment":
        return "\n".join(ctx.comments(issue))
    if fid == "text":
        parts = [issue.summary, adf.plain_text(issue.description), adf.plain_text(issue.environment)]
        parts += ctx.comments(issue)
        for cid, row in ctx.customs.items():
            stored = (issue.custom or {}).get(cid)
            if stored is not None and row.type.endswith(("textfield", "textarea", "url")):
                parts.append(adf.plain_text(stored) if isinstance(stored, dict) else str(stored))
        return "\n".join(p for p in parts if p)
    stored = (issue.custom or {}).get(fid)
    if spec.kind == "day":
        return _day(stored)
    if spec.kind == "labels":
        return stored or []
    if spec.kind == "text" and isinstance(stored, dict):
        return adf.plain_text(stored)
    return stored


def _day(text: str | None) -> float | None:
    if not text:
        return None
    return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC).timestamp()


# -- text matching -----------------------------------------------------------------------

_WORD = re.compile(r"[\w*?]+", re.UNICODE)
_SUFFIXES = ("ing", "ed", "es", "s")


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def text_matches(haystack: str, query: str) -> bool:
    """Jira-style `~`: every term must occur as a word (stemmed, case-insensitive); `*`/`?` are wildcards;
    a quoted phrase must occur as is."""
    lowered = haystack.lower()
    phrase = query.strip()
    if len(phrase) >= 2 and phrase[0] == phrase[-1] == '"':
        return phrase[1:-1].lower() in lowered
    words = {_stem(w) for w in _WORD.findall(lowered)}
    raw_words = set(_WORD.findall(lowered))
    terms = _WORD.findall(phrase.lower())
    if not terms:
        return False
    for term in terms:
        if "*" in term or "?" in term:
            pattern = re.compile("^" + re.escape(term).replace(r"\*", r"\w*").replace(r"\?", r"\w") + "$")
            if not any(pattern.match(w) for w in raw_words):
                return False
        elif _stem(term) not in words:
            return False
    return True


# -- compiling clauses -------------------------------------------------------------------


def compile_node(ctx: Context, node: Any) -> Predicate:
    if isinstance(node, And):
        parts = [compile_node(ctx, p) for p in node.parts]
        return lambda issue: all(p(issue) for p in parts)
    if isinstance(node, Or):
        parts = [compile_node(ctx, p) for p in node.parts]
        return lambda issue: any(p(issue) for p in parts)
    if isinstance(node, Not):
        inner = compile_node(ctx, node.part)
        return lambda issue: not inner(issue)
    return compile_clause(ctx, node)


def _operands(operand: Any) -> list[Any]:
    return list(operand) if isinstance(operand, tuple) else [operand]


def compile_clause(ctx: Context, clause: Clause) -> Predicate:
    spec = resolve_field(ctx, clause.field)
    op = clause.operator
    if op not in spec.operators:
        raise invalid(f"The operator '{op}' is not supported by the '{clause.field}' field.")
    if op in ("is", "is not"):

        def empty(issue: Issue) -> bool:
            value = issue_value(ctx, spec, issue)
            return value is None or value == "" or value == []

        return empty if op == "is" else (lambda issue: not empty(issue))
    if spec.kind == "text":
        if not isinstance(clause.operand, Value):
            raise invalid(f"The operator '{op}' only supports a text value for the '{clause.field}' field.")
        query = clause.operand.text
        positive = op == "~"
        return lambda issue: text_matches(str(issue_value(ctx, spec, issue) or ""), query) == positive
    if op.startswith("was"):
        return _compile_was(ctx, spec, clause)
    if spec.kind in ("ref", "user"):
        resolve = _ref_values if spec.kind == "ref" else _user_values
        wanted: set[str | None] = set()
        for operand in _operands(clause.operand):
            wanted |= resolve(ctx, spec, operand)
        if op in (">", ">=", "<", "<="):
            return _compile_rank(spec, op, wanted)
        negate = op in ("!=", "not in")

        def member(issue: Issue) -> bool:
            value = issue_value(ctx, spec, issue)
            if negate:
                # Jira: `assignee != x` does not match unassigned issues (EMPTY is never "not x").
                return value is not None and value not in wanted
            return value in wanted

        return member
    if spec.kind == "labels":
        wanted_labels = {None if o is None else o.text for o in _operands(clause.operand)}
        negate = op in ("!=", "not in")

        def has_label(issue: Issue) -> bool:
            labels = set(issue_value(ctx, spec, issue))
            hit = bool(labels & wanted_labels) or (None in wanted_labels and not labels)
            return (not hit and bool(labels)) if negate else hit

        return has_label
    if spec.kind == "key":
        targets = [_key_issue(ctx, spec, o) for o in _operands(clause.operand)]
        if op in ("=", "in"):
            ids = {t.id for t in targets}
            return lambda issue: issue.id in ids
        if op in ("!=", "not in"):
            ids = {t.id for t in targets}
            return lambda issue: issue.id not in ids
        (target,) = targets
        compare = _comparator(op)
        return lambda issue: issue.project_id == target.project_id and compare(issue.number, target.number)
    if spec.kind == "parent":
        parents = {_key_issue(ctx, spec, o).id for o in _operands(clause.operand)}
        if op in ("=", "in"):
            return lambda issue: issue.parent_id in parents
        return lambda issue: issue.parent_id is not None and issue.parent_id not in parents
    if spec.kind in ("date", "day", "number"):
        values: list[float | None] = []
        for operand in _operands(clause.operand):
            if operand is None:
                values.append(None)
            elif spec.kind == "number":
                try:
                    values.append(float(operand.text))
                except (AttributeError, ValueError):
                    raise invalid(
                        f"The value '{getattr(operand, 'text', operand)}' does not exist for the field "
                        f"'{clause.field}'."
                    ) from None
            else:
                moment = date_value(ctx, operand, spec)
                values.append(_truncate(moment, spec.kind) if op in ("=", "!=", "in", "not in") else moment)
        if op in ("=", "in", "!=", "not in"):
            wanted_values = set(values)
            negate = op in ("!=", "not in")

            def equal(issue: Issue) -> bool:
                value = issue_value(ctx, spec, issue)
                value = _truncate(value, spec.kind) if value is not None and spec.kind != "number" else value
                if negate:
                    return value is not None and value not in wanted_values
                return value in wanted_values

            return equal
        bound = values[0]
        compare = _comparator(op)

        def ordered(issue: Issue) -> bool:
            value = issue_value(ctx, spec, issue)
            return value is not None and bound is not None and compare(value, bound)

        return ordered
    raise invalid(f"The operator '{op}' is not supported by the '{clause.field}' field.")


def _truncate(moment: float, kind: str) -> float:
    """Dates compare by day, date-times to the minute (JQL's date values carry no seconds)."""
    if kind == "day":
        return moment - (moment % 86400)
    if kind == "date":
        return moment - (moment % 60)
    return moment


def _comparator(op: str) -> Callable[[Any, Any], bool]:
    return {
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
    }[op]


PRIORITY_RANK = {p.id: len(catalog.PRIORITIES) - index for index, p in enumerate(catalog.PRIORITIES)}


def _compile_rank(spec: FieldSpec, op: str, wanted: set[str | None]) -> Predicate:
    if spec.id != "priority" or len(wanted) != 1 or None in wanted:
        raise invalid(f"The operator '{op}' is not supported by the '{spec.name}' field.")
    (target,) = wanted
    bound = PRIORITY_RANK[str(target)]
    compare = _comparator(op)
    return lambda issue: issue.priority_id is not None and compare(PRIORITY_RANK[issue.priority_id], bound)


def _compile_was(ctx: Context, spec: FieldSpec, clause: Clause) -> Predicate:
    if not spec.history:
        raise invalid(f"History searches are not supported for the '{clause.field}' field.")
    resolve = _ref_values if spec.kind == "ref" else _user_values
    wanted: set[str | None] = set()
    for operand in _operands(clause.operand):
        wanted |= resolve(ctx, spec, operand)
    negate = "not" in clause.operator

    def values_over_time(issue: Issue) -> set[str | None]:
        seen: set[str | None] = set()
        first = True
        for group in ctx.history(issue):
            for item in group.items or []:
                if item.get("fieldId") != spec.id:
                    continue
                if first:
                    seen.add(item.get("from"))
                    first = False
                seen.add(item.get("to"))
        if first:
            seen.add(issue_value(ctx, spec, issue))
        return seen

    def was(issue: Issue) -> bool:
        hit = bool(values_over_time(issue) & wanted)
        return not hit if negate else hit

    return was


# -- ordering ----------------------------------------------------------------------------


TYPE_RANK = {t.id: index for index, t in enumerate(catalog.ISSUE_TYPES)}


def sort_key(ctx: Context, name: str) -> Callable[[Issue], Any]:
    lowered = name.lower()
    if lowered in ("key", "issuekey", "id", "issue"):
        return lambda i: (ctx.projects[i.project_id].key, i.number)
    if lowered == "priority":
        return lambda i: PRIORITY_RANK.get(i.priority_id or "")
    if lowered == "status":
        # Jira orders statuses by their sequence: the built-in ones, then custom ones as created.
        rank = {s.id: index for index, s in enumerate(flows.all_statuses(ctx.call))}
        return lambda i: rank.get(i.status_id)
    if lowered in ("issuetype", "type"):
        return lambda i: TYPE_RANK.get(i.issuetype_id)
    if lowered == "project":
        return lambda i: ctx.projects[i.project_id].name.lower()
    if lowered in ("assignee", "reporter", "creator"):

        def person(i: Issue) -> Any:
            account = i.creator_id if lowered == "creator" else getattr(i, f"{lowered}_id")
            user = ctx.users.get(account or "")
            return user.display_name.lower() if user else None

        return person
    if lowered == "summary":
        return lambda i: i.summary.lower()
    spec = resolve_field(ctx, name)
    if spec.kind in ("text", "labels") and spec.id not in ctx.customs:
        raise invalid(f"Field '{name}' does not support sorting.")
    return lambda i: _sortable(issue_value(ctx, spec, i))


def _sortable(value: Any) -> Any:
    if isinstance(value, list):
        return " ".join(value) or None
    return value


def _ordered(issues: list[Issue], key: Callable[[Issue], Any], descending: bool) -> list[Issue]:
    present = [i for i in issues if key(i) is not None]
    missing = [i for i in issues if key(i) is None]
    present.sort(key=key, reverse=descending)
    # Empty values sort last ascending and first descending, as in Jira.
    return missing + present if descending else present + missing


def search(call: JiraCall, jql: str) -> tuple[list[Issue], Query]:
    query = parse(jql)
    ctx = context(call)
    predicate = compile_node(ctx, query.where) if query.where is not None else (lambda issue: True)
    keys = [(sort_key(ctx, item.field), item.descending) for item in query.order]
    matched = [i for i in ctx.issues if predicate(i)]
    if not keys:
        keys = [(lambda i: i.created, True)]
    matched.sort(key=lambda i: int(i.id), reverse=True)  # ties: newest first
    for key, descending in reversed(keys):
        matched = _ordered(matched, key, descending)
    return matched, query
