"""Wire shapes of Jira's reference objects: users, statuses, priorities, projects, fields.

Every object carries its `self` URL under the API version the client called (the `jira`
library builds its resources from `self`).
"""

from __future__ import annotations

from typing import Any

from services.jira import catalog
from services.jira.call import JiraCall
from services.jira.models import CustomField, Project, User

AVATAR_HOST = "https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net"
SIZES = (("48x48", "large"), ("24x24", "small"), ("16x16", "xsmall"), ("32x32", "medium"))


def user_avatars(user: User) -> dict[str, str]:
    initials = "".join(part[0] for part in user.display_name.split()[:2]).upper() or "U"
    pixels = {"48x48": 48, "24x24": 24, "16x16": 16, "32x32": 32}
    return {size: f"{AVATAR_HOST}/initials/{initials}-0.png?size={pixels[size]}&s={pixels[size]}" for size, _ in SIZES}


def user(call: JiraCall, row: User | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "self": f"{call.api}/user?accountId={row.account_id}",
        "accountId": row.account_id,
        "emailAddress": row.email,
        "avatarUrls": user_avatars(row),
        "displayName": row.display_name,
        "active": row.active,
        "timeZone": row.time_zone,
        "accountType": row.account_type,
    }


def user_by_id(call: JiraCall, account_id: str | None) -> dict[str, Any] | None:
    if not account_id:
        return None
    return user(call, call.session.get(User, (call.tenant.id, account_id)))


def status_category(call: JiraCall, category: catalog.StatusCategory) -> dict[str, Any]:
    return {
        "self": f"{call.api}/statuscategory/{category.id}",
        "id": category.id,
        "key": category.key,
        "colorName": category.color,
        "name": category.name,
    }


def status(call: JiraCall, row: catalog.Status) -> dict[str, Any]:
    return {
        "self": f"{call.api}/status/{row.id}",
        "description": row.description,
        "iconUrl": call.base + row.icon,
        "name": row.name,
        "untranslatedName": row.name,
        "id": row.id,
        "statusCategory": status_category(call, catalog.CATEGORY_BY_ID[row.category_id]),
    }


def priority(call: JiraCall, row: catalog.Priority) -> dict[str, Any]:
    return {
        "self": f"{call.api}/priority/{row.id}",
        "statusColor": row.color,
        "description": row.description,
        "iconUrl": f"{call.base}/images/icons/priorities/{row.icon}.svg",
        "name": row.name,
        "id": row.id,
    }


def resolution(call: JiraCall, row: catalog.Resolution) -> dict[str, Any]:
    return {"self": f"{call.api}/resolution/{row.id}", "id": row.id, "description": row.description, "name": row.name}


def issue_type(call: JiraCall, row: catalog.IssueType) -> dict[str, Any]:
    return {
        "self": f"{call.api}/issuetype/{row.id}",
        "id": row.id,
        "description": row.description,
        "iconUrl": f"{call.base}/rest/api/2/universal_avatar/view/type/issuetype/avatar/{row.avatar_id}?size=medium",
        "name": row.name,
        "untranslatedName": row.name,
        "subtask": row.subtask,
        "avatarId": row.avatar_id,
        "hierarchyLevel": row.hierarchy_level,
    }


def link_type(call: JiraCall, row: catalog.LinkType) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "inward": row.inward,
        "outward": row.outward,
        "self": f"{call.api}/issueLinkType/{row.id}",
    }


def project_avatars(call: JiraCall, project: Project) -> dict[str, str]:
    return {
        size: f"{call.base}/rest/api/2/universal_avatar/view/type/project/avatar/10400?size={name}"
        for size, name in SIZES
    }


PROJECT_EXPANDS = "description,lead,issueTypes,url,projectKeys,permissions,insight"


def project(
    call: JiraCall, row: Project, *, full: bool, expand: set[str] | None = None, keys: list[str] | None = None
) -> dict[str, Any]:
    """A project: `full` is GET /project/{key}; lists show the short form plus what `expand` asks."""
    expand = expand or set()
    body: dict[str, Any] = {
        "expand": PROJECT_EXPANDS,
        "self": f"{call.api}/project/{row.id}",
        "id": row.id,
        "key": row.key,
    }
    if full or "description" in expand:
        body["description"] = row.description
    if full or "lead" in expand:
        body["lead"] = user_by_id(call, row.lead_account_id)
    if full:
        body["components"] = []
    if full or "issueTypes" in expand or "issuetypes" in expand:
        body["issueTypes"] = [issue_type(call, t) for t in catalog.ISSUE_TYPES]
    if (full or "url" in expand) and row.url:
        body["url"] = row.url
    if full:
        body["assigneeType"] = row.assignee_type
        body["versions"] = []
    body["name"] = row.name
    if full:
        body["roles"] = {}
    body["avatarUrls"] = project_avatars(call, row)
    if "projectKeys" in expand and keys is not None:
        body["projectKeys"] = keys
    if "insight" in expand:
        body["insight"] = {"totalIssueCount": 0, "lastIssueUpdateTime": None}
    body.update(
        {
            "projectTypeKey": row.project_type_key,
            "simplified": False,
            "style": "classic",
            "isPrivate": False,
            "properties": {},
        }
    )
    return body


def project_ref(call: JiraCall, row: Project) -> dict[str, Any]:
    """The project as an issue's `fields.project` shows it."""
    return {
        "self": f"{call.api}/project/{row.id}",
        "id": row.id,
        "key": row.key,
        "name": row.name,
        "projectTypeKey": row.project_type_key,
        "simplified": False,
        "avatarUrls": project_avatars(call, row),
    }


def system_field(spec: catalog.SystemField) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": spec.id,
        "key": spec.id,
        "name": spec.name,
        "custom": False,
        "orderable": spec.orderable,
        "navigable": spec.navigable,
        "searchable": spec.searchable,
        "clauseNames": list(spec.clause_names),
    }
    if spec.schema is not None:
        body["schema"] = spec.schema
    return body


def custom_field_schema(row: CustomField) -> dict[str, Any]:
    kind = catalog.CUSTOM_FIELD_TYPES[row.type.removeprefix(catalog.CUSTOM_TYPE_PREFIX)]
    schema: dict[str, Any] = {"type": kind.schema_type}
    if kind.items:
        schema["items"] = kind.items
    schema["custom"] = row.type
    schema["customId"] = int(row.id.removeprefix("customfield_"))
    return schema


def custom_field(row: CustomField) -> dict[str, Any]:
    number = row.id.removeprefix("customfield_")
    return {
        "id": row.id,
        "key": row.id,
        "name": row.name,
        "untranslatedName": row.name,
        "custom": True,
        "orderable": True,
        "navigable": True,
        "searchable": True,
        "clauseNames": [f"cf[{number}]", row.name],
        "schema": custom_field_schema(row),
    }
