"""The shipped default universe loads into a fresh tenant of a running fleet, over the control planes."""

from __future__ import annotations

from slack_sdk import WebClient

from services.universe import FleetClient, default_universe
from services.universe.tests.conftest import load_into


def test_the_default_universe_loads_into_every_twin(fleet: FleetClient) -> None:
    loaded = load_into(fleet, "default")
    try:
        universe = default_universe()
        created = loaded.result["created"]
        assert len(created["okta"]["users"]) == len(created["slack"]["users"]) == 300
        assert len(created["jira"]["users"]) == len(created["google"]["users"]) == 300
        assert [a["label"] for a in created["okta"]["apps"]] == ["Slack", "Google Workspace", "Atlassian Cloud"]
        assert {a["linked"] for a in created["okta"]["apps"]} == {300}
        assert created["jira"]["projects"] == ["ACC", "ENG", "OPS"]
        slack = loaded.credentials("slack")
        bot = WebClient(token=slack["bot_token"], base_url=slack["url"])
        for handle in ("alice", "bob", universe.people[-1].handle):
            person = universe.person(handle)
            assert bot.users_lookupByEmail(email=person.email)["user"]["id"] == person.slack_id
        print(f"default universe (300 people) applied over HTTP in {loaded.result['seconds']}s")
    finally:
        fleet.delete_tenant(loaded.tenant)
