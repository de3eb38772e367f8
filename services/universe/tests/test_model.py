"""The universe file's schema: what loads, what is refused and how the refusal reads."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from services.universe import UniverseError, load_universe
from services.universe.tests.conftest import FRAGMENT


def refusal(document: Any) -> str:
    with pytest.raises(UniverseError) as caught:
        load_universe(document)
    return str(caught.value)


def changed(path: str, value: Any) -> dict[str, Any]:
    """FRAGMENT with one value replaced: path like 'people.0.manager'."""
    document = copy.deepcopy(FRAGMENT)
    *parents, last = path.split(".")
    target: Any = document
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return document


def test_a_person_gets_email_password_and_vendor_shaped_ids() -> None:
    universe = load_universe(FRAGMENT)
    alice = universe.person("alice")
    assert alice.email == "alice@initech.test" and (alice.first_name, alice.last_name) == ("Alice", "Liddell")
    assert re.fullmatch(r"00u[0-9A-Za-z]{17}", alice.okta_id)
    assert re.fullmatch(r"U[0-9A-Z]{10}", alice.slack_id)
    assert re.fullmatch(r"[0-9a-f]{24}", alice.jira_account_id)
    assert re.fullmatch(r"[1-9][0-9]{20}", alice.google_id)
    assert (
        re.search("[a-z]", alice.password) and re.search("[A-Z]", alice.password) and re.search(r"\d", alice.password)
    )
    assert universe.person("dan").email == "daniel.brown@initech.test"  # an explicit email, lower-cased
    assert universe.person("dan").password == "Correct-Horse-1"


def test_ids_depend_on_seed_and_handle_only() -> None:
    base = load_universe(FRAGMENT).person("alice")
    reordered = copy.deepcopy(FRAGMENT)
    reordered["people"].reverse()
    assert load_universe(reordered).person("alice") == base
    other = load_universe(changed("seed", 12)).person("alice")
    assert {other.okta_id, other.slack_id, other.jira_account_id, other.google_id}.isdisjoint(
        {base.okta_id, base.slack_id, base.jira_account_id, base.google_id}
    )


def test_a_fragment_takes_the_default_company() -> None:
    universe = load_universe({"people": [{"handle": "zoe", "name": "Zoe Park"}]})
    assert universe.company.domain == "acme.test" and universe.person("zoe").email == "zoe@acme.test"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("people.0.manager", "zed", "people[0].manager: unknown person 'zed'"),
        ("people.1.groups", ["engineering", "ops"], "people[1].groups[1]: unknown group 'ops'"),
        ("people.0.handle", "Alice", "people[0].handle: 'Alice' is not a handle"),
        (
            "people.2.status",
            "gone",
            "people[2].status: Input should be 'active', 'staged', 'suspended' or 'deprovisioned'",
        ),
        ("people.3.password", "short", "people[3].password: must have 8+ characters"),
        ("people.1.handle", "alice", "people[1]: duplicate 'alice'"),
        ("slack.channels.1.members", {"group": "nobody"}, "slack.channels[1].members.group: unknown group 'nobody'"),
        ("jira.projects.0.lead", "zed", "jira.projects[0].lead: unknown person 'zed'"),
        ("jira.projects.0.key", "acc", "jira.projects[0].key: String should match pattern"),
        ("google.folders.0.share", [{"role": "writer"}], "google.folders[0].share[0]: a share names exactly one"),
        ("company.domain", "not a domain", "company.domain: String should match pattern"),
        ("apps.0.assign", {"groups": ["everyone"], "roles": []}, "apps[0].assign.roles: unknown key"),
        ("groups.0.handle", "everyone", "groups[0].handle: 'everyone' is built in"),
        ("universe", 2, "universe: Input should be 1"),
    ],
)
def test_a_bad_value_is_refused_with_its_path(path: str, value: Any, message: str) -> None:
    assert message in refusal(changed(path, value))


def test_every_problem_is_listed_with_the_file_it_is_in(tmp_path: Path) -> None:
    bad = tmp_path / "company.yaml"
    bad.write_text("people:\n  - {handle: a1, name: A, manager: b1}\n  - {handle: a2, name: B, groups: [x]}\n")
    text = refusal(bad)
    assert text.startswith(f"{bad}: ") and "people[0].manager: unknown person 'b1'" in text
    assert "people[1].groups[0]: unknown group 'x'" in text


def test_files_that_are_not_universes(tmp_path: Path) -> None:
    assert "cannot read" in refusal(tmp_path / "missing.yaml")
    (tmp_path / "list.yaml").write_text("- 1\n")
    assert "a universe is a mapping" in refusal(tmp_path / "list.yaml")
    (tmp_path / "broken.yaml").write_text("people: [\n")
    assert "not valid YAML" in refusal(tmp_path / "broken.yaml")


def test_the_twins_administrator_address_is_reserved() -> None:
    assert "admin@initech.test is the twins' administrator" in refusal(changed("people.3.email", "admin@initech.test"))
