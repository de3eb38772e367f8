"""Domain rows -> Slack's wire objects (user, conversation, message, team, bot)."""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any
from urllib.parse import quote

from services.slack.models import App, Conversation, File, Message, Team, User, UserGroup

IMAGE_SIZES = (24, 32, 48, 72, 192, 512)


def normalized(value: str) -> str:
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()


def avatar(seed: str) -> tuple[str, dict[str, str]]:
    avatar_hash = hashlib.md5(seed.encode(), usedforsecurity=False).hexdigest()[:12]
    images = {f"image_{size}": f"https://secure.gravatar.com/avatar/{avatar_hash}.jpg?s={size}" for size in IMAGE_SIZES}
    return avatar_hash, images


def profile(user: User, include_email: bool = True) -> dict[str, Any]:
    stored = dict(user.profile or {})
    avatar_hash, images = avatar(user.id)
    body: dict[str, Any] = {
        "title": stored.get("title", ""),
        "phone": stored.get("phone", ""),
        "skype": stored.get("skype", ""),
        "real_name": user.real_name,
        "real_name_normalized": normalized(user.real_name),
        "display_name": user.display_name,
        "display_name_normalized": normalized(user.display_name),
        "fields": stored.get("fields") or {},
        "status_text": stored.get("status_text", ""),
        "status_emoji": stored.get("status_emoji", ""),
        "status_emoji_display_info": [],
        "status_expiration": stored.get("status_expiration", 0),
        "avatar_hash": avatar_hash,
        "first_name": stored.get("first_name", user.real_name.split(" ")[0] if user.real_name else ""),
        "last_name": stored.get("last_name", " ".join(user.real_name.split(" ")[1:]) if user.real_name else ""),
        **images,
        "team": user.team_id,
    }
    if user.email and include_email:
        body["email"] = user.email
    if user.is_bot:
        body["bot_id"] = user.bot_id
        body["always_active"] = True
        body["api_app_id"] = stored.get("api_app_id", "")
    return body


def user_object(user: User, include_email: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": user.id,
        "team_id": user.team_id,
        "name": user.name,
        "deleted": user.deleted,
        "color": user.color,
        "real_name": user.real_name,
        "tz": user.tz,
        "tz_label": user.tz_label,
        "tz_offset": user.tz_offset,
        "profile": profile(user, include_email),
        "is_admin": user.is_admin,
        "is_owner": user.is_owner,
        "is_primary_owner": user.is_primary_owner,
        "is_restricted": user.is_restricted,
        "is_ultra_restricted": user.is_ultra_restricted,
        "is_bot": user.is_bot,
        "is_app_user": user.is_app_user,
        "updated": user.updated,
        "is_email_confirmed": bool(user.email),
        "who_can_share_contact_card": "EVERYONE",
    }
    if user.deleted:
        # Slack drops most role flags for deactivated users but keeps the shape.
        body["is_admin"] = body["is_owner"] = body["is_primary_owner"] = False
    return body


def conversation_object(
    conversation: Conversation, *, is_member: bool | None = None, num_members: int | None = None
) -> dict[str, Any]:
    if conversation.is_im:
        body: dict[str, Any] = {
            "id": conversation.id,
            "created": conversation.created,
            "is_archived": conversation.is_archived,
            "is_im": True,
            "is_org_shared": False,
            "context_team_id": None,
            "updated": conversation.updated,
            "user": conversation.im_user,
            "is_user_deleted": False,
            "priority": 0,
        }
        return body
    body = {
        "id": conversation.id,
        "name": conversation.name,
        "is_channel": conversation.is_channel,
        "is_group": conversation.is_group,
        "is_im": False,
        "is_mpim": conversation.is_mpim,
        "is_private": conversation.is_private,
        "created": conversation.created,
        "is_archived": conversation.is_archived,
        "is_general": conversation.is_general,
        "unlinked": 0,
        "name_normalized": conversation.name,
        "is_shared": bool(conversation.shared_team_ids),
        "is_org_shared": False,
        "is_pending_ext_shared": False,
        "pending_shared": [],
        "parent_conversation": None,
        "creator": conversation.creator,
        "is_ext_shared": bool(conversation.shared_team_ids),
        "shared_team_ids": list(conversation.shared_team_ids or []),
        "pending_connected_team_ids": [],
        "updated": conversation.updated,
        "topic": conversation.topic or {"value": "", "creator": "", "last_set": 0},
        "purpose": conversation.purpose or {"value": "", "creator": "", "last_set": 0},
        "previous_names": conversation.previous_names or [],
    }
    if is_member is not None:
        body["is_member"] = is_member
    if num_members is not None:
        body["num_members"] = num_members
    return body


def message_object(message: Message, team_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"type": message.type}
    if message.subtype:
        body["subtype"] = message.subtype
    if message.user:
        body["user"] = message.user
    if message.bot_id:
        body["bot_id"] = message.bot_id
    if message.app_id:
        body["app_id"] = message.app_id
    if message.username:
        body["username"] = message.username
    body["text"] = message.text
    body["ts"] = message.ts
    if team_id:
        body["team"] = team_id
    if message.blocks is not None:
        body["blocks"] = message.blocks
    if message.attachments:
        body["attachments"] = message.attachments
    if message.icons:
        body["icons"] = message.icons
    if message.edited:
        body["edited"] = message.edited
    if message.client_msg_id:
        body["client_msg_id"] = message.client_msg_id
    if message.metadata_:
        body["metadata"] = message.metadata_
    if message.extra:
        body.update(message.extra)
    if message.thread_ts:
        body["thread_ts"] = message.thread_ts
        if message.thread_ts == message.ts:
            body["reply_count"] = message.reply_count
            body["reply_users_count"] = len(message.reply_users or [])
            body["latest_reply"] = message.latest_reply or message.ts
            body["reply_users"] = message.reply_users or []
            body["is_locked"] = False
            body["subscribed"] = False
        elif message.parent_user_id:
            body["parent_user_id"] = message.parent_user_id
    return body


