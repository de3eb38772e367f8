"""Compile a universe into one seed document per twin, in each twin's own seed format.

What each twin receives (the twins' seed.py files document the formats):
- okta: groups (explicit ids), users (explicit ids, profile with title/department/manager,
  password, status, group names) and the apps with their provisioning connections and app users
  linked to the target accounts (externalId = Slack user id / Google user id / Jira accountId for
  Atlassian Cloud, SYNCHRONIZED);
- slack: users (explicit ids, `external_id` = Okta id, deactivated unless active) and channels
  (members; existing channels such as #general are joined rather than created);
- jira: accounts (explicit accountIds, inactive unless active, user property `okta` = {"id": okta id}),
  groups mirroring the universe's, a `<key>-members` group per project, projects with their leads;
- google: the company's domain as the Workspace's primary domain, Directory users (explicit ids,
  `externalIds` [{type: organization, value: okta id}], name parts, suspended unless active),
  groups `<handle>@domain`, folders with their shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.universe import ids
from services.universe.model import EVERYONE, Person, Universe

OKTA_STATUS = {"active": "ACTIVE", "staged": "STAGED", "suspended": "SUSPENDED", "deprovisioned": "DEPROVISIONED"}


@dataclass(frozen=True)
class Targets:
    """Where the Okta apps provision to: the Slack tenant's SCIM token, the Google tenant's admin key."""

    slack_url: str | None = None
    slack_token: str | None = None
    google_url: str | None = None
    google_service_account: dict[str, Any] | None = None
    google_subject: str | None = None
    jira_scim_url: str | None = None  # Atlassian's user provisioning directory (the Jira twin serves it)
    jira_scim_token: str | None = None

    @classmethod
    def from_credentials(
        cls, slack: dict[str, Any] | None, google: dict[str, Any] | None, jira: dict[str, Any] | None = None
    ) -> Targets:
        """From the tenants' credentials as the control planes return them."""
        slack, google, jira = slack or {}, google or {}, jira or {}
        slack_api = str(slack.get("url") or "")
        return cls(
            slack_url=slack_api.removesuffix("/").removesuffix("/api") or None,
            slack_token=slack.get("user_token"),  # the workspace owner's token holds SCIM's `admin` scope
            google_url=google.get("url"),
            google_service_account=google.get("service_account"),
            google_subject=google.get("admin_email"),
            jira_scim_url=jira.get("scim_url"),
            jira_scim_token=jira.get("scim_token"),
        )


def compile_universe(universe: Universe, targets: Targets | None = None) -> dict[str, dict[str, Any]]:
    """`{"okta": ..., "slack": ..., "jira": ..., "google": ...}`: each twin's seed document."""
    targets = targets or Targets()
    return {
        "okta": okta_document(universe, targets),
        "slack": slack_document(universe),
        "jira": jira_document(universe),
        "google": google_document(universe),
    }


def okta_group_name(universe: Universe, handle: str) -> str:
    return "Everyone" if handle == EVERYONE else universe.group(handle).name


def okta_document(universe: Universe, targets: Targets) -> dict[str, Any]:
    groups = [
        {"id": ids.okta_group_id(universe.seed, g.handle), "name": g.name, "description": g.description}
        for g in universe.groups
    ]
    users = []
    for p in universe.persons.values():
        profile: dict[str, Any] = {
            "login": p.email,
            "email": p.email,
            "firstName": p.first_name,
            "lastName": p.last_name,
            "displayName": p.name,
            "title": p.title,
            "department": p.department,
            "organization": universe.company.name,
        }
        if p.manager:
            manager = universe.person(p.manager)
            profile.update(manager=manager.name, managerId=manager.okta_id)
        users.append(
            {
                "id": p.okta_id,
                "profile": {k: v for k, v in profile.items() if v is not None},
                "password": p.password,
                "status": OKTA_STATUS[p.status],
                "groups": [okta_group_name(universe, g) for g in p.groups],
            }
        )
    return {"groups": groups, "users": users, "apps": _okta_apps(universe, targets)}


