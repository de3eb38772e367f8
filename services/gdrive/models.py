"""The Google Workspace twin's tables. Every table is prefixed `gdrive_` and keyed by (tenant_id, ...).

A tenant is a Workspace domain (customer): its users, its service accounts and OAuth
clients, the tokens issued to them, and the Drive items and permissions of its users.
The tables live in their own SQLModel registry so they never collide with another
twin's tables in a shared database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class GdriveModel(SQLModel, registry=registry()):
    """Base of the Google twin's tables."""


def json_column() -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=True))


class Counter(GdriveModel, table=True):
    """Per-tenant sequences (item order in listings, upload sessions)."""

    __tablename__ = "gdrive_counter"
    tenant_id: str = Field(primary_key=True)
    name: str = Field(primary_key=True)
    value: int = 0


class User(GdriveModel, table=True):
    """A Workspace user. `permission_id` is the user's id in Drive permissions (a numeric string)."""

    __tablename__ = "gdrive_user"
    __table_args__ = (Index("ix_gdrive_user_email", "tenant_id", "email"),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # Directory user id (21 digits)
    email: str
    display_name: str = ""
    permission_id: str = ""
    is_admin: bool = False
    kind: str = "user"  # user | serviceAccount (a service account acting as itself owns its own Drive)
    suspended: bool = False
    root_folder_id: str = ""  # the user's "My Drive"
    created: float = 0.0


class Group(GdriveModel, table=True):
    """A Workspace group: permissions granted to it reach its members."""

    __tablename__ = "gdrive_group"
    tenant_id: str = Field(primary_key=True)
    email: str = Field(primary_key=True)
    name: str = ""
    members: list[str] = json_column()  # member user emails


class ServiceAccount(GdriveModel, table=True):
    """A service account key of a Cloud project; domain-wide delegation lets it act as domain users."""

    __tablename__ = "gdrive_service_account"
    __table_args__ = (Index("ix_gdrive_service_account_email", "client_email", unique=True),)
    tenant_id: str = Field(primary_key=True)
    client_id: str = Field(primary_key=True)  # 21 digits
    client_email: str
    project_id: str
    private_key_id: str
    public_key_pem: str
    domain_wide_delegation: bool = True
    created: float = 0.0


class OAuthClient(GdriveModel, table=True):
    """An OAuth client (installed/web app) whose users granted refresh tokens."""

    __tablename__ = "gdrive_oauth_client"
    __table_args__ = (Index("ix_gdrive_oauth_client_id", "client_id", unique=True),)
    tenant_id: str = Field(primary_key=True)
    client_id: str = Field(primary_key=True)  # NNN-xxx.apps.googleusercontent.com
    secret_hash: str
    project_number: str = ""
    created: float = 0.0


class RefreshToken(GdriveModel, table=True):
    __tablename__ = "gdrive_refresh_token"
    __table_args__ = (Index("ix_gdrive_refresh_token_hash", "token_hash", unique=True),)
    tenant_id: str = Field(primary_key=True)
    token_hash: str = Field(primary_key=True)
    client_id: str
    user_id: str
    scopes: list[str] = json_column()
    created: float = 0.0


class AccessToken(GdriveModel, table=True):
    """An OAuth 2.0 access token the twin issued (stored hashed), valid for an hour."""

    __tablename__ = "gdrive_access_token"
    __table_args__ = (Index("ix_gdrive_access_token_hash", "token_hash", unique=True),)
    tenant_id: str = Field(primary_key=True)
    token_hash: str = Field(primary_key=True)
    client_id: str  # the OAuth client or service account (its numeric client id)
    client_email: str = ""  # service accounts only
    user_id: str = ""  # the user acted for; "" when a service account acts as itself
    scopes: list[str] = json_column()
    expires_at: float = 0.0
    created: float = 0.0


class File(GdriveModel, table=True):
    """A Drive item: file, folder or Google Docs editors file. Content is stored inline."""

    __tablename__ = "gdrive_file"
    __table_args__ = (Index("ix_gdrive_file_owner", "tenant_id", "owner_id"),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    seq: int = 0  # creation order, the tie-breaker of every listing
    name: str = ""
    mime_type: str = "application/octet-stream"
    description: str = ""
    parents: list[str] = json_column()
    owner_id: str = ""  # the owning user's id (a service account acting as itself is a user too)
    is_root: bool = False
    starred: bool = False
    trashed: bool = False
    explicitly_trashed: bool = False
    trashed_time: float | None = None
    trashing_user_id: str = ""
    created: float = 0.0
    modified: float = 0.0
    last_modifying_user_id: str = ""
    version: int = 1
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    md5: str = ""
    sha1: str = ""
    sha256: str = ""
    original_filename: str = ""
    properties: dict[str, str] = json_column()
    app_properties: dict[str, str] = json_column()
    writers_can_share: bool = True
    copy_requires_writer_permission: bool = False
    created_by_client: str = ""  # the OAuth client that created it (drive.file scope)
    head_revision_id: str = ""


class Permission(GdriveModel, table=True):
    """A permission on an item. Inherited permissions are not copied: access walks the parents."""

    __tablename__ = "gdrive_permission"
    tenant_id: str = Field(primary_key=True)
    file_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    seq: int = 0
    type: str  # user | group | domain | anyone
    role: str  # owner | organizer | fileOrganizer | writer | commenter | reader
    email: str = ""  # user and group
    domain: str = ""  # domain
    allow_file_discovery: bool = False  # domain and anyone
    display_name: str = ""
    expiration: float | None = None
    pending_owner: bool = False
    created: float = 0.0


class FileAccess(GdriveModel, table=True):
    """Which OAuth client opened or created which item: what `drive.file` grants access to."""

    __tablename__ = "gdrive_file_access"
    tenant_id: str = Field(primary_key=True)
    client_id: str = Field(primary_key=True)
    file_id: str = Field(primary_key=True)


class UploadSession(GdriveModel, table=True):
    """A resumable upload in progress (`uploadType=resumable`)."""

    __tablename__ = "gdrive_upload_session"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # the upload_id of the session URI
    method: str  # files.create | files.update
    file_id: str = ""  # for files.update
    metadata_: dict[str, Any] = Field(default=None, sa_column=Column("metadata", JSON, nullable=True))
    query: dict[str, str] = json_column()
    mime_type: str = ""
    total: int | None = None
    received: bytes = Field(default=b"", sa_column=Column(LargeBinary, nullable=False))
    user_id: str = ""  # only the user who started the session may continue it
    created: float = 0.0


METADATA = GdriveModel.metadata
