"""Tables of Atlassian's user provisioning (SCIM) API: the identity-provider directory and its users.

A site's organization has one directory here; its API key (stored hashed) is what the
identity provider sends as `Authorization: Bearer`. A `ScimUser` row holds what the
identity provider set on an account that Jira itself does not keep (externalId, userName,
name parts); `deleted` marks an account the directory removed (it stays a Jira account).
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field

from services.jira.models import JiraModel


class ScimDirectory(JiraModel, table=True):
    __tablename__ = "jira_scim_directory"
    __table_args__ = (Index("ix_jira_scim_directory_key", "token_hash", unique=True),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # the directoryId of /scim/directory/{directoryId}
    token_hash: str
    created: float = 0.0


class ScimUser(JiraModel, table=True):
    __tablename__ = "jira_scim_user"
    tenant_id: str = Field(primary_key=True)
    account_id: str = Field(primary_key=True)
    user_name: str = ""
    external_id: str | None = None
    given_name: str = ""
    family_name: str = ""
    title: str = ""
    deleted: bool = False
    created: float = 0.0
    last_modified: float = 0.0
