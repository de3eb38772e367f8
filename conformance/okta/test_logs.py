"""System Log API through the okta SDK: the LogEvent shape, filter/q, bounded and polling pagination,
the time window on the org's clock, and Okta's errors for bad parameters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from okta.client import Client
from okta.pagination import PaginationHelper

DAY = 86_400
CREATED = 'eventType eq "user.lifecycle.create"'


def admin(dtu_okta: Any) -> httpx.Client:
    return httpx.Client(base_url=dtu_okta.org_url, headers={"Authorization": f"SSWS {dtu_okta.api_token}"})


def create_user(dtu_okta: Any, login: str, last_name: str = "Lovelace") -> dict[str, Any]:
    """A user created over plain HTTP (POST /api/v1/users), which records user.lifecycle.create."""
    profile = {"firstName": "Ada", "lastName": last_name, "email": login, "login": login}
    with admin(dtu_okta) as http:
        response = http.post("/api/v1/users", params={"activate": "false"}, json={"profile": profile})
    assert response.status_code == 200, response.text
    user: dict[str, Any] = response.json()
    return user


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def org_now(dtu_okta: Any) -> datetime:
    """The org's clock, as the control plane reports it."""
    state = dtu_okta.control("GET", "/clock").json()
    return datetime.fromtimestamp(state["now"], UTC)


def raw_logs(dtu_okta: Any, **params: Any) -> httpx.Response:
    with admin(dtu_okta) as http:
        return http.get("/api/v1/logs", params=params)


