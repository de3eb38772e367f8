"""One person, every twin: the same email everywhere, and the other twins point at the Okta id.

Through the official SDKs against a fleet with the fragment of conftest.py loaded: the okta
SDK lists the users and the app links; slack_sdk finds them by email and SCIM shows the Okta id
as externalId; the jira library finds the account by email and its `okta` user property; the
Directory API (googleapiclient) knows them with externalIds, and domain-wide delegation signs
in as them (but not as a suspended one, as Google answers invalid_grant).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from google.auth.exceptions import RefreshError
from google.oauth2 import service_account
from googleapiclient.discovery import build
from jira import JIRA
from okta.client import Client
from slack_sdk import WebClient

from services.universe.tests.conftest import Loaded

DRIVE = "https://www.googleapis.com/auth/drive"
DIRECTORY_USER = "https://www.googleapis.com/auth/admin.directory.user.readonly"


def okta_client(loaded: Loaded) -> Client:
    creds = loaded.credentials("okta")
    return Client({"orgUrl": creds["org_url"], "token": creds["api_token"], "rateLimit": {"maxRetries": 0}})


async def test_okta_lists_every_person_with_the_derived_id_and_status(small: Loaded) -> None:
    async with okta_client(small) as okta:
        for person in small.universe.persons.values():
            found, _, err = await okta.list_users(search=f'profile.email eq "{person.email}"')
            assert err is None and [u.id for u in found] == [person.okta_id]
            user = found[0]
            assert user.profile.login == person.email
            assert (user.profile.first_name, user.profile.last_name) == (person.first_name, person.last_name)
        alice, _, _ = await okta.get_user(small.universe.person("alice").okta_id)
        assert (
            alice.profile.title == "Database Engineer"
            and alice.profile.manager_id == small.universe.person("bob").okta_id
        )
        carol, _, _ = await okta.get_user(small.universe.person("carol").okta_id)
        assert carol.status == "SUSPENDED"


async def test_okta_groups_hold_their_members(small: Loaded) -> None:
    async with okta_client(small) as okta:
        groups, _, err = await okta.list_groups(q="Database Admins")
        assert err is None and len(groups) == 1
        members, _, _ = await okta.list_group_users(groups[0].id)
        assert [m.id for m in members] == [small.universe.person("alice").okta_id]


def test_okta_apps_link_each_person_to_their_target_account(small: Loaded) -> None:
    """The Slack and Google apps' app users carry the target ids, already SYNCHRONIZED (a seed pushes nothing)."""
    creds = small.credentials("okta")
    headers = {"Authorization": f"SSWS {creds['api_token']}", "Accept": "application/json"}
    with httpx.Client(base_url=creds["org_url"], headers=headers) as http:
        apps = {a["name"]: a for a in http.get("/api/v1/apps").json()}
        assert apps["slack"]["label"] == "Slack" and apps["google"]["label"] == "Google Workspace"
        for app, id_of in (("slack", "slack_id"), ("google", "google_id")):
            users = {u["id"]: u for u in http.get(f"/api/v1/apps/{apps[app]['id']}/users").json()}
            for person in small.universe.persons.values():
                assert users[person.okta_id]["externalId"] == getattr(person, id_of)
                assert users[person.okta_id]["syncState"] == "SYNCHRONIZED"
        log = http.get("/api/v1/logs", params={"filter": 'eventType sw "application.provision"'}).json()
        assert log == []


def test_slack_finds_each_person_by_email_and_scim_shows_the_okta_id(small: Loaded) -> None:
    creds = small.credentials("slack")
    bot = WebClient(token=creds["bot_token"], base_url=creds["url"])
    for handle in ("alice", "bob", "dan"):
        person = small.universe.person(handle)
        user = bot.users_lookupByEmail(email=person.email)["user"]
        assert (user["id"], user["name"], user["real_name"]) == (person.slack_id, handle, person.name)
    scim = httpx.get(
        f"{small.url('slack')}/scim/v1/Users/{small.universe.person('alice').slack_id}",
        headers={"Authorization": f"Bearer {creds['user_token']}"},
    ).json()
    assert scim["externalId"] == small.universe.person("alice").okta_id
    assert scim["emails"][0]["value"] == "alice@initech.test" and scim["active"] is True
    carol = httpx.get(
        f"{small.url('slack')}/scim/v1/Users/{small.universe.person('carol').slack_id}",
        headers={"Authorization": f"Bearer {creds['user_token']}"},
    ).json()
    assert carol["active"] is False  # not active in Okta: deactivated in Slack


