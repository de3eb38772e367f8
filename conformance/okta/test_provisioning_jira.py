"""Okta provisioning into Jira (Atlassian Cloud), as Okta's Atlassian Cloud app provisions.

Okta's OIN app `atlassian` connects to Atlassian's user provisioning API (SCIM 2.0) with the
directory's base URL and API key (the Jira twin serves `/scim/directory/{id}` at its root).
Assigning a user creates their Atlassian account, or links the account that already has
their email; profile changes update it; unassignment and suspension deactivate it (Jira
shows `active: false` and refuses its API token); unsuspension reactivates it. Each push
is a System Log event of Okta's provisioning types. Waits are bounded polls.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from jira import JIRA, JIRAError
from okta.client import Client
from okta.models import AppUserAssignRequest, UpdateUserRequest, UserProfile

from conformance.okta.test_provisioning import (
    app_user,
    at_least,
    eventually,
    new_user,
    oin_app,
    provisioning_events,
)


@pytest.fixture
def okta_http(dtu_okta: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=dtu_okta.org_url, headers={"Authorization": f"SSWS {dtu_okta.api_token}"}) as http:
        yield http


@pytest.fixture
def jira(dtu_jira: Any) -> Iterator[JIRA]:
    instance = JIRA(server=dtu_jira.url, basic_auth=(dtu_jira.email, dtu_jira.api_token), max_retries=0)
    yield instance
    instance.close()


def connect_atlassian(http: httpx.Client, dtu_jira: Any) -> str:
    app_id = oin_app(http, "atlassian", "Atlassian Cloud")
    body = {"profile": {"authScheme": "TOKEN", "token": dtu_jira.scim_token}, "baseUrl": dtu_jira.scim_url}
    response = http.post(f"/api/v1/apps/{app_id}/connections/default", params={"activate": "true"}, json=body)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ENABLED" and response.json()["profile"] == {"authScheme": "TOKEN"}
    return app_id


def scim_user(dtu_jira: Any, email: str) -> dict[str, Any] | None:
    response = httpx.get(
        f"{dtu_jira.scim_url}/Users",
        params={"filter": f'userName eq "{email}"'},
        headers={"Authorization": f"Bearer {dtu_jira.scim_token}"},
    )
    assert response.status_code == 200, response.text
    resources = response.json()["Resources"]
    return resources[0] if resources else None


def jira_active(jira: JIRA, account_id: str) -> bool:
    return bool(jira.user(account_id).active)


async def test_assignment_creates_the_account_and_profile_changes_follow(
    okta: Client, okta_http: httpx.Client, dtu_jira: Any, jira: JIRA
) -> None:
    app_id = connect_atlassian(okta_http, dtu_jira)
    user = await new_user(okta, "nina@acme.test")
    _, _, err = await okta.assign_user_to_application(app_id, AppUserAssignRequest(id=user.id, scope="USER"))
    assert err is None, err
    found = eventually(lambda: scim_user(dtu_jira, "nina@acme.test"), "the Atlassian account")
    assert found["externalId"] == user.id and found["active"] is True
    account = jira.user(found["id"])
    assert account.displayName == "Nina Hire" and account.emailAddress == "nina@acme.test"
    linked = eventually(
        lambda: (row := app_user(okta_http, app_id, user.id))["syncState"] == "SYNCHRONIZED" and row, "SYNCHRONIZED"
    )
    assert linked["externalId"] == found["id"]

    profile = UserProfile(firstName="Nina", lastName="Moved", email="nina@acme.test", login="nina@acme.test")
    _, _, err = await okta.update_user(user.id, UpdateUserRequest(profile=profile))
    assert err is None, err
    eventually(lambda: jira.user(found["id"]).displayName == "Nina Moved", "the new name in Jira")
    events = eventually(at_least(2, lambda: provisioning_events(okta_http, user.id)), "two provisioning events")
    assert ("application.provision.user.push", "SUCCESS") in events
    assert ("application.provision.user.push_profile", "SUCCESS") in events


async def test_existing_account_is_linked_deactivated_and_reactivated(
    okta: Client, okta_http: httpx.Client, dtu_jira: Any, jira: JIRA
) -> None:
    """The site's member already has an account: Okta links it by email, then takes it away and back."""
    app_id = connect_atlassian(okta_http, dtu_jira)
    user = await new_user(okta, dtu_jira.member_email, "Team", "Member")
    _, _, err = await okta.assign_user_to_application(app_id, AppUserAssignRequest(id=user.id, scope="USER"))
    assert err is None, err
    linked = eventually(
        lambda: (row := app_user(okta_http, app_id, user.id))["syncState"] == "SYNCHRONIZED" and row, "linked"
    )
    assert linked["externalId"] == dtu_jira.member_account_id  # adopted, not duplicated
    member = JIRA(server=dtu_jira.url, basic_auth=(dtu_jira.member_email, dtu_jira.member_api_token), max_retries=0)

    result = await okta.suspend_user(user.id)
    assert result[-1] is None, result
    eventually(lambda: not jira_active(jira, dtu_jira.member_account_id), "the Jira account deactivated")
    with pytest.raises(JIRAError) as refused:
        member.myself()
    assert refused.value.status_code == 401

    result = await okta.unsuspend_user(user.id)
    assert result[-1] is None, result
    eventually(lambda: jira_active(jira, dtu_jira.member_account_id), "the Jira account reactivated")
    assert member.myself()["accountId"] == dtu_jira.member_account_id

    result = await okta.unassign_user_from_application(app_id, user.id)
    assert result[-1] is None, result
    eventually(lambda: not jira_active(jira, dtu_jira.member_account_id), "deactivated on unassignment")
    events = eventually(at_least(4, lambda: provisioning_events(okta_http, user.id)), "four provisioning events")
    assert events.count(("application.provision.user.deactivate", "SUCCESS")) == 2
    assert ("application.provision.user.reactivate", "SUCCESS") in events
    member.close()
