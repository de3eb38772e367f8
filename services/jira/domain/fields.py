"""The issue fields a client may set, their metadata (createmeta/editmeta), and setting them.

Which fields are settable is one table (`settable`), so createmeta, editmeta, create,
edit and transition screens agree: a field outside it is refused with Jira's
"cannot be set" error. Values are checked as Jira checks them and every change is
returned as a changelog item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import select

from services.jira import adf, catalog, render
from services.jira.call import JiraCall
from services.jira.domain import lookup
from services.jira.models import CustomField, Issue, Project
from services.jira.timefmt import iso, parse_date, parse_datetime

MAX_SUMMARY = 255


class FieldProblem(Exception):
    """One field's value is not acceptable; collected into `errors{field: message}`."""


def cannot_be_set(field_id: str) -> str:
    return f"Field '{field_id}' cannot be set. It is not on the appropriate screen, or unknown."


@dataclass
class Item:
    """A changelog item."""

    field: str
    field_id: str
    from_: str | None
    from_string: str | None
    to: str | None
    to_string: str | None
    fieldtype: str = "jira"
    extra: dict[str, Any] | None = None

    def wire(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "field": self.field,
            "fieldtype": self.fieldtype,
            "fieldId": self.field_id,
            "from": self.from_,
            "fromString": self.from_string,
            "to": self.to,
            "toString": self.to_string,
        }
        body.update(self.extra or {})
        return body


def custom_fields(call: JiraCall) -> dict[str, CustomField]:
    rows = call.session.exec(select(CustomField).where(CustomField.tenant_id == call.tenant.id)).all()
    return {row.id: row for row in rows}


# -- metadata ---------------------------------------------------------------------------


