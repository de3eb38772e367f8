"""Jira's tables. Every table is prefixed `jira_` and keyed by (tenant_id, vendor id).

A tenant is a Jira Cloud site. The tables live in their own SQLModel registry so they
never collide with another twin's tables in a shared database. Rich text (descriptions,
comment bodies, worklog comments) is stored as Atlassian Document Format: v3 serves it
as is, v2 renders it to a plain string.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from services.core.sso import SsoLoginFields, SsoSettingFields


class JiraModel(SQLModel, registry=registry()):
    """Base of the Jira twin's tables."""


def json_column() -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=True))


class Counter(JiraModel, table=True):
    """Per-site sequences: numeric ids (projects, issues, comments ...) start at 10000 as in Jira."""

    __tablename__ = "jira_counter"
    tenant_id: str = Field(primary_key=True)
    name: str = Field(primary_key=True)
    value: int = 0


class User(JiraModel, table=True):
    __tablename__ = "jira_user"
    __table_args__ = (Index("ix_jira_user_email", "tenant_id", "email"),)
    tenant_id: str = Field(primary_key=True)
    account_id: str = Field(primary_key=True)
    email: str = ""
    display_name: str = ""
    active: bool = True
    account_type: str = "atlassian"  # atlassian | app | customer
    time_zone: str = "UTC"
    locale: str = "en_US"
    created: float = 0.0


