"""The Google Workspace twin's tables. Every table is prefixed `gdrive_` and keyed by (tenant_id, ...).

A tenant is a Workspace domain (customer): its users, its service accounts and OAuth
clients, the tokens issued to them, and the Drive items and permissions of its users.
The tables live in their own SQLModel registry so they never collide with another
twin's tables in a shared database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary, event
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from services.core.sso import SsoLoginFields, SsoSettingFields


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


class AuthCode(GdriveModel, table=True):
    """An authorization code from `/o/oauth2/auth`, single-use, until the token endpoint redeems it."""

    __tablename__ = "gdrive_auth_code"
    __table_args__ = (Index("ix_gdrive_auth_code_hash", "code_hash", unique=True),)
    tenant_id: str = Field(primary_key=True)
    code_hash: str = Field(primary_key=True)
    client_id: str
    user_id: str
    scopes: list[str] = json_column()
    redirect_uri: str = ""
    code_challenge: str = ""  # PKCE (S256 or plain, as the request said)
    code_challenge_method: str = ""
    offline: bool = False  # access_type=offline: the exchange also returns a refresh token
    expires: float = 0.0


class SsoSetting(GdriveModel, SsoSettingFields, table=True):
    """The Workspace domain's single sign-on: an OIDC web app in an Okta org (a DTU setting, seed key `sso`).

    One row per tenant; none means users sign in to Google directly.
    """

    __tablename__ = "gdrive_sso_setting"


class SsoLogin(GdriveModel, SsoLoginFields, table=True):
    """A sign-in sent to the identity provider: what the callback needs to resume the authorization."""

    __tablename__ = "gdrive_sso_login"
    query: str  # the original /o/oauth2/auth query string
    # This table was created with a float column (the other twins' with an integer); kept so data dirs load.
    expires: float = 0.0  # type: ignore[assignment]


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
    """A Drive item: file, folder or Google Docs editors file. Content is a blob of ContentChunk rows."""

    __tablename__ = "gdrive_file"
    __table_args__ = (
        Index("ix_gdrive_file_owner", "tenant_id", "owner_id"),
        Index("ix_gdrive_file_parent", "tenant_id", "parent_id"),
        Index("ix_gdrive_file_drive", "tenant_id", "drive_id"),
        Index("ix_gdrive_file_blob", "tenant_id", "blob_id"),
    )
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
    blob_id: str = ""  # the content's ContentChunk rows ("" for no content: folders, Docs editors files)
    size: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
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
    # The first of `parents`, kept in step by `_index_parent` (Drive v3 items have one parent): indexed,
    # so a folder's children are one query instead of a scan of the domain.
    parent_id: str = ""
    drive_id: str = ""  # the shared drive holding the item ("" for My Drive); a drive's root has its own id


class Permission(GdriveModel, table=True):
    """A permission on an item. Inherited permissions are not copied: access walks the parents."""

    __tablename__ = "gdrive_permission"
    __table_args__ = (
        Index("ix_gdrive_permission_email", "tenant_id", "email"),
        Index("ix_gdrive_permission_type", "tenant_id", "type"),
    )
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
    total: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    blob_id: str = ""  # the bytes received so far, as ContentChunk rows (the file's once complete)
    received: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    completed_file_id: str = ""  # set when the last byte arrived: a status query then answers with the file
    user_id: str = ""  # only the user who started the session may continue it
    created: float = 0.0


class Document(GdriveModel, table=True):
    """The content of a Google Doc (Docs API v1); its Drive item has the same id. services/gdrive/docs/."""

    __tablename__ = "gdrive_document"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    units: list[Any] = json_column()  # the body as a sequence of characters and table markers (docs/body.py)
    lists: dict[str, Any] = json_column()  # listId -> list properties (bullets)
    revision: int = 1
    revision_id: str = ""
    recent_revisions: list[str] = json_column()  # revision ids a targetRevisionId may name, oldest first


class Spreadsheet(GdriveModel, table=True):
    """The content of a Google Sheet (Sheets API v4); its Drive item has the same id. services/gdrive/sheets/."""

    __tablename__ = "gdrive_spreadsheet"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    properties: dict[str, Any] = json_column()  # locale, timeZone, autoRecalc (the title is the Drive name)
    sheets: list[Any] = json_column()  # [{"properties": {...}, "cells": {"r,c": {...}}}] (sheets/book.py)


class SharedDrive(GdriveModel, table=True):
    """A shared drive (`drives`). Its root folder is a File row with the same id; its members are
    Permission rows on that root, inherited by everything inside like a folder's."""

    __tablename__ = "gdrive_drive"
    __table_args__ = (Index("ix_gdrive_drive_request", "tenant_id", "request_id"),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    seq: int = 0
    name: str = ""
    request_id: str = ""  # drives.create's idempotency key
    creator_id: str = ""
    hidden: bool = False
    color_rgb: str = ""
    theme_id: str = ""
    restrictions: dict[str, Any] = json_column()
    created: float = 0.0


class Change(GdriveModel, table=True):
    """One entry of the domain's change log (changes.list), written by the flush hook in domain/changes.py.

    `grantees` remembers who could see the item through permissions that are gone (deleted item,
    removed permission), so the change can still be reported to them as `removed`.
    """

    __tablename__ = "gdrive_change"
    __table_args__ = (Index("ix_gdrive_change_file", "tenant_id", "file_id"),)
    tenant_id: str = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    kind: str = "file"  # file | drive
    file_id: str = ""  # the item, or the shared drive for kind=drive
    drive_id: str = ""
    time: float = 0.0
    removed: bool = False  # the item (or drive) no longer exists
    grantees: list[Any] = json_column()  # [[type, email, domain], ...] of permissions removed
    former_parent: str = ""


class Channel(GdriveModel, table=True):
    """A push notification channel (changes.watch, files.watch), stopped with channels.stop."""

    __tablename__ = "gdrive_channel"
    tenant_id: str = Field(primary_key=True)
    resource_id: str = Field(primary_key=True)
    id: str = ""  # the client's channel id
    kind: str = "changes"  # changes | file
    file_id: str = ""
    drive_id: str = ""
    user_id: str = ""
    address: str = ""
    token: str = ""
    expiration: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))  # milliseconds since the epoch
    resource_uri: str = ""
    position: int = 0  # changes: the last change seq already notified
    message_number: int = 0
    params: dict[str, Any] = json_column()
    created: float = 0.0


