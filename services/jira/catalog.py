"""What every new Jira Cloud site has: status categories, statuses, priorities, resolutions,
issue types, issue link types, system fields and the default workflow.

Ids and names are those of a new Jira Cloud site with a company-managed software project
(Jira's "Simplified workflow": To Do -> In Progress -> Done, every transition global).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class StatusCategory:
    id: int
    key: str
    color: str
    name: str


STATUS_CATEGORIES = (
    StatusCategory(1, "undefined", "medium-gray", "No Category"),
    StatusCategory(2, "new", "blue-gray", "To Do"),
    StatusCategory(4, "indeterminate", "yellow", "In Progress"),
    StatusCategory(3, "done", "green", "Done"),
)
CATEGORY_BY_ID = {c.id: c for c in STATUS_CATEGORIES}


@dataclass(frozen=True)
class Status:
    id: str
    name: str
    description: str
    category_id: int
    icon: str  # path below the site URL


STATUSES = (
    Status("10000", "To Do", "", 2, "/"),
    Status(
        "3",
        "In Progress",
        "This issue is being actively worked on at the moment by the assignee.",
        4,
        "/images/icons/statuses/inprogress.png",
    ),
    Status("10001", "Done", "", 3, "/"),
)
STATUS_BY_ID = {s.id: s for s in STATUSES}
INITIAL_STATUS = "10000"


@dataclass(frozen=True)
class Priority:
    id: str
    name: str
    description: str
    color: str
    icon: str


PRIORITIES = (
    Priority("1", "Highest", "This problem will block progress.", "#d04437", "highest"),
    Priority("2", "High", "Serious problem that could block progress.", "#f15C75", "high"),
    Priority("3", "Medium", "Has the potential to affect progress.", "#f79232", "medium"),
    Priority("4", "Low", "Minor problem or easily worked around.", "#707070", "low"),
    Priority("5", "Lowest", "Trivial problem with little or no impact on progress.", "#999999", "lowest"),
)
PRIORITY_BY_ID = {p.id: p for p in PRIORITIES}
DEFAULT_PRIORITY = "3"


@dataclass(frozen=True)
class Resolution:
    id: str
    name: str
    description: str


RESOLUTIONS = (
    Resolution("10000", "Done", "Work has been completed on this issue."),
    Resolution("10001", "Won't Do", "This issue won't be actioned."),
    Resolution("10002", "Duplicate", "The problem is a duplicate of an existing issue."),
    Resolution(
        "10003",
        "Cannot Reproduce",
        "All attempts at reproducing this issue failed, or not enough "
        "information was available to reproduce the issue. Reading the code produces no clues as to why "
        "this behavior would occur. If more information appears later, please reopen the issue.",
    ),
)
RESOLUTION_BY_ID = {r.id: r for r in RESOLUTIONS}
DEFAULT_RESOLUTION = "10000"


@dataclass(frozen=True)
class IssueType:
    id: str
    name: str
    description: str
    subtask: bool
    hierarchy_level: int
    avatar_id: int


ISSUE_TYPES = (
    IssueType("10001", "Task", "Tasks track small, distinct pieces of work.", False, 0, 10318),
    IssueType(
        "10002", "Subtask", "Subtasks track small pieces of work that are part of a larger task.", True, -1, 10316
    ),
    IssueType("10003", "Story", "Stories track functionality or features expressed as user goals.", False, 0, 10315),
    IssueType("10004", "Bug", "Bugs track problems or errors.", False, 0, 10303),
    IssueType("10000", "Epic", "Epics track collections of related bugs, stories, and tasks.", False, 1, 10307),
)
ISSUE_TYPE_BY_ID = {t.id: t for t in ISSUE_TYPES}


@dataclass(frozen=True)
class LinkType:
    id: str
    name: str
    inward: str
    outward: str


LINK_TYPES = (
    LinkType("10000", "Blocks", "is blocked by", "blocks"),
    LinkType("10001", "Cloners", "is cloned by", "clones"),
    LinkType("10002", "Duplicate", "is duplicated by", "duplicates"),
    LinkType("10003", "Relates", "relates to", "relates to"),
)
LINK_TYPE_BY_ID = {t.id: t for t in LINK_TYPES}


@dataclass(frozen=True)
class Transition:
    id: str
    name: str
    to_status: str
    screen: tuple[str, ...] = ()  # fields on the transition screen (settable while transitioning)
    from_statuses: tuple[str, ...] = ()  # a directed transition's source statuses; () = global
    description: str = ""
    sets_resolution: bool = True  # the default workflow sets/clears the resolution entering/leaving Done


# The simplified workflow: every transition is global (available from any other status).
# "Done" carries a screen with the resolution, which Jira sets to "Done" unless told otherwise;
# leaving Done clears it.
TRANSITIONS = (
    Transition("11", "To Do", "10000"),
    Transition("21", "In Progress", "3"),
    Transition("31", "Done", "10001", screen=("resolution", "assignee")),
)
TRANSITION_BY_ID = {t.id: t for t in TRANSITIONS}
DEFAULT_WORKFLOW = "jira"  # the name a workflow scheme's defaultWorkflow takes when none is given
DEFAULT_SCHEME_NAME = "Default Workflow Scheme"
# Status categories as the statuses/workflows APIs name them.
CATEGORY_NAMES = {2: "TODO", 4: "IN_PROGRESS", 3: "DONE"}
CATEGORY_BY_NAME = {name: ident for ident, name in CATEGORY_NAMES.items()}


@dataclass(frozen=True)
class SystemField:
    id: str
    name: str
    schema: dict[str, Any] | None
    clause_names: tuple[str, ...] = ()
    orderable: bool = True
    navigable: bool = True
    searchable: bool = True
    operations: tuple[str, ...] = ("set",)
    extra: dict[str, Any] = field(default_factory=dict)


def _s(type_: str, system: str, items: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": type_}
    if items:
        schema["items"] = items
    schema["system"] = system
    return schema


SYSTEM_FIELDS = (
    SystemField("summary", "Summary", _s("string", "summary"), ("summary",)),
    SystemField("description", "Description", _s("string", "description"), ("description",)),
    SystemField("issuetype", "Issue Type", _s("issuetype", "issuetype"), ("issuetype", "type")),
    SystemField("project", "Project", _s("project", "project"), ("project",), orderable=False),
    SystemField("status", "Status", _s("status", "status"), ("status",), orderable=False),
    SystemField(
        "statusCategory",
        "Status Category",
        _s("statusCategory", "statusCategory"),
        ("statusCategory",),
        orderable=False,
        navigable=False,
    ),
    SystemField("priority", "Priority", _s("priority", "priority"), ("priority",)),
    SystemField("resolution", "Resolution", _s("resolution", "resolution"), ("resolution",)),
    SystemField("assignee", "Assignee", _s("user", "assignee"), ("assignee",)),
    SystemField("reporter", "Reporter", _s("user", "reporter"), ("reporter",)),
    SystemField("creator", "Creator", _s("user", "creator"), ("creator",), orderable=False),
    SystemField(
        "labels", "Labels", _s("array", "labels", "string"), ("labels",), operations=("add", "set", "remove", "edit")
    ),
    SystemField("created", "Created", _s("datetime", "created"), ("created", "createdDate"), orderable=False),
    SystemField("updated", "Updated", _s("datetime", "updated"), ("updated", "updatedDate"), orderable=False),
    SystemField(
        "resolutiondate", "Resolved", _s("datetime", "resolutiondate"), ("resolutiondate", "resolved"), orderable=False
    ),
    SystemField(
        "statuscategorychangedate",
        "Status Category Changed",
        _s("datetime", "statuscategorychangedate"),
        ("statusCategoryChangedDate",),
        orderable=False,
    ),
    SystemField("duedate", "Due date", _s("date", "duedate"), ("due", "duedate")),
    SystemField("environment", "Environment", _s("string", "environment"), ("environment",)),
    SystemField("parent", "Parent", None, ("parent",)),
    SystemField(
        "comment", "Comment", _s("comments-page", "comment"), ("comment",), operations=("add", "edit", "remove")
    ),
    SystemField(
        "worklog", "Log Work", _s("array", "worklog", "worklog"), ("worklogComment", "worklogDate"), operations=("add",)
    ),
    SystemField(
        "issuelinks",
        "Linked Issues",
        _s("array", "issuelinks", "issuelinks"),
        ("issueLink",),
        operations=("add", "copy"),
    ),
    SystemField("watches", "Watchers", _s("watches", "watches"), ("watchers",), orderable=False),
    SystemField("votes", "Votes", _s("votes", "votes"), ("votes",), orderable=False),
    SystemField("subtasks", "Sub-tasks", _s("array", "subtasks", "issuelinks"), ("subtasks",), orderable=False),
    SystemField("issuekey", "Key", None, ("id", "issue", "issuekey", "key"), orderable=False, searchable=False),
    SystemField("text", "Text", None, ("text",), orderable=False, navigable=False),
)
SYSTEM_FIELD_BY_ID = {f.id: f for f in SYSTEM_FIELDS}


@dataclass(frozen=True)
class CustomFieldType:
    key: str  # the part after com.atlassian.jira.plugin.system.customfieldtypes:
    schema_type: str
    items: str | None
    searcher: str


CUSTOM_TYPE_PREFIX = "com.atlassian.jira.plugin.system.customfieldtypes:"
CUSTOM_FIELD_TYPES = {
    t.key: t
    for t in (
        CustomFieldType("textfield", "string", None, "textsearcher"),
        CustomFieldType("textarea", "string", None, "textsearcher"),
        CustomFieldType("url", "string", None, "exacttextsearcher"),
        CustomFieldType("float", "number", None, "exactnumber"),
        CustomFieldType("datepicker", "date", None, "daterange"),
        CustomFieldType("datetime", "datetime", None, "datetimerange"),
        CustomFieldType("labels", "array", "string", "labelsearcher"),
        CustomFieldType("userpicker", "user", None, "userpickergroupsearcher"),
    )
}