def _meta(
    field_id: str,
    name: str,
    schema: dict[str, Any] | None,
    *,
    required: bool = False,
    operations: tuple[str, ...] = ("set",),
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {"required": required}
    if schema is not None:
        body["schema"] = schema
    body.update({"name": name, "key": field_id, "hasDefaultValue": False, "operations": list(operations)})
    body.update(extra)
    return body


def settable(call: JiraCall, project: Project, itype: catalog.IssueType, mode: str) -> dict[str, dict[str, Any]]:
    """The create screen (`mode="create"`) or edit screen (`"edit"`) of a project and issue type."""
    sf = catalog.SYSTEM_FIELD_BY_ID
    user_search = f"{call.api}/user/assignable/search?project={project.key}&query="
    fields: dict[str, dict[str, Any]] = {}
    fields["summary"] = _meta("summary", "Summary", sf["summary"].schema, required=True)
    types = [t for t in catalog.ISSUE_TYPES if t.subtask == itype.subtask] if mode == "edit" else [itype]
    fields["issuetype"] = _meta(
        "issuetype",
        "Issue Type",
        sf["issuetype"].schema,
        required=True,
        allowedValues=[render.issue_type(call, t) for t in types],
    )
    fields["parent"] = _meta("parent", "Parent", {"type": "issuelink", "system": "parent"}, required=itype.subtask)
    if mode == "create":
        fields["project"] = _meta(
            "project", "Project", sf["project"].schema, required=True, allowedValues=[render.project_ref(call, project)]
        )
    fields["description"] = _meta("description", "Description", sf["description"].schema)
    fields["reporter"] = _meta(
        "reporter", "Reporter", sf["reporter"].schema, required=True, hasDefaultValue=True, autoCompleteUrl=user_search
    )
    fields["priority"] = _meta(
        "priority",
        "Priority",
        sf["priority"].schema,
        hasDefaultValue=True,
        allowedValues=[render.priority(call, p) for p in catalog.PRIORITIES],
        defaultValue=render.priority(call, catalog.PRIORITY_BY_ID[catalog.DEFAULT_PRIORITY]),
    )
    fields["labels"] = _meta(
        "labels",
        "Labels",
        sf["labels"].schema,
        operations=("add", "set", "remove"),
        autoCompleteUrl=f"{call.base}/rest/api/1.0/labels/suggest?query=",
    )
    fields["assignee"] = _meta("assignee", "Assignee", sf["assignee"].schema, autoCompleteUrl=user_search)
    fields["duedate"] = _meta("duedate", "Due date", sf["duedate"].schema)
    fields["environment"] = _meta("environment", "Environment", sf["environment"].schema)
    if mode == "edit":
        fields["comment"] = _meta("comment", "Comment", sf["comment"].schema, operations=("add", "edit", "remove"))
    for row in custom_fields(call).values():
        kind = catalog.CUSTOM_FIELD_TYPES[row.type.removeprefix(catalog.CUSTOM_TYPE_PREFIX)]
        ops = ("add", "set", "remove") if kind.schema_type == "array" else ("set",)
        fields[row.id] = _meta(row.id, row.name, render.custom_field_schema(row), operations=ops)
    return fields


# -- values -----------------------------------------------------------------------------


def _ref(value: Any) -> tuple[str | None, str | None]:
    """`{"id": ...}` / `{"name": ...}` / `{"key": ...}` -> (id, name-or-key)."""
    if not isinstance(value, dict):
        raise FieldProblem("")
    ident = value.get("id")
    other = value.get("name", value.get("key"))
    return (str(ident) if ident is not None else None), (str(other) if other is not None else None)


def parse_issue_type(value: Any) -> catalog.IssueType:
    try:
        ident, name = _ref(value)
    except FieldProblem:
        raise FieldProblem("The issue type selected is invalid.") from None
    for row in catalog.ISSUE_TYPES:
        if row.id == ident or (ident is None and name is not None and row.name.lower() == name.lower()):
            return row
    raise FieldProblem("The issue type selected is invalid.")


def parse_project(call: JiraCall, value: Any) -> Project:
    try:
        ident, key = _ref(value)
    except FieldProblem:
        raise FieldProblem("Specify a valid project ID or key") from None
    found = lookup.project_or_none(call, ident or key or "")
    if found is None:
        raise FieldProblem("Specify a valid project ID or key")
    return found


def _priority(value: Any) -> str:
    try:
        ident, name = _ref(value)
    except FieldProblem:
        raise FieldProblem("Specify the Priority (id or name) in the string format") from None
    for row in catalog.PRIORITIES:
        if row.id == ident or (ident is None and name is not None and row.name.lower() == name.lower()):
            return row.id
    raise FieldProblem("Specify a valid value for priority")


def _user(call: JiraCall, value: Any, field_id: str, *, nullable: bool) -> str | None:
    if value is None:
        if nullable:
            return None
        raise FieldProblem(f"Specify a valid value for {field_id}")
    account = value.get("accountId", value.get("id")) if isinstance(value, dict) else None
    if account is None and isinstance(value, dict) and "name" in value:
        # Cloud removed usernames (GDPR); the library's `issue.update(assignee="x")` sends `name`.
        raise FieldProblem(f"Specify a valid value for {field_id}")
    user = lookup.user_or_none(call, account)
    if user is None or not user.active:
        raise FieldProblem(f"Specify a valid value for {field_id}")
    return user.account_id


def _labels(value: Any, field_id: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise (
            FieldProblem(f"Field '{field_id}' must be an array of strings.")
            if False
            else FieldProblem("data was not an array")
        )
    for label in value:
        if " " in label.strip():
            raise FieldProblem(f"The label '{label}' contains spaces which is invalid.")
        if len(label) > 255:
            raise FieldProblem("The label must not exceed 255 characters.")
    result: list[str] = []
    for label in value:
        if label.strip() and label.strip() not in result:
            result.append(label.strip())
    return result


def _summary(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FieldProblem("You must specify a summary of the issue.")
    if "\n" in value or "\r" in value:
        raise FieldProblem("The summary is invalid because it contains newline characters.")
    if len(value) > MAX_SUMMARY:
        raise FieldProblem("Summary must be less than 255 characters.")
    return value.strip()


def _custom_value(call: JiraCall, row: CustomField, value: Any) -> Any:
    kind = row.type.removeprefix(catalog.CUSTOM_TYPE_PREFIX)
    if value is None:
        return None
    if kind in ("textfield", "url"):
        if not isinstance(value, str):
            raise FieldProblem("Operation value must be a string")
        if kind == "textfield" and len(value) > 255:
            raise FieldProblem("Please enter text no longer than 255 characters.")
        return value
    if kind == "textarea":
        try:
            return adf.accept(value, row.id, call.v3)
        except Exception:
            raise FieldProblem(adf.NOT_A_DOCUMENT if call.v3 else "Operation value must be a string") from None
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise FieldProblem("Operation value must be a number")
        return float(value)
    if kind == "datepicker":
        parsed = parse_date(value) if isinstance(value, str) else None
        if parsed is None:
            raise FieldProblem(f"Error parsing date string: {value}")
        return parsed
    if kind == "datetime":
        ts = parse_datetime(value) if isinstance(value, str) else None
        if ts is None:
            raise FieldProblem(f"Error parsing date string: {value}")
        return ts
    if kind == "labels":
        return _labels(value, row.id) or None
    if kind == "userpicker":
        return _user(call, value, row.id, nullable=True)
    raise FieldProblem(cannot_be_set(row.id))


def present_custom(call: JiraCall, row: CustomField, stored: Any) -> Any:
    kind = row.type.removeprefix(catalog.CUSTOM_TYPE_PREFIX)
    if stored is None:
        return None
    if kind == "textarea":
        return adf.present(stored, call.v3)
    if kind == "datetime":
        return iso(stored)
    if kind == "userpicker":
        return render.user_by_id(call, stored)
    return stored


def _custom_string(call: JiraCall, row: CustomField, stored: Any) -> str | None:
    if stored is None:
        return None
    kind = row.type.removeprefix(catalog.CUSTOM_TYPE_PREFIX)
    if kind == "textarea":
        return adf.to_text(stored)
    if kind == "labels":
        return " ".join(stored)
    if kind == "datetime":
        return iso(stored)
    if kind == "userpicker":
        user = lookup.user_or_none(call, stored)
        return user.display_name if user else stored
    if kind == "float":
        return f"{stored:g}"
    return str(stored)


# -- setting ----------------------------------------------------------------------------


Setter = Callable[[JiraCall, Issue, Any], "Item | None"]


def _named(value: str | None, names: dict[str, str]) -> str | None:
    return names.get(value) if value is not None else None


def set_field(call: JiraCall, issue: Issue, field_id: str, value: Any) -> Item | None:
    """Set one field on `issue` (already validated as settable); returns the changelog item or None."""
    if field_id == "summary":
        new = _summary(value)
        old = issue.summary
        issue.summary = new
        return Item("summary", "summary", None, old, None, new) if old != new else None
    if field_id in ("description", "environment"):
        doc = adf.accept(value, field_id, call.v3)
        old_doc = getattr(issue, field_id)
        setattr(issue, field_id, doc)
        if old_doc == doc:
            return None
        return Item(field_id, field_id, None, adf.to_text(old_doc), None, adf.to_text(doc))
    if field_id == "issuetype":
        new_type = parse_issue_type(value)
        current = catalog.ISSUE_TYPE_BY_ID[issue.issuetype_id]
        if new_type.subtask != current.subtask:
            raise FieldProblem("The issue type selected is invalid.")
        old_id, issue.issuetype_id = issue.issuetype_id, new_type.id
        if old_id == new_type.id:
            return None
        return Item("issuetype", "issuetype", old_id, current.name, new_type.id, new_type.name)
    if field_id == "priority":
        new_id = _priority(value)
        old_priority, issue.priority_id = issue.priority_id, new_id
        names = {p.id: p.name for p in catalog.PRIORITIES}
        return (
            Item("priority", "priority", old_priority, _named(old_priority, names), new_id, names[new_id])
            if old_priority != new_id
            else None
        )
    if field_id in ("assignee", "reporter"):
        account = _user(call, value, field_id, nullable=field_id == "assignee")
        attr = f"{field_id}_id"
        old = getattr(issue, attr)
        setattr(issue, attr, account)
        return user_item(call, field_id, old, account)
    if field_id == "labels":
        new_labels = _labels(value, "labels")
        old_labels = issue.labels or []
        issue.labels = new_labels
        if old_labels == new_labels:
            return None
        return Item("labels", "labels", None, " ".join(old_labels), None, " ".join(new_labels))
    if field_id == "duedate":
        parsed = None
        if value is not None:
            parsed = parse_date(value) if isinstance(value, str) else None
            if parsed is None:
                raise FieldProblem(f"Error parsing date string: {value}")
        old_date, issue.duedate = issue.duedate, parsed
        return Item("duedate", "duedate", old_date, old_date, parsed, parsed) if old_date != parsed else None
    if field_id == "parent":
        parent = None
        if value is not None:
            try:
                ident, key = _ref(value)
            except FieldProblem:
                raise FieldProblem("Could not find issue by id or key.") from None
            parent = lookup.issue_or_none(call, ident or key or "")
            if parent is None:
                raise FieldProblem("Could not find issue by id or key.")
            if parent.id == issue.id or catalog.ISSUE_TYPE_BY_ID[parent.issuetype_id].subtask:
                raise FieldProblem("Given parent issue does not belong to appropriate hierarchy.")
            if parent.project_id != issue.project_id:
                raise FieldProblem("Given parent issue does not belong to appropriate hierarchy.")
        elif catalog.ISSUE_TYPE_BY_ID[issue.issuetype_id].subtask:
            raise FieldProblem("Given parent issue does not belong to appropriate hierarchy.")
        old_parent = issue.parent_id
        issue.parent_id = parent.id if parent else None
        if old_parent == issue.parent_id:
            return None
        old_row = lookup.issue_or_none(call, old_parent) if old_parent else None
        old_key = old_row.key if old_row else None
        return Item(
            "IssueParentAssociation", "parent", old_parent, old_key, issue.parent_id, parent.key if parent else None
        )
    customs = custom_fields(call)
    if field_id in customs:
        row = customs[field_id]
        stored = _custom_value(call, row, value)
        values = dict(issue.custom or {})
        old_stored = values.get(field_id)
        if stored is None:
            values.pop(field_id, None)
        else:
            values[field_id] = stored
        issue.custom = values
        if old_stored == stored:
            return None
        return Item(
            row.name,
            row.id,
            None,
            _custom_string(call, row, old_stored),
            None,
            _custom_string(call, row, stored),
            fieldtype="custom",
        )
    raise FieldProblem(cannot_be_set(field_id))


def user_item(call: JiraCall, field_id: str, old: str | None, new: str | None) -> Item | None:
    if old == new:
        return None
    old_user, new_user = lookup.user_or_none(call, old), lookup.user_or_none(call, new)
    return Item(
        field_id,
        field_id,
        old,
        old_user.display_name if old_user else None,
        new,
        new_user.display_name if new_user else None,
        extra={"tmpFromAccountId": old, "tmpToAccountId": new},
    )


def array_operation(call: JiraCall, issue: Issue, field_id: str, verb: str, value: Any) -> Item | None:
    """`update: {"labels": [{"add": "x"}, {"remove": "y"}]}` (and array custom fields)."""
    current = list(issue.labels or []) if field_id == "labels" else list((issue.custom or {}).get(field_id) or [])
    if verb == "add":
        if not isinstance(value, str):
            raise FieldProblem("data was not a string")
        new = current + ([value] if value not in current else [])
    elif verb == "remove":
        new = [label for label in current if label != value]
    else:
        raise FieldProblem(f"Field '{field_id}' does not support operation '{verb}'")
    return set_field(call, issue, field_id, new)
