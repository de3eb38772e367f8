"""Slack's tables. Every table is prefixed `slack_` and keyed by (tenant_id, vendor id).

They live in their own SQLModel registry so they never collide with another twin's
tables in a shared database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from services.core.sso import SsoLoginFields, SsoSettingFields


class SlackModel(SQLModel, registry=registry()):
    """Base of the Slack twin's tables."""


def json_column(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=nullable))


class Team(SlackModel, table=True):
    __tablename__ = "slack_team"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # T...
    name: str
    domain: str
    email_domain: str = ""
    created: int = 0
    enterprise_id: str | None = None


class User(SlackModel, table=True):
    __tablename__ = "slack_user"
    __table_args__ = (Index("ix_slack_user_email", "tenant_id", "email"),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # U... (W... for enterprise users)
    team_id: str
    name: str  # the username (handle)
    real_name: str = ""
    display_name: str = ""
    email: str | None = None
    deleted: bool = False
    is_admin: bool = False
    is_owner: bool = False
    is_primary_owner: bool = False
    is_restricted: bool = False
    is_ultra_restricted: bool = False
    is_bot: bool = False
    is_app_user: bool = False
    bot_id: str | None = None  # for bot users: their B... id
    tz: str = "America/Los_Angeles"
    tz_label: str = "Pacific Standard Time"
    tz_offset: int = -28800
    color: str = "9f69e7"
    presence: str = "auto"  # what users.setPresence set: auto | away
    profile: dict[str, Any] | None = json_column()  # title, phone, status_*, first/last name, fields, ...
    updated: int = 0
    external_id: str | None = None  # SCIM externalId / the Okta id it came from
    user_name_scim: str | None = None
    created: int = 0  # when the account was created (SCIM meta.created); 0 for rows made before this column


class App(SlackModel, table=True):
    __tablename__ = "slack_app"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # A...
    name: str
    bot_id: str  # B...
    bot_user_id: str  # U...
    client_id: str
    client_secret: str
    signing_secret: str
    verification_token: str
    bot_scopes: list[str] | None = json_column()
    user_scopes: list[str] | None = json_column()
    redirect_urls: list[str] | None = json_column()
    event_request_url: str | None = None
    event_url_verified: bool = False
    bot_events: list[str] | None = json_column()
    user_events: list[str] | None = json_column()
    deleted: bool = False
    created: int = 0


class Token(SlackModel, table=True):
    __tablename__ = "slack_token"
    __table_args__ = (Index("ix_slack_token_token", "token", unique=True),)
    tenant_id: str = Field(primary_key=True)
    token: str = Field(primary_key=True)
    type: str  # bot | user
    user_id: str  # the bot user for bot tokens, the authorizing user for user tokens
    app_id: str | None = None
    scopes: list[str] | None = json_column()
    revoked: bool = False
    created: int = 0


class Conversation(SlackModel, table=True):
    __tablename__ = "slack_conversation"
    __table_args__ = (Index("ix_slack_conversation_name", "tenant_id", "name"),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # C... public/private channels, D... IMs, G... MPIMs
    name: str = ""
    is_channel: bool = False
    is_group: bool = False
    is_im: bool = False
    is_mpim: bool = False
    is_private: bool = False
    is_archived: bool = False
    is_general: bool = False
    creator: str = ""
    created: int = 0
    # milliseconds, as Slack reports it: past int32, so BIGINT (PostgreSQL refuses it as INTEGER)
    updated: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    topic: dict[str, Any] | None = json_column()  # {value, creator, last_set}
    purpose: dict[str, Any] | None = json_column()
    im_user: str | None = None  # the other party of an IM
    previous_names: list[str] | None = json_column()
    # Slack Connect: every team the channel is shared with, this workspace's first (empty when not shared).
    shared_team_ids: list[str] | None = json_column()


class Member(SlackModel, table=True):
    __tablename__ = "slack_member"
    __table_args__ = (Index("ix_slack_member_user", "tenant_id", "user_id"),)
    tenant_id: str = Field(primary_key=True)
    conversation_id: str = Field(primary_key=True)
    user_id: str = Field(primary_key=True)
    joined: float = 0.0
    last_read: str = "0000000000.000000"


class Message(SlackModel, table=True):
    __tablename__ = "slack_message"
    __table_args__ = (
        Index("ix_slack_message_order", "tenant_id", "channel_id", "ts_sort"),
        Index("ix_slack_message_thread", "tenant_id", "channel_id", "thread_ts"),
    )
    tenant_id: str = Field(primary_key=True)
    channel_id: str = Field(primary_key=True)
    ts: str = Field(primary_key=True)  # "1503435956.000247": unique and increasing per channel
    ts_sort: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))  # ts in microseconds
    type: str = "message"
    subtype: str | None = None
    user: str | None = None
    bot_id: str | None = None
    app_id: str | None = None
    username: str | None = None
    text: str = ""
    blocks: list[Any] | None = json_column()
    attachments: list[Any] | None = json_column()
    files: list[str] | None = json_column()  # file ids
    icons: dict[str, Any] | None = json_column()
    metadata_: dict[str, Any] | None = Field(default=None, sa_column=Column("metadata", JSON, nullable=True))
    thread_ts: str | None = None
    parent_user_id: str | None = None
    reply_count: int = 0
    reply_users: list[str] | None = json_column()
    latest_reply: str | None = None
    edited: dict[str, Any] | None = json_column()  # {user, ts}
    client_msg_id: str | None = None
    hidden: bool = False
    # Fields particular to a subtype, rendered as they are: topic (channel_topic), purpose,
    # old_name/name (channel_name), inviter (channel_join by invitation).
    extra: dict[str, Any] | None = json_column()


