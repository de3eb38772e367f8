"""Site-wide reference data: serverInfo, myself, fields, priorities, statuses, issue types,
resolutions, link types, and the schemes `jira.create_project` looks up."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from services.jira import catalog, render
from services.jira.call import JiraCall, Reply
from services.jira.domain import directory, flows
from services.jira.endpoint import route
from services.jira.errors import JiraError, not_authenticated
from services.jira.models import CustomField, User
from services.jira.timefmt import iso

VERSION = "1001.0.0-SNAPSHOT"
BUILD_NUMBER = 100290
BUILD_DATE = 1767225600.0  # 2026-01-01


@route("GET", "/serverInfo", "getServerInfo", anonymous=True)
def server_info(call: JiraCall) -> dict[str, Any]:
    return {
        "baseUrl": call.base,
        "displayUrl": call.base,
        "displayUrlServicedeskHelpCenter": call.base,
        "displayUrlConfluence": call.base + "/wiki",
        "version": VERSION,
        "versionNumbers": [1001, 0, 0],
        "deploymentType": "Cloud",
        "buildNumber": BUILD_NUMBER,
        "buildDate": iso(BUILD_DATE),
        "serverTime": iso(call.now()),
        "scmInfo": "dtu",
        "serverTitle": "Jira",
        "defaultLocale": {"locale": "en_US"},
        "serverTimeZone": "Etc/UTC",
    }


@route("GET", "/myself", "getCurrentUser")
def myself(call: JiraCall) -> dict[str, Any]:
    row = call.session.get(User, (call.tenant.id, call.account_id))
    if row is None:
        raise not_authenticated()
    body = render.user(call, row) or {}
    return {
        **body,
        "locale": row.locale,
        "groups": {"size": len(directory.groups_of(call, row.account_id)), "items": []},
        "applicationRoles": {"size": 1, "items": []},
        "expand": "groups,applicationRoles",
    }


# -- fields ---------------------------------------------------------------------------


def custom_fields(call: JiraCall) -> list[CustomField]:
    return list(call.session.exec(select(CustomField).where(CustomField.tenant_id == call.tenant.id)).all())


@route("GET", "/field", "getFields")
def fields(call: JiraCall) -> list[dict[str, Any]]:
    return [render.system_field(f) for f in catalog.SYSTEM_FIELDS] + [
        render.custom_field(f) for f in custom_fields(call)
    ]


@route("POST", "/field", "createCustomField")
def create_custom_field(call: JiraCall) -> Reply:
    body = call.body_object()
    name = body.get("name")
    type_ = body.get("type")
    if not isinstance(name, str) or not name.strip():
        raise JiraError(400, errors={"name": "The custom field name is required."})
    if not isinstance(type_, str) or type_.removeprefix(catalog.CUSTOM_TYPE_PREFIX) not in catalog.CUSTOM_FIELD_TYPES:
        raise JiraError(400, errors={"type": "Custom field type is not valid."})
    kind = catalog.CUSTOM_FIELD_TYPES[type_.removeprefix(catalog.CUSTOM_TYPE_PREFIX)]
    searcher = body.get("searcherKey") or f"{catalog.CUSTOM_TYPE_PREFIX}{kind.searcher}"
    row = CustomField(
        tenant_id=call.tenant.id,
        id="customfield_" + call.next_id("customfield"),
        name=name.strip(),
        description=str(body.get("description") or ""),
        type=catalog.CUSTOM_TYPE_PREFIX + kind.key,
        searcher_key=str(searcher),
        created=call.now(),
    )
    call.session.add(row)
    return Reply(render.custom_field(row), status=201)


# -- reference data -------------------------------------------------------------------


@route("GET", "/priority", "getPriorities")
def priorities(call: JiraCall) -> list[dict[str, Any]]:
    return [render.priority(call, p) for p in catalog.PRIORITIES]


@route("GET", "/priority/{id}", "getPriority")
def priority(call: JiraCall) -> dict[str, Any]:
    found = catalog.PRIORITY_BY_ID.get(call.path["id"])
    if found is None:
        raise JiraError(404, f"The priority with ID '{call.path['id']}' does not exist.")
    return render.priority(call, found)


@route("GET", "/status", "getStatuses")
def statuses(call: JiraCall) -> list[dict[str, Any]]:
    return [render.status(call, s) for s in flows.all_statuses(call)]


@route("GET", "/status/{idOrName}", "getStatus")
def status(call: JiraCall) -> dict[str, Any]:
    wanted = call.path["idOrName"]
    for row in flows.all_statuses(call):
        if row.id == wanted or row.name.lower() == wanted.lower():
            return render.status(call, row)
    raise JiraError(404, f"The status with ID or name '{wanted}' does not exist.")


@route("GET", "/statuscategory", "getStatusCategories")
def status_categories(call: JiraCall) -> list[dict[str, Any]]:
    return [render.status_category(call, c) for c in catalog.STATUS_CATEGORIES]


@route("GET", "/statuscategory/{idOrKey}", "getStatusCategory")
def status_category(call: JiraCall) -> dict[str, Any]:
    wanted = call.path["idOrKey"]
    for row in catalog.STATUS_CATEGORIES:
        if str(row.id) == wanted or row.key == wanted:
            return render.status_category(call, row)
    raise JiraError(404, f"The status category with ID or key '{wanted}' does not exist.")


@route("GET", "/issuetype", "getIssueAllTypes")
def issue_types(call: JiraCall) -> list[dict[str, Any]]:
    return [render.issue_type(call, t) for t in catalog.ISSUE_TYPES]


@route("GET", "/issuetype/{id}", "getIssueType")
def issue_type(call: JiraCall) -> dict[str, Any]:
    found = catalog.ISSUE_TYPE_BY_ID.get(call.path["id"])
    if found is None:
        raise JiraError(404, "The issue type ID specified doesn't exist.")
    return render.issue_type(call, found)


@route("GET", "/resolution", "getResolutions")
def resolutions(call: JiraCall) -> list[dict[str, Any]]:
    return [render.resolution(call, r) for r in catalog.RESOLUTIONS]


@route("GET", "/resolution/{id}", "getResolution")
def resolution(call: JiraCall) -> dict[str, Any]:
    found = catalog.RESOLUTION_BY_ID.get(call.path["id"])
    if found is None:
        raise JiraError(404, f"The resolution with ID '{call.path['id']}' does not exist.")
    return render.resolution(call, found)


@route("GET", "/issueLinkType", "getIssueLinkTypes")
def link_types(call: JiraCall) -> dict[str, Any]:
    return {"issueLinkTypes": [render.link_type(call, t) for t in catalog.LINK_TYPES]}


@route("GET", "/issueLinkType/{issueLinkTypeId}", "getIssueLinkType")
def link_type(call: JiraCall) -> dict[str, Any]:
    found = catalog.LINK_TYPE_BY_ID.get(call.path["issueLinkTypeId"])
    if found is None:
        raise JiraError(404, f"No issue link type with id '{call.path['issueLinkTypeId']}' found.")
    return render.link_type(call, found)


# -- schemes a new site has (read by `jira.create_project`) ---------------------------


@route("GET", "/permissionscheme", "getAllPermissionSchemes")
def permission_schemes(call: JiraCall) -> dict[str, Any]:
    return {
        "permissionSchemes": [
            {
                "expand": "permissions,user,group,projectRole,field,all",
                "id": 0,
                "self": f"{call.api}/permissionscheme/0",
                "name": "Default Permission Scheme",
                "description": "This is the default Permission Scheme. Any new projects that are created will be "
                "assigned this scheme.",
            }
        ]
    }


@route("GET", "/issuesecurityschemes", "getIssueSecuritySchemes")
def issue_security_schemes(call: JiraCall) -> dict[str, Any]:
    # A new site has none (so `jira.create_project` needs an explicit issueSecurityScheme, as against Cloud).
    return {"issueSecuritySchemes": []}


@route("GET", "/projectCategory", "getAllProjectCategories")
def project_categories(call: JiraCall) -> list[dict[str, Any]]:
    return []