def team_object(team: Team) -> dict[str, Any]:
    _, images = avatar(team.id)
    return {
        "id": team.id,
        "name": team.name,
        "url": f"https://{team.domain}.slack.com/",
        "domain": team.domain,
        "email_domain": team.email_domain,
        "icon": {
            "image_default": True,
            **{k: v for k, v in images.items() if k in ("image_34", "image_44", "image_68", "image_88", "image_102")},
        },
        "avatar_base_url": "https://ca.slack-edge.com/",
        "is_verified": False,
        "lob_sales_home_enabled": False,
        "is_sfdc_auto_slack": False,
        # Only Enterprise Grid workspaces carry enterprise_id (a string); others omit it.
        **({"enterprise_id": team.enterprise_id} if team.enterprise_id else {}),
    }


def bot_object(app: App, updated: int) -> dict[str, Any]:
    _, images = avatar(app.bot_id)
    return {
        "id": app.bot_id,
        "deleted": app.deleted,
        "name": app.name,
        "updated": updated,
        "app_id": app.id,
        "user_id": app.bot_user_id,
        "icons": {k: v for k, v in images.items() if k in ("image_36", "image_48", "image_72")}
        or {"image_36": images["image_24"], "image_48": images["image_48"], "image_72": images["image_72"]},
    }


def usergroup_object(group: UserGroup, *, include_users: bool = False, include_count: bool = False) -> dict[str, Any]:
    """A User Group ("subteam") as usergroups.* methods and subteam_* events show it."""
    body: dict[str, Any] = {
        "id": group.id,
        "team_id": group.team_id,
        "is_usergroup": True,
        "is_subteam": True,
        "name": group.name,
        "description": group.description,
        "handle": group.handle,
        "is_external": group.is_external,
        "date_create": group.date_create,
        "date_update": group.date_update,
        "date_delete": group.date_delete,
        "auto_type": None,
        "auto_provision": False,
        "enterprise_subteam_id": "",
        "created_by": group.created_by,
        "updated_by": group.updated_by,
        "deleted_by": group.deleted_by,
        "prefs": {"channels": list(group.channels or []), "groups": list(group.groups or [])},
    }
    if include_users:
        body["users"] = list(group.users or [])
    if include_count:
        body["user_count"] = len(group.users or [])
        body["channel_count"] = len(group.channels or []) + len(group.groups or [])
    return body


def hosted_file_object(file: File, team: Team, base_url: str, kinds: dict[str, list[str]]) -> dict[str, Any]:
    """A file uploaded to Slack. `url_private*` point at the twin (they need a bearer token);
    `kinds` holds the ids it is shared in, split into channels / groups / ims."""
    slug = quote(file.name, safe="")
    private = f"{base_url}/files-pri/{team.id}-{file.id}"
    pretty = FILE_PRETTY_TYPES.get(file.filetype, file.filetype.capitalize())
    body: dict[str, Any] = {
        "id": file.id,
        "created": file.created,
        "timestamp": file.created,
        "name": file.name,
        "title": file.title or file.name,
        "mimetype": file.mimetype,
        "filetype": file.filetype,
        "pretty_type": pretty,
        "user": file.user,
        "user_team": team.id,
        "editable": file.mode == "snippet",
        "size": file.size,
        "mode": file.mode,
        "is_external": False,
        "external_type": "",
        "is_public": bool(kinds.get("channels")),
        "public_url_shared": False,
        "display_as_bot": False,
        "username": "",
        "url_private": f"{private}/{slug}",
        "url_private_download": f"{private}/download/{slug}",
        "media_display_type": "unknown",
        "permalink": f"https://{team.domain}.slack.com/files/{file.user}/{file.id}/{slug}",
        "permalink_public": f"https://slack-files.com/{team.id}-{file.id}-{file.upload_key[:10].lower()}",
        "comments_count": 0,
        "is_starred": False,
        "shares": file.shares or {},
        "channels": kinds.get("channels", []),
        "groups": kinds.get("groups", []),
        "ims": kinds.get("ims", []),
        "has_more_shares": False,
        "has_rich_preview": False,
        "file_access": "visible",
    }
    if file.alt_txt:
        body["alt_txt"] = file.alt_txt
    return body


# filetype -> pretty_type, as Slack labels the common ones.
FILE_PRETTY_TYPES: dict[str, str] = {
    "text": "Plain Text",
    "binary": "Binary",
    "png": "PNG",
    "jpg": "JPEG",
    "gif": "GIF",
    "svg": "SVG",
    "webp": "WebP",
    "pdf": "PDF",
    "zip": "Zip",
    "gzip": "GZip",
    "csv": "CSV",
    "json": "JSON",
    "markdown": "Markdown (raw)",
    "html": "HTML",
    "xml": "XML",
    "yaml": "YAML",
    "python": "Python",
    "javascript": "JavaScript",
    "typescript": "TypeScript",
    "shell": "Shell",
    "sql": "SQL",
    "mp4": "MPEG 4 Video",
    "mp3": "MP3",
    "docx": "Word Document",
    "xlsx": "Excel Spreadsheet",
    "pptx": "PowerPoint presentation",
}