class Reaction(SlackModel, table=True):
    __tablename__ = "slack_reaction"
    tenant_id: str = Field(primary_key=True)
    channel_id: str = Field(primary_key=True)
    ts: str = Field(primary_key=True)
    name: str = Field(primary_key=True)
    user_id: str = Field(primary_key=True)
    created: float = 0.0  # ordering within a message and for reactions.list


class Pin(SlackModel, table=True):
    __tablename__ = "slack_pin"
    tenant_id: str = Field(primary_key=True)
    channel_id: str = Field(primary_key=True)
    ts: str = Field(primary_key=True)
    created: int = 0
    created_by: str = ""


class ScheduledMessage(SlackModel, table=True):
    __tablename__ = "slack_scheduled_message"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # Q...
    channel_id: str
    post_at: int
    date_created: int
    text: str = ""
    blocks: list[Any] | None = json_column()
    attachments: list[Any] | None = json_column()
    thread_ts: str | None = None
    reply_broadcast: bool = False
    user: str = ""  # the poster (bot user or user)
    bot_id: str | None = None
    app_id: str | None = None
    posted: bool = False


class UserGroup(SlackModel, table=True):
    __tablename__ = "slack_usergroup"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # S...
    team_id: str
    name: str
    handle: str
    description: str = ""
    is_external: bool = False
    date_create: int = 0
    date_update: int = 0
    date_delete: int = 0
    created_by: str = ""
    updated_by: str = ""
    deleted_by: str | None = None
    channels: list[str] | None = json_column()  # prefs.channels
    groups: list[str] | None = json_column()  # prefs.groups
    users: list[str] | None = json_column()  # ordered member ids
    external_id: str | None = None  # SCIM externalId


class File(SlackModel, table=True):
    __tablename__ = "slack_file"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # F...
    user: str
    name: str
    title: str = ""
    mimetype: str = "application/octet-stream"
    filetype: str = "binary"
    size: int = 0
    declared_length: int = 0
    created: int = 0
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    upload_key: str = ""  # secret part of the upload URL
    state: str = "pending"  # pending (URL issued) | uploaded | complete | deleted
    channels: list[str] | None = json_column()
    shares: dict[str, Any] | None = json_column()
    alt_txt: str | None = None
    initial_comment: str | None = None
    mode: str = "hosted"  # hosted | snippet (files.getUploadURLExternal with snippet_type)
    created_at: float = 0.0  # exact tenant-clock time of `created`: orders files.list within a second


class IncomingWebhook(SlackModel, table=True):
    __tablename__ = "slack_incoming_webhook"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # B... (the path's middle segment)
    secret: str
    team_id: str
    channel_id: str
    app_id: str
    created: int = 0


class OAuthCode(SlackModel, table=True):
    __tablename__ = "slack_oauth_code"
    tenant_id: str = Field(primary_key=True)
    code: str = Field(primary_key=True)
    app_id: str
    user_id: str
    scopes: list[str] | None = json_column()
    user_scopes: list[str] | None = json_column()
    redirect_uri: str | None = None
    expires: int = 0
    used: bool = False
    webhook_channel_id: str | None = None  # chosen at authorize when incoming-webhook was requested


class SsoSetting(SlackModel, SsoSettingFields, table=True):
    """The workspace's SAML/OIDC single sign-on: here an OIDC web app in an Okta org (a DTU setting).

    One row per tenant; none means members sign in without an identity provider.
    """

    __tablename__ = "slack_sso_setting"


class SsoLogin(SlackModel, SsoLoginFields, table=True):
    """A sign-in sent to the identity provider: what the callback needs to resume the install."""

    __tablename__ = "slack_sso_login"
    query: str  # the original /oauth/v2/authorize query string


class Invite(SlackModel, table=True):
    """A pending workspace invitation (admin.users.invite): no account exists until it is accepted."""

    __tablename__ = "slack_invite"
    tenant_id: str = Field(primary_key=True)
    email: str = Field(primary_key=True)  # lower-cased
    team_id: str
    invited_by: str
    channel_ids: list[str] | None = json_column()
    real_name: str = ""
    is_restricted: bool = False
    is_ultra_restricted: bool = False
    custom_message: str = ""
    date_invited: int = 0


class EventDelivery(SlackModel, table=True):
    """An Events API delivery: what was sent where, and how each attempt went."""

    __tablename__ = "slack_event_delivery"
    tenant_id: str = Field(primary_key=True)
    event_id: str = Field(primary_key=True)  # Ev...
    app_id: str
    url: str
    payload: dict[str, Any] | None = json_column()
    attempts: int = 0
    next_attempt_at: float = 0.0
    state: str = "pending"  # pending | delivered | failed
    last_status: int | None = None
    last_error: str | None = None
    created: float = 0.0


METADATA = SlackModel.metadata
