"""users.list, users.info, users.lookupByEmail, users.profile.get/set, users.getPresence/setPresence."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from conformance.slack.expect import error_of
from conformance.slack.people import add_user, events_to, user_token

# -- users.list -------------------------------------------------------------------


def test_list_shows_humans_and_bots(bot: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    response = bot.users_list()
    members = {m["id"]: m for m in response["members"]}
    assert members[dtu_slack.admin_user_id]["is_admin"] is True
    assert members[dtu_slack.bot_user_id]["is_bot"] is True
    assert members[dtu_slack.bot_user_id]["profile"]["bot_id"] == dtu_slack.bot_id
    assert isinstance(response["cache_ts"], int)
    assert response["response_metadata"]["next_cursor"] == ""


def test_list_paginates_with_cursor(bot: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    for name in ("alice", "bob", "carol"):
        add_user(dtu_slack, name)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = bot.users_list(limit=2, cursor=cursor)
        assert len(page["members"]) <= 2
        seen += [m["id"] for m in page["members"]]
        pages += 1
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    everyone = [m["id"] for m in bot.users_list()["members"]]
    assert sorted(seen) == sorted(everyone) and len(seen) == len(set(seen)) == 5
    assert pages == 3


def test_list_pages_through_sdk_iterator(bot: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    add_user(dtu_slack, "alice")
    ids = [m["id"] for page in bot.users_list(limit=1) for m in page["members"]]
    assert len(ids) == 3


def test_list_bad_cursor(bot: WebClient) -> None:
    assert error_of(bot.users_list, cursor="not-a-cursor") == "invalid_cursor"


def test_list_include_locale(bot: WebClient) -> None:
    members = bot.users_list(include_locale=True)["members"]
    assert all(m["locale"] for m in members)
    assert all("locale" not in m for m in bot.users_list()["members"])


def test_list_includes_deactivated_members(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = add_user(dtu_slack, "alice")
    user.admin_users_remove(team_id=dtu_slack.team_id, user_id=alice)
    listed = {m["id"]: m for m in user.users_list()["members"]}
    assert listed[alice]["deleted"] is True


# -- users.info ----------------------------------------------------------------------


def test_info(bot: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = add_user(dtu_slack, "alice", title="Engineer")
    info = bot.users_info(user=alice)["user"]
    assert info["id"] == alice and info["name"] == "alice" and info["deleted"] is False
    assert info["team_id"] == dtu_slack.team_id
    assert info["profile"]["title"] == "Engineer"
    assert "locale" not in info
    assert bot.users_info(user=alice, include_locale=True)["user"]["locale"]


def test_info_unknown_user(bot: WebClient) -> None:
    assert error_of(bot.users_info, user="U0000NOPE") == "user_not_found"


def test_email_needs_users_read_email(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = add_user(dtu_slack, "alice")
    reader = WebClient(token=user_token(dtu_slack, "admin", "users:read"), base_url=dtu_slack.url)
    assert "email" not in reader.users_info(user=alice)["user"]["profile"]
    with_email = WebClient(token=user_token(dtu_slack, "admin", "users:read,users:read.email"), base_url=dtu_slack.url)
    assert with_email.users_info(user=alice)["user"]["profile"]["email"] == "alice@example.com"


# -- users.lookupByEmail -------------------------------------------------------------


def test_lookup_by_email(bot: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = add_user(dtu_slack, "alice")
    assert bot.users_lookupByEmail(email="alice@example.com")["user"]["id"] == alice


def test_lookup_by_email_not_found_is_plural(bot: WebClient) -> None:
    assert error_of(bot.users_lookupByEmail, email="nobody@example.com") == "users_not_found"


def test_lookup_by_email_needs_its_own_scope(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    reader = WebClient(token=user_token(dtu_slack, "admin", "users:read"), base_url=dtu_slack.url)
    with pytest.raises(SlackApiError) as caught:
        reader.users_lookupByEmail(email="admin@example.com")
    assert caught.value.response["error"] == "missing_scope"
    assert caught.value.response["needed"] == "users:read.email"


# -- users.profile.get / set ---------------------------------------------------------


def test_profile_get_defaults_to_caller(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    profile = user.users_profile_get()["profile"]
    assert profile["real_name"] == user.users_info(user=dtu_slack.admin_user_id)["user"]["real_name"]
    assert profile["email"] == "admin@example.com"


def test_profile_get_other_and_unknown(bot: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = add_user(dtu_slack, "alice", title="Engineer")
    assert bot.users_profile_get(user=alice, include_labels=True)["profile"]["title"] == "Engineer"
    assert error_of(bot.users_profile_get, user="U0000NOPE") == "user_not_found"


def test_profile_set_with_profile_object(user: WebClient) -> None:
    profile = user.users_profile_set(
        profile={"title": "Chief", "status_text": "riding a train", "status_emoji": ":train:", "display_name": "boss"}
    )["profile"]
    assert profile["title"] == "Chief"
    assert profile["status_text"] == "riding a train" and profile["status_emoji"] == ":train:"
    assert profile["display_name"] == "boss"
    again = user.users_profile_get()["profile"]
    assert again["title"] == "Chief" and again["display_name"] == "boss"


def test_profile_set_with_name_and_value(user: WebClient) -> None:
    assert user.users_profile_set(name="title", value="Night owl")["profile"]["title"] == "Night owl"
    assert user.users_profile_get()["profile"]["title"] == "Night owl"


def test_profile_set_invalid_profile(user: WebClient) -> None:
    assert error_of(user.api_call, "users.profile.set", params={"profile": "{not json"}) == "invalid_profile"


def test_profile_set_status_text_too_long(user: WebClient) -> None:
    assert error_of(user.users_profile_set, profile={"status_text": "x" * 101}) == "too_long"


def test_profile_set_is_for_user_tokens_only(bot: WebClient) -> None:
    assert error_of(bot.users_profile_set, profile={"title": "x"}) == "not_allowed_token_type"


def test_admin_sets_another_members_profile(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = add_user(dtu_slack, "alice")
    assert user.users_profile_set(user=alice, profile={"title": "Set by admin"})["profile"]["title"] == "Set by admin"
    assert user.users_info(user=alice)["user"]["profile"]["title"] == "Set by admin"


def test_member_cannot_set_another_members_profile(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    bob = add_user(dtu_slack, "bob")
    add_user(dtu_slack, "alice")
    alice = WebClient(token=user_token(dtu_slack, "alice", "users.profile:write"), base_url=dtu_slack.url)
    alice.users_profile_set(profile={"title": "mine"})
    assert error_of(alice.users_profile_set, user=bob, profile={"title": "yours"}) == "not_admin"


def test_admin_cannot_set_an_owners_profile(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    add_user(dtu_slack, "deputy", is_admin=True)
    deputy = WebClient(token=user_token(dtu_slack, "deputy", "users.profile:write"), base_url=dtu_slack.url)
    error = error_of(deputy.users_profile_set, user=dtu_slack.admin_user_id, profile={"title": "x"})
    assert error == "cannot_update_admin_user"


# -- presence ------------------------------------------------------------------------


def test_get_presence_of_self_has_details(user: WebClient) -> None:
    # slack_sdk makes `user` a required argument; the method itself defaults it to the caller.
    presence = user.api_call("users.getPresence")
    assert presence["presence"] in ("active", "away")
    for key in ("online", "auto_away", "manual_away", "connection_count"):
        assert key in presence


def test_get_presence_of_another_user_is_only_presence(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = add_user(dtu_slack, "alice")
    presence = user.users_getPresence(user=alice)
    assert presence["presence"] in ("active", "away")
    assert "manual_away" not in presence and "online" not in presence


def test_set_presence_away_and_back(user: WebClient, bot: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    user.users_setPresence(presence="away")
    mine = user.users_getPresence(user=dtu_slack.admin_user_id)
    assert mine["presence"] == "away" and mine["manual_away"] is True
    assert bot.users_getPresence(user=dtu_slack.admin_user_id)["presence"] == "away"
    user.users_setPresence(presence="auto")
    assert user.users_getPresence(user=dtu_slack.admin_user_id)["manual_away"] is False


def test_set_presence_rejects_other_values(user: WebClient) -> None:
    assert error_of(user.users_setPresence, presence="active") == "invalid_presence"


# -- events ----------------------------------------------------------------------------


def test_profile_change_sends_user_change(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    with events_to(dtu_slack, ["user_change"]) as receiver:
        user.users_profile_set(profile={"title": "Evented"})
        [delivery] = receiver.wait_for(lambda r: r.event.get("type") == "user_change")
    changed = delivery.event["user"]
    assert changed["id"] == dtu_slack.admin_user_id
    assert changed["profile"]["title"] == "Evented"


def test_deactivation_sends_user_change(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    alice = add_user(dtu_slack, "alice")
    with events_to(dtu_slack, ["user_change"]) as receiver:
        user.admin_users_remove(team_id=dtu_slack.team_id, user_id=alice)
        [delivery] = receiver.wait_for(lambda r: r.event.get("type") == "user_change")
    assert delivery.event["user"]["id"] == alice and delivery.event["user"]["deleted"] is True
