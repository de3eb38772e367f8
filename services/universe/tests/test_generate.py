"""Generated universes: deterministic from (people, seed), valid, and the shipped default is one."""

from __future__ import annotations

from collections import Counter

import yaml

from services.universe import DEFAULT_PATH, generate_universe, load_universe, render_yaml


def test_the_same_seed_gives_the_same_file_and_another_seed_another() -> None:
    first = render_yaml(generate_universe(120, seed=3))
    assert render_yaml(generate_universe(120, seed=3)) == first
    assert render_yaml(generate_universe(120, seed=4)) != first


def test_a_generated_company_is_valid_and_plausible() -> None:
    universe = load_universe(generate_universe(150, seed=5))
    assert len(universe.people) == 150 and len({p.email for p in universe.persons.values()}) == 150
    departments = Counter(p.department for p in universe.persons.values())
    assert departments.most_common(1)[0][0] == "Engineering" and len(departments) >= 6
    # Everyone but the CEO has a manager in the same company; managers are in the managers group.
    managers = {p.manager for p in universe.persons.values() if p.manager}
    assert [p.handle for p in universe.persons.values() if not p.manager] == ["morgan"]
    assert all("managers" in universe.person(m).groups for m in managers)
    assert universe.person("alice").groups == ("engineering", "db-admins")
    assert {p.key for p in universe.jira.projects} == {"ACC", "ENG", "OPS"}
    assert [a.label for a in universe.apps] == ["Slack", "Google Workspace", "Atlassian Cloud"]


def test_tiny_universes_are_valid() -> None:
    for people in (1, 2, 4, 8, 9):
        assert len(load_universe(generate_universe(people, seed=1)).people) == people


def test_the_rendered_yaml_reads_back_to_the_same_document() -> None:
    document = generate_universe(40, seed=9)
    assert yaml.safe_load(render_yaml(document)) == document


def test_the_shipped_default_is_generated() -> None:
    text = DEFAULT_PATH.read_text()
    assert text == render_yaml(generate_universe(300, seed=7)), "regenerate: dtu universe generate -o ..."
    assert len(text) < 64_000
