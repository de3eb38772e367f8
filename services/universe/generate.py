"""`generate_universe`: a plausible small company, deterministic from (people, seed).

A fixed cast comes first so scenarios can name people (alice the database engineer, bob her
manager, carol the IT administrator, dave in sales, erin a staged new hire, frank an SRE, grace
VP Engineering, morgan the CEO); everyone else is drawn from `random.Random(seed)`: department by
weight, name, title, a manager inside the department, department groups, a few db-admins, a few
people not active (staged new hires, suspended, deprovisioned).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import yaml

COMPANY = {"name": "Acme Corp", "domain": "acme.test"}


@dataclass(frozen=True)
class Department:
    name: str
    group: str
    weight: int
    head: str
    titles: tuple[str, ...]


DEPARTMENTS = (
    Department("Executive", "executive", 0, "Chief Executive Officer", ("Chief of Staff", "Executive Assistant")),
    Department(
        "Engineering",
        "engineering",
        40,
        "VP Engineering",
        (
            "Software Engineer",
            "Senior Software Engineer",
            "Staff Engineer",
            "Database Engineer",
            "Site Reliability Engineer",
            "Data Engineer",
            "QA Engineer",
            "Security Engineer",
        ),
    ),
    Department(
        "Product", "product", 8, "VP Product", ("Product Manager", "Senior Product Manager", "Product Designer")
    ),
    Department("Sales", "sales", 18, "VP Sales", ("Account Executive", "Sales Development Rep", "Sales Engineer")),
    Department("Marketing", "marketing", 8, "VP Marketing", ("Marketing Manager", "Content Strategist", "Designer")),
    Department("Support", "support", 10, "Head of Support", ("Support Engineer", "Support Specialist")),
    Department("IT", "it", 5, "Head of IT", ("IT Administrator", "Systems Administrator", "Help Desk Analyst")),
    Department("Finance", "finance", 5, "CFO", ("Accountant", "Financial Analyst", "Controller")),
    Department("People", "people-ops", 4, "Head of People", ("HR Business Partner", "Recruiter")),
    Department("Legal", "legal", 2, "General Counsel", ("Counsel", "Paralegal")),
)
BY_NAME = {d.name: d for d in DEPARTMENTS}

# (handle, name, title, department, manager, extra groups, status): the people scenarios refer to.
CAST: tuple[tuple[str, str, str, str, str | None, tuple[str, ...], str], ...] = (
    ("morgan", "Morgan Reyes", "Chief Executive Officer", "Executive", None, (), "active"),
    ("grace", "Grace Hopkins", "VP Engineering", "Engineering", "morgan", (), "active"),
    ("bob", "Bob Stone", "Engineering Manager", "Engineering", "grace", (), "active"),
    ("alice", "Alice Liddell", "Database Engineer", "Engineering", "bob", ("db-admins",), "active"),
    ("frank", "Frank Moreau", "Site Reliability Engineer", "Engineering", "bob", ("db-admins", "sre"), "active"),
    ("carol", "Carol Jensen", "Head of IT", "IT", "morgan", ("it-admins",), "active"),
    ("dave", "Dave Okafor", "Account Executive", "Sales", None, (), "active"),
    ("erin", "Erin Walsh", "Support Engineer", "Support", None, (), "staged"),
)

_FIRST_NAMES = (
    "Aaron Abigail Adrian Aisha Alan Amara Amir Ana Andre Anita Arjun Beatriz Ben Bianca Caleb Camila Chen Chloe "
    "Daniel Daria Diego Elena Eli Emeka Emma Ethan Fatima Felix Fiona Gabriel Hana Hugo Ines Isaac Ivan Jada James "
    "Jin Joao Julia Kai Kenji Lara Leo Lina Lucas Maya Mei Mateo Nadia Nina Noah Olga Omar Paula Priya Quinn Rafael "
    "Rosa Ruth Sam Sara Sofia Tariq Theo Uma Victor Wei Yara Yusuf Zoe"
)
_LAST_NAMES = (
    "Abbott Adeyemi Alvarez Anders Bauer Becker Brennan Castillo Chandra Costa Dubois Eriksen Farouk Fischer "
    "Garcia Grant Haddad Hansen Ibrahim Ito Jansen Kapoor Keller Kowalski Larsen Lopez Mahmoud Moreno Nakamura "
    "Novak Nguyen Oliveira Ortiz Patel Petrov Quintero Rahman Rossi Sato Schmidt Silva Singh Sorensen Tanaka "
    "Torres Usman Varga Weber Wright Yamamoto Zhang Zielinski"
)
FIRST, LAST = tuple(_FIRST_NAMES.split()), tuple(_LAST_NAMES.split())

GROUPS = (
    *((d.group, d.name, f"Everyone in {d.name}") for d in DEPARTMENTS),
    ("managers", "Managers", "People managers and department heads"),
    ("db-admins", "Database Admins", "Administrators of the production and analytics databases"),
    ("sre", "SRE", "Site reliability engineers (production on-call)"),
    ("it-admins", "IT Admins", "Administrators of the company's SaaS tools"),
)


def generate_universe(people: int, seed: int) -> dict[str, Any]:
    """A universe document (the mapping a YAML file holds) with `people` people."""
    if people < 1:
        raise ValueError("a universe needs at least one person")
    rng = random.Random(f"dtu-universe:{seed}")
    persons = [_cast(entry) for entry in CAST[:people]]
    taken = {p["handle"] for p in persons}
    departments = [d for d in DEPARTMENTS if d.weight]
    weights = [d.weight for d in departments]
    while len(persons) < people:
        department = rng.choices(departments, weights)[0]
        first, last = rng.choice(FIRST), rng.choice(LAST)
        handle = _unique(f"{first}.{last}".lower(), taken)
        taken.add(handle)
        status = _status(rng.random())
        persons.append(
            {
                "handle": handle,
                "name": f"{first} {last}",
                "title": rng.choice(department.titles),
                "department": department.name,
                "groups": [department.group],
                "status": status,
            }
        )
    _organise(persons, rng)
    order = ("handle", "name", "title", "department", "manager", "groups", "status")
    persons = [{k: p[k] for k in order if k in p and not (k == "status" and p[k] == "active")} for p in persons]
    return {
        "universe": 1,
        "company": dict(COMPANY),
        "seed": seed,
        "people": persons,
        "groups": [{"handle": h, "name": n, "description": d} for h, n, d in GROUPS],
        "apps": [
            {"handle": "slack", "label": "Slack", "assign": {"groups": ["everyone"]}},
            {"handle": "google", "label": "Google Workspace", "assign": {"groups": ["everyone"]}},
            {"handle": "atlassian", "label": "Atlassian Cloud", "assign": {"groups": ["everyone"]}},
        ],
        "slack": {"channels": _channels(persons)},
        "jira": {"projects": _projects(persons)},
        "google": {"folders": _folders(persons)},
    }


def _status(draw: float) -> str:
    """About 1% staged (new hires not yet started), 0.7% suspended, 0.7% deprovisioned."""
    for status, below in (("staged", 0.01), ("suspended", 0.017), ("deprovisioned", 0.024)):
        if draw < below:
            return status
    return "active"


def _cast(entry: tuple[str, str, str, str, str | None, tuple[str, ...], str]) -> dict[str, Any]:
    handle, name, title, department, manager, groups, status = entry
    person: dict[str, Any] = {
        "handle": handle,
        "name": name,
        "title": title,
        "department": department,
        "groups": [BY_NAME[department].group, *groups],
        "status": status,
    }
    if manager:
        person["manager"] = manager
    return person


def _unique(handle: str, taken: set[str]) -> str:
    candidate, n = handle, 2
    while candidate in taken:
        candidate, n = f"{handle}{n}", n + 1
    return candidate


def _organise(persons: list[dict[str, Any]], rng: random.Random) -> None:
    """Heads report to the CEO, about one person in eight manages a team, everyone else joins a team."""
    cast = {entry[0] for entry in CAST}
    cast_managers = {entry[4] for entry in CAST if entry[4]}
    ceo = persons[0]["handle"]
    heads: dict[str, str] = {}
    teams: dict[str, list[str]] = {}
    later: list[dict[str, Any]] = []
    for person in persons:
        department, handle = BY_NAME[person["department"]], person["handle"]
        is_cast = handle in cast
        if department.name not in heads and (not is_cast or person["title"] == department.head):
            heads[department.name] = handle
            if not is_cast:
                person["title"] = department.head
            if handle != ceo:
                person.setdefault("manager", ceo)
            person["groups"].append("managers")
            continue
        team = teams.setdefault(department.name, [])
        if handle in cast_managers or (not is_cast and (not team or rng.random() < 1 / 8)):
            person.setdefault("manager", heads.get(department.name, ceo))
            if not is_cast:
                person["title"] = f"{department.name} Manager"
            team.append(handle)
            person["groups"].append("managers")
        elif "manager" in person:
            continue
        elif team:
            person["manager"] = rng.choice(team)
        else:
            later.append(person)  # a cast member ahead of their department's managers
    for person in later:
        team = teams.get(person["department"]) or []
        person["manager"] = rng.choice(team) if team else heads.get(person["department"], ceo)
    handles = {p["handle"] for p in persons}
    for person in persons:
        if person.get("manager") not in handles or person.get("manager") == person["handle"]:
            person.pop("manager", None)  # a small universe may lack the cast member's manager
        extra = {
            "Database Engineer": "db-admins",
            "Site Reliability Engineer": "sre",
            "IT Administrator": "it-admins",
            "Systems Administrator": "it-admins",
        }.get(person["title"])
        person["groups"] = list(dict.fromkeys([*person["groups"], *([extra] if extra else [])]))


def _first(persons: list[dict[str, Any]], group: str) -> str:
    """The first person of a group (the cast member in a default-sized universe), else the CEO."""
    return next((p["handle"] for p in persons if group in p["groups"]), persons[0]["handle"])


def _channels(persons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"name": "general", "members": "everyone"},
        {"name": "random", "members": "everyone"},
        {"name": "engineering", "members": {"group": "engineering"}, "topic": "Build, ship, run"},
        {"name": "sales", "members": {"group": "sales"}},
        {"name": "it-help", "members": "everyone", "topic": "Ask IT anything"},
        {"name": "new-hires", "members": {"group": "people-ops"}, "purpose": "Welcome new colleagues"},
        {
            "name": "db-access-requests",
            "private": True,
            "members": {"group": "db-admins"},
            "bot": True,  # the access-request service (examples/access_request) posts here
            "topic": "Database access requests (ACC tickets)",
        },
    ]


def _projects(persons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"key": "ACC", "name": "Access Requests", "lead": _first(persons, "it-admins"), "members": "everyone"},
        {"key": "ENG", "name": "Engineering", "lead": _first(persons, "engineering"), "members": _group("engineering")},
        {"key": "OPS", "name": "IT Operations", "lead": _first(persons, "it"), "members": _group("it")},
    ]


def _group(handle: str) -> dict[str, str]:
    return {"group": handle}


def _folders(persons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"name": name, "owner": _first(persons, owner), "share": [{"group": group, "role": role}]}
        for name, owner, group, role in (
            ("Analytics DB", "db-admins", "db-admins", "writer"),
            ("Engineering", "engineering", "engineering", "writer"),
            ("Company Handbook", "people-ops", "managers", "reader"),
        )
    ]


def render_yaml(document: dict[str, Any]) -> str:
    """The universe as YAML a person can read: one line per person, group, channel, project and folder."""
    lines = [
        "# A DTU universe: one company, loaded into every twin (services/universe/README.md).",
        f"universe: {document.get('universe', 1)}",
        f"company: {_flow(document['company'])}",
        f"seed: {document.get('seed', 0)}",
    ]
    for key in ("people", "groups", "apps"):
        lines.append(f"{key}:")
        lines += [f"  - {_flow(item)}" for item in document.get(key) or []]
    for twin, key in (("slack", "channels"), ("jira", "projects"), ("google", "folders")):
        lines += [f"{twin}:", f"  {key}:"]
        lines += [f"    - {_flow(item)}" for item in (document.get(twin) or {}).get(key) or []]
    return "\n".join(lines) + "\n"


def _flow(value: Any) -> str:
    text: str = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10_000, allow_unicode=True)
    return text.strip()