class ApiToken(JiraModel, table=True):
    """An API token of a user (Basic `email:token`); stored hashed."""

    __tablename__ = "jira_api_token"
    __table_args__ = (Index("ix_jira_api_token_hash", "token_hash", unique=True),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    token_hash: str
    account_id: str
    label: str = ""
    created: float = 0.0


class CustomField(JiraModel, table=True):
    __tablename__ = "jira_custom_field"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # customfield_10000
    name: str
    description: str = ""
    type: str  # com.atlassian.jira.plugin.system.customfieldtypes:textfield ...
    searcher_key: str = ""
    created: float = 0.0


class Project(JiraModel, table=True):
    __tablename__ = "jira_project"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # "10000"
    key: str
    name: str
    description: str = ""
    lead_account_id: str = ""
    project_type_key: str = "software"
    template_key: str = ""
    assignee_type: str = "UNASSIGNED"
    url: str = ""
    category_id: str | None = None
    created: float = 0.0
    deleted: bool = False


class ProjectKey(JiraModel, table=True):
    """Every key a project has had: the current one and those it was renamed from (they keep resolving)."""

    __tablename__ = "jira_project_key"
    tenant_id: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    project_id: str
    current: bool = True


class Issue(JiraModel, table=True):
    __tablename__ = "jira_issue"
    __table_args__ = (
        Index("ix_jira_issue_number", "tenant_id", "project_id", "number", unique=True),
        Index("ix_jira_issue_key", "tenant_id", "key"),
    )
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # "10000"
    project_id: str
    number: int
    key: str  # current key: the project's current key + number
    issuetype_id: str
    status_id: str
    priority_id: str | None = None
    resolution_id: str | None = None
    summary: str = ""
    description: dict[str, Any] | None = json_column()  # ADF document
    environment: dict[str, Any] | None = json_column()
    assignee_id: str | None = None
    reporter_id: str | None = None
    creator_id: str = ""
    labels: list[str] | None = json_column()
    duedate: str | None = None  # yyyy-mm-dd
    parent_id: str | None = None
    custom: dict[str, Any] | None = json_column()  # customfield_N -> stored value
    created: float = 0.0
    updated: float = 0.0
    resolutiondate: float | None = None
    status_category_changed: float = 0.0
    votes: int = 0


class Comment(JiraModel, table=True):
    __tablename__ = "jira_comment"
    __table_args__ = (Index("ix_jira_comment_issue", "tenant_id", "issue_id"),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    issue_id: str
    author_id: str
    update_author_id: str
    body: dict[str, Any] | None = json_column()  # ADF
    visibility: dict[str, Any] | None = json_column()
    created: float = 0.0
    updated: float = 0.0


class ChangeGroup(JiraModel, table=True):
    """One changelog entry (`histories[]`): who changed what, when; `items` as Jira renders them."""

    __tablename__ = "jira_change_group"
    __table_args__ = (Index("ix_jira_change_group_issue", "tenant_id", "issue_id"),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    issue_id: str
    author_id: str
    created: float = 0.0
    items: list[dict[str, Any]] | None = json_column()


class Watcher(JiraModel, table=True):
    __tablename__ = "jira_watcher"
    tenant_id: str = Field(primary_key=True)
    issue_id: str = Field(primary_key=True)
    account_id: str = Field(primary_key=True)
    created: float = 0.0


class IssueLink(JiraModel, table=True):
    __tablename__ = "jira_issue_link"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    type_id: str
    inward_issue_id: str
    outward_issue_id: str
    created: float = 0.0


class Worklog(JiraModel, table=True):
    __tablename__ = "jira_worklog"
    __table_args__ = (Index("ix_jira_worklog_issue", "tenant_id", "issue_id"),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    issue_id: str
    author_id: str
    update_author_id: str
    comment: dict[str, Any] | None = json_column()  # ADF
    started: float = 0.0
    time_spent_seconds: int = 0
    created: float = 0.0
    updated: float = 0.0


# -- users, groups, sessions -------------------------------------------------------------


class Group(JiraModel, table=True):
    __tablename__ = "jira_group"
    __table_args__ = (Index("ix_jira_group_name", "tenant_id", "lower_name", unique=True),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # groupId: a UUID
    name: str
    lower_name: str  # group names are case-insensitive in Jira
    created: float = 0.0


class GroupMember(JiraModel, table=True):
    __tablename__ = "jira_group_member"
    tenant_id: str = Field(primary_key=True)
    group_id: str = Field(primary_key=True)
    account_id: str = Field(primary_key=True)
    created: float = 0.0


class UserProperty(JiraModel, table=True):
    """A user's entity property (`/user/properties/{key}`): apps' own data about a user, e.g. the
    universe's `okta` = {"id": Okta user id}."""

    __tablename__ = "jira_user_property"
    tenant_id: str = Field(primary_key=True)
    account_id: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    value: Any = json_column()


class AuthSession(JiraModel, table=True):
    """A cookie session made by POST /rest/auth/1/session; the cookie is stored hashed."""

    __tablename__ = "jira_auth_session"
    __table_args__ = (Index("ix_jira_auth_session_hash", "token_hash", unique=True),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    token_hash: str
    account_id: str
    created: float = 0.0


class SsoSetting(JiraModel, SsoSettingFields, table=True):
    """The site's single sign-on (Atlassian Guard's identity provider): here an OIDC web app in an
    Okta org (a DTU setting, seed key `sso`). One row per site; none means no SSO."""

    __tablename__ = "jira_sso_setting"


class SsoLogin(JiraModel, SsoLoginFields, table=True):
    """A sign-in sent to the identity provider, kept until its callback (single use)."""

    __tablename__ = "jira_sso_login"
    next_path: str  # where the UI goes once signed in


# -- webhooks and the audit log ----------------------------------------------------------


class AdminWebhook(JiraModel, table=True):
    """A webhook registered by an administrator (`/rest/webhooks/1.0/webhook`)."""

    __tablename__ = "jira_admin_webhook"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # numeric
    name: str
    url: str
    events: list[str] | None = json_column()
    jql: str = ""  # filters["issue-related-events-section"]
    exclude_body: bool = False
    enabled: bool = True
    secret: str = ""
    description: str = ""
    created: float = 0.0
    updated: float = 0.0
    updated_by: str = ""


class DynamicWebhook(JiraModel, table=True):
    """A webhook an app registered through `/rest/api/3/webhook`; it expires after 30 days."""

    __tablename__ = "jira_dynamic_webhook"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # numeric
    owner: str  # the registering app: the credential's account
    url: str
    events: list[str] | None = json_column()
    jql: str = ""
    field_ids: list[str] | None = json_column()
    expires: float = 0.0
    created: float = 0.0


class WebhookFailure(JiraModel, table=True):
    """A webhook that could not be delivered after the last retry (`/rest/api/3/webhook/failed`)."""

    __tablename__ = "jira_webhook_failure"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # the X-Atlassian-Webhook-Identifier
    owner: str = ""  # the app of a dynamic webhook; "" for admin webhooks
    url: str = ""
    body: str = ""
    failure_time: float = 0.0


class AuditRecord(JiraModel, table=True):
    __tablename__ = "jira_audit_record"
    tenant_id: str = Field(primary_key=True)
    id: int = Field(primary_key=True)
    summary: str
    category: str
    event_source: str = ""
    author_id: str = ""
    remote_address: str = ""
    object_item: dict[str, Any] | None = json_column()
    changed_values: list[dict[str, Any]] | None = json_column()
    associated_items: list[dict[str, Any]] | None = json_column()
    description: str = ""
    created: float = 0.0


# -- statuses, workflows and workflow schemes ---------------------------------------------


class CustomStatus(JiraModel, table=True):
    """A status created through `POST /statuses` or `/workflows/create` (the built-in three are in catalog)."""

    __tablename__ = "jira_status"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # numeric, after the built-in ids
    name: str
    description: str = ""
    category: str  # TODO | IN_PROGRESS | DONE
    scope_type: str = "GLOBAL"  # GLOBAL | PROJECT
    scope_project_id: str | None = None
    created: float = 0.0


class Workflow(JiraModel, table=True):
    """A workflow made by `POST /workflows/create`: statuses (ids) and transitions as the v3 API shows them."""

    __tablename__ = "jira_workflow"
    __table_args__ = (Index("ix_jira_workflow_name", "tenant_id", "lower_name", unique=True),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # a UUID
    name: str
    lower_name: str
    description: str = ""
    statuses: list[dict[str, Any]] | None = json_column()  # [{statusReference: id, layout, properties}]
    transitions: list[dict[str, Any]] | None = json_column()  # toStatusReference / links[].fromStatusReference = ids
    start_point_layout: dict[str, Any] | None = json_column()
    version_id: str = ""
    created: float = 0.0
    updated: float = 0.0


class WorkflowScheme(JiraModel, table=True):
    __tablename__ = "jira_workflow_scheme"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # numeric
    name: str
    description: str = ""
    default_workflow: str = "jira"  # a workflow name
    mappings: dict[str, str] | None = json_column()  # issue type id -> workflow name
    created: float = 0.0


class ProjectWorkflowScheme(JiraModel, table=True):
    """Which workflow scheme a project uses; a project without a row uses the default scheme."""

    __tablename__ = "jira_project_workflow_scheme"
    tenant_id: str = Field(primary_key=True)
    project_id: str = Field(primary_key=True)
    scheme_id: str


METADATA = JiraModel.metadata