def error_of(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["errorCode"], body["errorSummary"]


async def test_user_create_event_shape(okta: Client, dtu_okta: Any) -> None:
    user = create_user(dtu_okta, "ada@example.com")
    events, resp, err = await okta.list_log_events(filter='eventType eq "user.lifecycle.create"')
    assert err is None, err
    assert resp.status_code == 200
    assert len(events) == 1
    event = events[0]
    assert event.event_type == "user.lifecycle.create"
    assert event.display_message == "Create Okta user"
    assert event.outcome.result == "SUCCESS"
    assert event.severity == "INFO"
    assert event.actor.id == dtu_okta.admin_id and event.actor.type == "User"
    assert [(t.id, t.type, t.alternate_id) for t in event.target] == [(user["id"], "User", "ada@example.com")]
    raw = raw_logs(dtu_okta, filter='eventType eq "user.lifecycle.create"').json()[0]
    assert raw["version"] == "0"
    assert len(raw["uuid"]) == 36
    assert raw["published"].endswith("Z") and len(raw["published"]) == len("2026-01-01T00:00:00.000Z")
    # Okta's correlation ids: one per request, and the API token that made it.
    assert raw["transaction"]["type"] == "WEB"
    assert raw["transaction"]["id"] == raw["debugContext"]["debugData"]["requestId"]
    assert raw["transaction"]["detail"]["requestApiTokenId"].startswith("00T")
    assert raw["debugContext"]["debugData"]["requestUri"] == "/api/v1/users"
    assert raw["debugContext"]["debugData"]["url"] == "/api/v1/users?activate=false"
    assert raw["request"]["ipChain"][0]["ip"] == raw["client"]["ipAddress"]
    assert raw["authenticationContext"]["authenticationStep"] == 0
    assert set(raw["securityContext"]) >= {"asNumber", "asOrg", "isp", "domain", "isProxy"}


async def test_filter_by_target_actor_and_outcome(okta: Client, dtu_okta: Any) -> None:
    alan = create_user(dtu_okta, "alan@example.com", "Turing")
    grace = create_user(dtu_okta, "grace@example.com", "Hopper")
    with admin(dtu_okta) as http:
        group = http.post("/api/v1/groups", json={"profile": {"name": "Analysts"}}).json()
        assert http.put(f"/api/v1/groups/{group['id']}/users/{alan['id']}").status_code == 204
    events, _, err = await okta.list_log_events(filter=f'target.id eq "{alan["id"]}"')
    assert err is None, err
    # Creating a user also adds it to Everyone (and Everyone's apps); every event names Alan.
    assert events[0].event_type == "user.lifecycle.create"
    assert {e.event_type for e in events} >= {"group.user_membership.add", "application.user_membership.add"}
    assert all(alan["id"] in [t.id for t in e.target] for e in events)
    # `target` is multi-valued: both conditions may hold on different targets of one event.
    both = f'target.id eq "{alan["id"]}" and target.id eq "{group["id"]}"'
    events, _, err = await okta.list_log_events(filter=both)
    assert err is None, err
    assert [e.event_type for e in events] == ["group.user_membership.add"]
    events, _, err = await okta.list_log_events(
        filter=f'actor.id eq "{dtu_okta.admin_id}" and outcome.result eq "SUCCESS" and eventType sw "user."'
    )
    assert err is None, err
    assert [t.id for e in events for t in e.target] == [alan["id"], grace["id"]]
    events, _, err = await okta.list_log_events(
        filter='(eventType co "membership" or eventType ew ".delete") and target.displayName eq "Analysts"'
    )
    assert err is None, err
    assert [e.event_type for e in events] == ["group.user_membership.add"]
    events, _, err = await okta.list_log_events(filter=f'not (target.id eq "{alan["id"]}") and eventType sw "user"')
    assert err is None, err
    assert [e.target[0].id for e in events] == [grace["id"]]


async def test_keyword_search(okta: Client, dtu_okta: Any) -> None:
    create_user(dtu_okta, "katherine@example.com", "Johnson")
    create_user(dtu_okta, "dorothy@example.com", "Vaughan")
    events, _, err = await okta.list_log_events(q="johnson", filter=CREATED)
    assert err is None, err
    assert [e.target[0].alternate_id for e in events] == ["katherine@example.com"]
    # Every keyword must match (case-insensitive), each against any of the event's values.
    events, _, err = await okta.list_log_events(q="Ada VAUGHAN", filter=CREATED)
    assert err is None, err
    assert [e.target[0].alternate_id for e in events] == ["dorothy@example.com"]
    events, _, err = await okta.list_log_events(q="Vaughan Johnson")
    assert err is None, err
    assert events == []
    events, _, err = await okta.list_log_events(q="dorothy@example.com Everyone")
    assert err is None, err
    assert [e.event_type for e in events] == ["group.user_membership.add"]
    status, code, summary = error_of(raw_logs(dtu_okta, q="x" * 41))
    assert (status, code) == (400, "E0000001")
    assert "Freeform search cannot contain items longer than 40 characters" in summary


async def test_bounded_request_pages_end(okta: Client, dtu_okta: Any) -> None:
    since = iso(org_now(dtu_okta) - timedelta(minutes=1))
    for n in range(5):
        create_user(dtu_okta, f"user{n}@example.com")
    until = iso(org_now(dtu_okta) + timedelta(minutes=1))
    seen: list[str] = []
    after: str | None = None
    pages = 0
    while True:
        events, resp, err = await okta.list_log_events(since=since, until=until, limit=2, after=after, filter=CREATED)
        assert err is None, err
        pages += 1
        seen.extend(e.target[0].alternate_id for e in events)
        after = PaginationHelper.extract_next_cursor(dict(resp.headers))
        if after is None:
            break
        assert pages < 10
    assert seen == [f"user{n}@example.com" for n in range(5)]
    assert pages == 3
    assert 'rel="self"' in dict(resp.headers)["Link"]


async def test_polling_always_links_next(okta: Client, dtu_okta: Any) -> None:
    create_user(dtu_okta, "first@example.com")
    events, resp, err = await okta.list_log_events(limit=10, filter=CREATED)
    assert err is None, err
    assert [e.target[0].alternate_id for e in events] == ["first@example.com"]
    after = PaginationHelper.extract_next_cursor(dict(resp.headers))
    assert after is not None  # a polling request has infinitely many pages
    events, resp, err = await okta.list_log_events(limit=10, after=after, filter=CREATED)
    assert err is None, err
    assert events == []
    after = PaginationHelper.extract_next_cursor(dict(resp.headers))
    assert after is not None  # even an empty page links to the next one
    create_user(dtu_okta, "second@example.com")
    events, resp, err = await okta.list_log_events(limit=10, after=after, filter=CREATED)
    assert err is None, err
    assert [e.target[0].alternate_id for e in events] == ["second@example.com"]


async def test_descending_order(okta: Client, dtu_okta: Any) -> None:
    for n in range(3):
        create_user(dtu_okta, f"user{n}@example.com")
    events, resp, err = await okta.list_log_events(sort_order="DESCENDING", limit=2, filter=CREATED)
    assert err is None, err
    assert [e.target[0].alternate_id for e in events] == ["user2@example.com", "user1@example.com"]
    after = PaginationHelper.extract_next_cursor(dict(resp.headers))
    assert after is not None
    events, resp, err = await okta.list_log_events(sort_order="DESCENDING", limit=2, after=after, filter=CREATED)
    assert err is None, err
    assert [e.target[0].alternate_id for e in events] == ["user0@example.com"]
    assert PaginationHelper.extract_next_cursor(dict(resp.headers)) is None


async def test_time_window_follows_the_org_clock(okta: Client, dtu_okta: Any) -> None:
    create_user(dtu_okta, "old@example.com")
    created_at = org_now(dtu_okta)
    dtu_okta.advance_clock(8 * DAY)
    create_user(dtu_okta, "new@example.com")
    # `since` defaults to 7 days before now: the first event has left the default window.
    events, _, err = await okta.list_log_events(filter=CREATED)
    assert err is None, err
    assert [e.target[0].alternate_id for e in events] == ["new@example.com"]
    events, _, err = await okta.list_log_events(since=iso(created_at - timedelta(minutes=1)), filter=CREATED)
    assert err is None, err
    assert [e.target[0].alternate_id for e in events] == ["old@example.com", "new@example.com"]
    # `until` bounds the other side.
    events, _, err = await okta.list_log_events(
        since=iso(created_at - timedelta(minutes=1)), until=iso(created_at + timedelta(days=1)), filter=CREATED
    )
    assert err is None, err
    assert [e.target[0].alternate_id for e in events] == ["old@example.com"]
    # Okta keeps 90 days: an older event is simply absent, even when asked for.
    dtu_okta.advance_clock(85 * DAY)
    events, _, err = await okta.list_log_events(since=iso(created_at - timedelta(minutes=1)), filter=CREATED)
    assert err is None, err
    assert [e.target[0].alternate_id for e in events] == ["new@example.com"]
    status, code, summary = error_of(raw_logs(dtu_okta, since=iso(org_now(dtu_okta) - timedelta(days=181))))
    assert (status, code) == (400, "E0000053")
    assert summary == "Invalid parameter: The since parameter is over 180 days prior to the current day."


async def test_bad_parameters_get_okta_errors(okta: Client, dtu_okta: Any) -> None:
    status, code, _ = error_of(raw_logs(dtu_okta, since="foobar"))
    assert (status, code) == (400, "E0000030")
    status, code, _ = error_of(raw_logs(dtu_okta, until="01-01-2017"))
    assert (status, code) == (400, "E0000030")
    status, code, summary = error_of(raw_logs(dtu_okta, filter='eventType eqq "user.session.start"'))
    assert (status, code) == (400, "E0000053")
    assert summary.startswith("Invalid filter 'eventType eqq \"user.session.start\"'")
    status, code, summary = error_of(raw_logs(dtu_okta, filter='display_message eq "x"'))
    assert (status, code, summary) == (400, "E0000053", "field is not valid: display_message")
    # Filters can't use `published` (it would conflict with since/until/after).
    status, code, _ = error_of(raw_logs(dtu_okta, filter='published gt "2020-01-01T00:00:00.000Z"'))
    assert (status, code) == (400, "E0000053")
    status, code, summary = error_of(raw_logs(dtu_okta, filter='debugContext.debugData.url co "/oauth/"'))
    assert (status, code) == (400, "E0000031")
    assert summary.endswith("Operator: co, Field: debugContext.debugData.url")
    status, code, _ = error_of(raw_logs(dtu_okta, sortOrder="SIDEWAYS"))
    assert (status, code) == (400, "E0000001")
    _, _, err = await okta.list_log_events(since="yesterday")
    assert err is not None and "E0000030" in str(err)


async def test_logs_need_credentials(okta: Client, dtu_okta: Any) -> None:
    response = httpx.get(f"{dtu_okta.org_url}/api/v1/logs")
    assert response.status_code == 403 and response.json()["errorCode"] == "E0000005"