def test_slack_channels_have_their_members(small: Loaded) -> None:
    creds = small.credentials("slack")
    bot = WebClient(token=creds["bot_token"], base_url=creds["url"])
    channels = {c["name"]: c for c in bot.conversations_list(types="public_channel,private_channel")["channels"]}
    members = set(bot.conversations_members(channel=channels["eng"]["id"])["members"])
    u = small.universe
    assert {u.person("alice").slack_id, u.person("bob").slack_id} <= members
    assert u.person("carol").slack_id not in members  # deactivated accounts are not channel members
    general = set(bot.conversations_members(channel=channels["general"]["id"])["members"])
    assert {u.person(h).slack_id for h in ("alice", "bob", "dan")} <= general
    assert channels["eng"]["topic"]["value"] == "Build things"


def test_jira_finds_each_account_by_email_with_the_okta_id_as_a_user_property(small: Loaded) -> None:
    creds = small.credentials("jira")
    jira = JIRA(server=creds["url"], basic_auth=(creds["email"], creds["api_token"]), get_server_info=False)
    try:
        for handle in ("alice", "dan"):
            person = small.universe.person(handle)
            [user] = jira.search_users(query=person.email)
            assert (user.accountId, user.emailAddress, user.displayName) == (
                person.jira_account_id,
                person.email,
                person.name,
            )
            prop = jira._get_json("user/properties/okta", params={"accountId": person.jira_account_id})
            assert prop == {"key": "okta", "value": {"id": person.okta_id}}
        assert jira.search_users(query=small.universe.person("carol").email) == []  # inactive: not found
        project = jira.project("ACC")
        assert (
            project.name == "Access Requests" and project.lead.accountId == small.universe.person("bob").jira_account_id
        )
    finally:
        jira.close()


def _google(loaded: Loaded, subject: str, scopes: list[str]) -> Any:
    return service_account.Credentials.from_service_account_info(
        loaded.credentials("google")["service_account"], scopes=scopes
    ).with_subject(subject)


def _build(loaded: Loaded, api: str, version: str, credentials: Any) -> Any:
    return build(
        api,
        version,
        credentials=credentials,
        discoveryServiceUrl=loaded.credentials("google")["discovery_url"],
        static_discovery=False,
        cache_discovery=False,
    )


def test_google_directory_knows_each_person_with_the_okta_id(small: Loaded) -> None:
    admin = small.credentials("google")["admin_email"]
    assert admin == "admin@initech.test"  # the company's domain is the Workspace's primary domain
    directory = _build(small, "admin", "directory_v1", _google(small, admin, [DIRECTORY_USER]))
    try:
        for handle in ("alice", "carol"):
            person = small.universe.person(handle)
            user = directory.users().get(userKey=person.email).execute()
            assert (user["id"], user["primaryEmail"]) == (person.google_id, person.email)
            assert user["externalIds"] == [{"type": "organization", "value": person.okta_id}]
            assert user["suspended"] is (handle == "carol")
        listed = directory.users().list(customer="my_customer", maxResults=500).execute()["users"]
        assert {p.email for p in small.universe.persons.values()} <= {u["primaryEmail"] for u in listed}
    finally:
        directory.close()


def test_google_signs_in_as_a_person_and_shares_the_folder_with_their_group(small: Loaded) -> None:
    alice = small.universe.person("alice")
    drive = _build(small, "drive", "v3", _google(small, alice.email, [DRIVE]))
    try:
        assert drive.about().get(fields="user").execute()["user"]["emailAddress"] == alice.email
        found = drive.files().list(q="name = 'Analytics DB'", fields="files(id,owners(emailAddress))").execute()
        assert [f["owners"][0]["emailAddress"] for f in found["files"]] == [alice.email]
    finally:
        drive.close()
    bob = small.universe.person("bob")  # not a db-admin: the folder does not exist for him
    drive = _build(small, "drive", "v3", _google(small, bob.email, [DRIVE]))
    try:
        assert drive.files().list(q="name = 'Analytics DB'").execute()["files"] == []
    finally:
        drive.close()


def test_google_refuses_a_suspended_person(small: Loaded) -> None:
    credentials = _google(small, small.universe.person("carol").email, [DRIVE])
    with pytest.raises(RefreshError, match="invalid_grant"):
        drive = _build(small, "drive", "v3", credentials)
        try:
            drive.about().get(fields="user").execute()
        finally:
            drive.close()
