"""users.list, users.info, users.lookupByEmail, users.profile.get/set, users.getPresence/setPresence.

(users.conversations lives with the conversations family.)
"""

from __future__ import annotations

from typing import Any

from services.core.cursors import InvalidCursor, decode_cursor, encode_cursor
from services.slack import render
from services.slack.call import Call, method
from services.slack.domain import lookup
from services.slack.domain import users as members
from services.slack.errors import SlackError
from services.slack.models import User

LOCALE = "en-US"  # the twin has one locale; include_locale reports it


def _render(call: Call, user: User, include_locale: bool) -> dict[str, Any]:
    # Emails are only shown to tokens holding users:read.email, as in Slack.
    body = render.user_object(user, include_email=call.has_scope("users:read.email"))
    if include_locale:
        body["locale"] = LOCALE
    return body


@method("users.list")
def users_list(call: Call) -> dict[str, Any]:
    # Without a limit Slack returns every member in one page.
    # Slack caps a page at 1000 whatever the limit asks.
    limit = max(int(call.params.integer("limit", 0, maximum=1000) or 0), 0)
    after = None
    cursor = call.params.string("cursor")
    if cursor:
        try:
            after = str(decode_cursor(cursor)["after"])
        except (InvalidCursor, KeyError):
            raise SlackError("invalid_cursor") from None
    rows, last = members.page(call, after, limit or None)
    include_locale = call.params.flag("include_locale")
    return {
        "members": [_render(call, user, include_locale) for user in rows],
        "cache_ts": call.now_int(),
        "response_metadata": {"next_cursor": encode_cursor({"after": last}) if last else ""},
    }


@method("users.info")
def users_info(call: Call) -> dict[str, Any]:
    user = lookup.user(call, call.params.string("user"))
    return {"user": _render(call, user, call.params.flag("include_locale"))}


@method("users.lookupByEmail")
def users_lookup_by_email(call: Call) -> dict[str, Any]:
    user = members.by_email(call, call.params.required("email"))
    if user is None:
        raise SlackError("users_not_found")
    return {"user": _render(call, user, False)}


def _profile(call: Call, user: User, include_labels: bool = False) -> dict[str, Any]:
    profile = render.profile(user, include_email=call.has_scope("users:read.email") or user.id == call.user_id)
    if include_labels:
        # The twin's workspace defines no custom profile fields, so a field's label is its id.
        profile["fields"] = {k: {**v, "label": k} for k, v in (profile.get("fields") or {}).items()}
    return profile


@method("users.profile.get")
def users_profile_get(call: Call) -> dict[str, Any]:
    user = lookup.user(call, call.params.string("user", call.user_id))
    return {"profile": _profile(call, user, call.params.flag("include_labels"))}


def _changes(call: Call) -> dict[str, Any]:
    """`profile` (a JSON object, or a JSON string of one) or a single `name`/`value` pair."""
    profile = call.params.json("profile", error="invalid_profile")
    if profile is not None:
        if not isinstance(profile, dict):
            raise SlackError("invalid_profile")
        return profile
    name = call.params.string("name")
    if not name:
        raise SlackError("invalid_profile")
    value = call.params.raw("value")
    if name.startswith("X") and name not in members.PROFILE_KEYS:  # a custom field id, e.g. Xf06054BBB
        return {"fields": {name: {"value": "" if value is None else str(value), "alt": ""}}}
    return {name: value}


@method("users.profile.set")
def users_profile_set(call: Call) -> dict[str, Any]:
    target = lookup.user(call, call.params.string("user", call.user_id))
    if target.id != call.user_id:
        caller = lookup.user(call, call.user_id)
        if not members.is_admin(caller):
            raise SlackError("not_admin")
        if members.is_admin(target) and not (caller.is_owner or caller.is_primary_owner):
            raise SlackError("cannot_update_admin_user")
    members.set_profile(call, target, _changes(call))
    return {"username": target.name, "profile": _profile(call, target)}


@method("users.getPresence")
def users_get_presence(call: Call) -> dict[str, Any]:
    user = lookup.user(call, call.params.string("user", call.user_id))
    # Docs: for another user only `presence`; for the authed user, how it was calculated too.
    return members.presence(user, full=user.id == call.user_id, now=call.now_int())


@method("users.setPresence")
def users_set_presence(call: Call) -> dict[str, Any]:
    presence = call.params.string("presence")
    if presence not in ("auto", "away"):
        raise SlackError("invalid_presence")
    user = lookup.user(call, call.user_id)
    user.presence = presence
    call.session.add(user)
    return {}