class Revision(GdriveModel, table=True):
    """A content revision of a blob file (revisions.list/get); the newest is the head revision."""

    __tablename__ = "gdrive_revision"
    __table_args__ = (Index("ix_gdrive_revision_blob", "tenant_id", "blob_id"),)
    tenant_id: str = Field(primary_key=True)
    file_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    seq: int = 0
    mime_type: str = ""
    modified: float = 0.0
    user_id: str = ""
    md5: str = ""
    size: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    original_filename: str = ""
    keep_forever: bool = False
    published: bool = False
    blob_id: str = ""  # shared with the file while it is the head: blobs are never changed once written


class ContentChunk(GdriveModel, table=True):
    """A piece of a blob's bytes (domain/content.py). Blobs are immutable once complete, so files, their
    copies and revisions share them; pieces keep uploads and downloads from holding a whole file at once."""

    __tablename__ = "gdrive_content_chunk"
    tenant_id: str = Field(primary_key=True)
    blob_id: str = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    start: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))  # its first byte's offset in the blob
    data: bytes = Field(default=b"", sa_column=Column(LargeBinary, nullable=False))


@event.listens_for(File, "before_insert")
@event.listens_for(File, "before_update")
def _index_parent(_mapper: Any, _connection: Any, target: File) -> None:
    """Keep `parent_id` equal to the first parent, whoever wrote `parents`."""
    target.parent_id = (target.parents or [""])[0]


METADATA = GdriveModel.metadata
