"""Issues: create (one or in bulk), edit (`fields` and `update` verbs), assign, delete."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from services.jira import catalog, webhooks
from services.jira.call import JiraCall
from services.jira.domain import activity, flows, history, lookup, relations
from services.jira.domain.fields import (
    FieldProblem,
    Item,
    array_operation,
    cannot_be_set,
    parse_issue_type,
    parse_project,
    set_field,
    settable,
    user_item,
)
from services.jira.errors import JiraError
from services.jira.models import ChangeGroup, Comment, Issue, IssueLink, Project, Watcher, Worklog

SUBTASK_WITHOUT_PARENT = "Issue type is a sub-task but parent issue key or id not specified."


def _operations(update: Any) -> dict[str, list[dict[str, Any]]]:
    if update is None:
        return {}
    if not isinstance(update, dict) or not all(isinstance(v, list) for v in update.values()):
        raise JiraError(400, "Can not deserialize the 'update' operations: each field takes a list of operations.")
    return update


def _apply(
    call: JiraCall,
    issue: Issue,
    screen: dict[str, Any],
    fields: dict[str, Any],
    update: dict[str, Any],
    errors: dict[str, str],
    skip: tuple[str, ...] = (),
) -> tuple[list[Item | None], list[Any]]:
    """Set `fields`, then run `update` verbs; problems go to `errors`. Returns (items, comment bodies)."""
    items: list[Item | None] = []
    comments: list[Any] = []
    for field_id, value in fields.items():
        if field_id in skip:
            continue
        if field_id not in screen or field_id == "comment":
            errors[field_id] = cannot_be_set(field_id)
            continue
        try:
            items.append(set_field(call, issue, field_id, value))
        except FieldProblem as problem:
            errors[field_id] = str(problem)
        except JiraError as error:
            errors.update(error.errors or {field_id: "; ".join(error.messages)})
    for field_id, operations in update.items():
        if field_id in fields:
            errors[field_id] = f"Field '{field_id}' cannot appear in both 'fields' and 'update'"
            continue
        if field_id not in screen:
            errors[field_id] = cannot_be_set(field_id)
            continue
        for operation in operations:
            if not isinstance(operation, dict) or len(operation) != 1:
                errors[field_id] = "Operation must be an object with one verb (set, add, remove, edit)."
                continue
            verb, value = next(iter(operation.items()))
            try:
                if field_id == "comment":
                    if verb != "add" or not isinstance(value, dict):
                        raise FieldProblem(f"Field '{field_id}' does not support operation '{verb}'")
                    comments.append(value.get("body"))
                elif verb == "set":
                    items.append(set_field(call, issue, field_id, value))
                else:
                    items.append(array_operation(call, issue, field_id, verb, value))
            except FieldProblem as problem:
                errors[field_id] = str(problem)
            except JiraError as error:
                errors.update(error.errors or {field_id: "; ".join(error.messages)})
    return items, comments


def validate_create(call: JiraCall, body: Any) -> tuple[Project, catalog.IssueType, dict[str, Any], dict[str, Any]]:
    if not isinstance(body, dict):
        raise JiraError(400, "Can not deserialize instance of IssueUpdateBean.")
    fields = body.get("fields") or {}
    if not isinstance(fields, dict):
        raise JiraError(400, "Can not deserialize 'fields': it must be an object.")
    errors: dict[str, str] = {}
    project: Project | None = None
    itype: catalog.IssueType | None = None
    try:
        project = parse_project(call, fields.get("project")) if "project" in fields else None
        if project is None:
            errors["project"] = "Specify a valid project ID or key"
    except FieldProblem as problem:
        errors["project"] = str(problem)
    if "issuetype" not in fields:
        errors["issuetype"] = "Specify an issue type"
    else:
        try:
            itype = parse_issue_type(fields["issuetype"])
        except FieldProblem as problem:
            errors["issuetype"] = str(problem)
    if errors or project is None or itype is None:
        raise JiraError(400, errors=errors)
    return project, itype, fields, _operations(body.get("update"))


def create(call: JiraCall, body: Any) -> Issue:
    project, itype, fields, update = validate_create(call, body)
    screen = settable(call, project, itype, "create")
    now = call.now()
    issue = Issue(
        tenant_id=call.tenant.id,
        id="",
        project_id=project.id,
        number=0,
        key="",
        issuetype_id=itype.id,
        status_id=flows.for_type(call, project.id, itype.id).initial,
        priority_id=catalog.DEFAULT_PRIORITY,
        reporter_id=call.account_id,
        creator_id=call.account_id,
        assignee_id=project.lead_account_id if project.assignee_type == "PROJECT_LEAD" else None,
        labels=[],
        custom={},
        created=now,
        updated=now,
        status_category_changed=now,
    )
    errors: dict[str, str] = {}
    _, comments = _apply(call, issue, screen, fields, update, errors, skip=("project", "issuetype"))
    messages: list[str] = []
    if "summary" not in errors and not issue.summary:
        errors["summary"] = "You must specify a summary of the issue."
    if itype.subtask and issue.parent_id is None and "parent" not in errors:
        messages.append(SUBTASK_WITHOUT_PARENT)
    if errors or messages:
        raise JiraError(400, *messages, errors=errors)
    issue.id = call.next_id("issue")
    issue.number = int(call.next_id(f"issue-number:{project.id}")) - 9999  # DTU-1, DTU-2, ...
    issue.key = f"{project.key}-{issue.number}"
    call.session.add(issue)
    call.session.flush()
    relations.watch(call, issue, call.account_id)  # Jira's default: you watch the issues you create
    for comment_body in comments:
        activity.add_comment(call, issue, {"body": comment_body}, touch=False)
    webhooks.emit(call, "jira:issue_created", type_name="issue_created", issue=issue)
    return issue


def edit(call: JiraCall, issue: Issue, body: Any) -> None:
    if not isinstance(body, dict):
        raise JiraError(400, "Can not deserialize instance of IssueUpdateBean.")
    fields = body.get("fields") or {}
    if not isinstance(fields, dict):
        raise JiraError(400, "Can not deserialize 'fields': it must be an object.")
    update = _operations(body.get("update"))
    project = lookup.project(call, issue.project_id)
    screen = settable(call, project, catalog.ISSUE_TYPE_BY_ID[issue.issuetype_id], "edit")
    errors: dict[str, str] = {}
    items, comments = _apply(call, issue, screen, fields, update, errors)
    if errors:
        raise JiraError(400, errors=errors)
    group = history.record(call, issue, items)
    call.session.add(issue)
    if group is not None:
        webhooks.emit(call, "jira:issue_updated", type_name="issue_updated", issue=issue, changelog=group)
    for comment_body in comments:
        activity.add_comment(call, issue, {"body": comment_body})


def assign(call: JiraCall, issue: Issue, body: Any) -> None:
    """PUT /issue/{key}/assignee: `accountId` null unassigns, "-1" assigns automatically."""
    if not isinstance(body, dict) or ("accountId" not in body and "name" not in body):
        raise JiraError(400, errors={"assignee": "Specify a valid value for assignee"})
    account = body.get("accountId")
    if account == "-1":
        project = lookup.project(call, issue.project_id)
        account = project.lead_account_id if project.assignee_type == "PROJECT_LEAD" else None
    elif account is not None:
        user = lookup.user_or_none(call, account)
        if user is None or not user.active:
            raise JiraError(404, f"User with accountId '{account}' does not exist")
    old = issue.assignee_id
    issue.assignee_id = account
    group = history.record(call, issue, [user_item(call, "assignee", old, account)])
    call.session.add(issue)
    if group is not None:
        webhooks.emit(call, "jira:issue_updated", type_name="issue_assigned", issue=issue, changelog=group)


def subtasks(call: JiraCall, issue: Issue) -> list[Issue]:
    return list(
        call.session.exec(select(Issue).where(Issue.tenant_id == call.tenant.id, Issue.parent_id == issue.id)).all()
    )


def delete(call: JiraCall, issue: Issue, delete_subtasks: bool) -> None:
    children = subtasks(call, issue)
    if children and not delete_subtasks:
        # Jira refuses and tells how: the subtasks go only with deleteSubtasks=true.
        raise JiraError(400, "The issue has subtasks and deleteSubtasks is not set to true.")
    for child in children:
        delete(call, child, True)
    # Matched and rendered before the issue goes.
    webhooks.emit(call, "jira:issue_deleted", type_name="issue_deleted", issue=issue)
    tid = call.tenant.id
    for model, column in (
        (Comment, Comment.issue_id),
        (ChangeGroup, ChangeGroup.issue_id),
        (Watcher, Watcher.issue_id),
        (Worklog, Worklog.issue_id),
    ):
        for row in call.session.exec(select(model).where(model.tenant_id == tid, column == issue.id)).all():
            call.session.delete(row)
    links = call.session.exec(select(IssueLink).where(IssueLink.tenant_id == tid)).all()
    for link in links:
        if issue.id in (link.inward_issue_id, link.outward_issue_id):
            call.session.delete(link)
    call.session.delete(issue)