def _okta_apps(universe: Universe, targets: Targets) -> list[dict[str, Any]]:
    apps = []
    for app in universe.apps:
        assigned: dict[str, Person] = {}
        for group in app.assign.groups:
            assigned.update((p.handle, p) for p in universe.members_of(group))
        assigned.update((h, universe.person(h)) for h in app.assign.people)
        spec: dict[str, Any] = {
            "name": app.handle,
            "label": app.label,
            "groups": [okta_group_name(universe, g) for g in app.assign.groups],
        }
        # Slack, Google Workspace and Atlassian Cloud provision to their twins: their accounts exist already (the
        # universe loads them), so Okta starts with the links made, as after a completed import.
        if app.handle == "slack" and targets.slack_url and targets.slack_token:
            spec["provisioning"] = {"target": "slack", "baseUrl": targets.slack_url, "token": targets.slack_token}
            spec["users"] = [{"login": p.email, "externalId": p.slack_id} for p in assigned.values()]
        elif app.handle == "google" and targets.google_url and targets.google_service_account:
            spec["provisioning"] = {
                "target": "google",
                "baseUrl": targets.google_url,
                "serviceAccount": targets.google_service_account,
                "subject": targets.google_subject,
            }
            spec["users"] = [{"login": p.email, "externalId": p.google_id} for p in assigned.values()]
        elif app.handle == "atlassian" and targets.jira_scim_url and targets.jira_scim_token:
            # Atlassian Cloud: the directory's SCIM user id is the Jira accountId in the twin.
            spec["provisioning"] = {
                "target": "jira",
                "baseUrl": targets.jira_scim_url,
                "token": targets.jira_scim_token,
            }
            spec["users"] = [{"login": p.email, "externalId": p.jira_account_id} for p in assigned.values()]
        else:
            direct = [universe.person(h) for h in app.assign.people]
            spec["users"] = [{"login": p.email, "externalId": p.email} for p in direct]
        apps.append(spec)
    return apps


def slack_document(universe: Universe) -> dict[str, Any]:
    users = [
        {
            "id": p.slack_id,
            "name": p.handle,
            "real_name": p.name,
            "display_name": p.first_name,
            "email": p.email,
            "first_name": p.first_name,
            "last_name": p.last_name,
            "title": p.title or "",
            "external_id": p.okta_id,
            "deleted": not p.active,  # Okta deactivates the Slack account of anyone not active
        }
        for p in universe.persons.values()
    ]
    channels = []
    for c in universe.slack.channels:
        channel: dict[str, Any] = {
            "id": ids.slack_channel_id(universe.seed, c.name, c.private),
            "name": c.name,
            "is_private": c.private,
            "members": [p.handle for p in universe.resolve(c.members) if p.active] + (["dtu_bot"] if c.bot else []),
            "if_exists": "join",  # #general and #random come with every workspace
        }
        for key in ("topic", "purpose"):
            if getattr(c, key):
                channel[key] = getattr(c, key)
        channels.append(channel)
    return {"users": users, "channels": channels}


def jira_document(universe: Universe) -> dict[str, Any]:
    users = [
        {
            "accountId": p.jira_account_id,
            "email": p.email,
            "displayName": p.name,
            "active": p.active,
            "properties": {"okta": {"id": p.okta_id}},
        }
        for p in universe.persons.values()
    ]
    groups = [
        {"name": g.handle, "members": [p.email for p in universe.members_of(g.handle) if p.active]}
        for g in universe.groups
    ]
    projects = []
    for project in universe.jira.projects:
        # The Jira twin has no project roles: a project's members are the `<key>-members` group.
        members = [p.email for p in universe.resolve(project.members) if p.active]
        groups.append({"name": f"{project.key.lower()}-members", "members": members})
        projects.append(
            {
                "key": project.key,
                "name": project.name,
                "lead": universe.person(project.lead).email,
                "projectTypeKey": project.type,
            }
        )
    return {"users": users, "groups": groups, "projects": projects}


def google_document(universe: Universe) -> dict[str, Any]:
    users = []
    for p in universe.persons.values():
        user: dict[str, Any] = {
            "id": p.google_id,
            "email": p.email,
            "name": p.name,
            "givenName": p.first_name,
            "familyName": p.last_name,
            "suspended": not p.active,  # Okta suspends the Google account of anyone not active
            "externalIds": [{"type": "organization", "value": p.okta_id}],
        }
        users.append(user)
    shared_groups = {s.group for f in universe.google.folders for s in f.share if s.group}
    groups = [
        {
            "email": universe.group_email(g.handle),
            "name": g.name,
            "members": [p.email for p in universe.members_of(g.handle)],
        }
        for g in universe.groups
    ]
    if EVERYONE in shared_groups:
        everyone = [p.email for p in universe.persons.values()]
        groups.append({"email": universe.group_email(EVERYONE), "name": "Everyone", "members": everyone})
    files = []
    for i, folder in enumerate(universe.google.folders):
        permissions = [
            {"type": "group", "role": s.role, "emailAddress": universe.group_email(s.group)}
            if s.group
            else {"type": "user", "role": s.role, "emailAddress": universe.person(str(s.person)).email}
            for s in folder.share
        ]
        files.append(
            {
                "key": f"folder-{i}",
                "name": folder.name,
                "folder": True,
                "owner": universe.person(folder.owner).email,
                "permissions": permissions,
            }
        )
    # The company's domain is the Workspace's primary domain (the tenant's admin moves into it).
    return {"domain": universe.company.domain, "users": users, "groups": groups, "files": files}
