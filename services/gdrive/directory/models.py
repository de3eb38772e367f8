"""What the Directory API knows beyond the Drive side's `User` and `Group` rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from services.gdrive.models import GdriveModel


class DirectoryProfile(GdriveModel, table=True):
    """A user's Directory attributes (name parts, externalIds, deletion)."""

    __tablename__ = "gdrive_directory_profile"
    tenant_id: str = Field(primary_key=True)
    user_id: str = Field(primary_key=True)
    given_name: str = ""
    family_name: str = ""
    external_ids: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON))
    org_unit_path: str = "/"
    change_password_at_next_login: bool = False
    deleted: bool = False  # Google keeps a deleted user (showDeleted=true lists it) for 20 days
    deletion_time: float | None = None


class DirectoryGroup(GdriveModel, table=True):
    """A group's Directory id, description and members' roles (members themselves live on `Group`)."""

    __tablename__ = "gdrive_directory_group"
    tenant_id: str = Field(primary_key=True)
    email: str = Field(primary_key=True)
    id: str = ""
    description: str = ""
    roles: dict[str, str] | None = Field(default=None, sa_column=Column(JSON))  # member email -> OWNER/MANAGER/MEMBER
