"""`/issues/?jql=...`: the JQL search box over the twin's own JQL engine."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from services.core.ui.session import UiUser
from services.jira.errors import JiraError
from services.jira.jql import evaluate
from services.jira.ui import present
from services.jira.ui.acting import as_user
from services.jira.ui.shell import render

SHOWN = 100  # rows on the page; the count says how many matched
DEFAULT_JQL = "order by created DESC"
# The JQL parser recurses per parenthesis: a hostile query can exhaust the stack (the REST API too).
TOO_DEEP = "Error in the JQL Query: the query is nested too deeply."


async def search_page(request: Request, user: UiUser) -> Response:
    jql = request.query_params.get("jql")
    if jql is None:
        jql = DEFAULT_JQL
    context: dict[str, object] = {"title": "Search", "jql": jql, "cards": [], "total": 0, "shown": SHOWN}
    status_code = 200
    with as_user(request, user) as call:
        try:
            found, _ = evaluate.search(call, jql)
        except JiraError as exc:
            # Jira shows the JQL error under the box (the REST API's 400 errorMessages).
            context["jql_error"] = " ".join([*exc.messages, *exc.errors.values()])
            status_code = 400
        except RecursionError:
            context["jql_error"] = TOO_DEEP
            status_code = 400
        else:
            context["total"] = len(found)
            context["cards"] = [present.card(call, row) for row in found[:SHOWN]]
    return render(request, "jira_search.html", user, context, status_code)
