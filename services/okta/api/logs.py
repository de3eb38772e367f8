"""System Log API: /api/v1/logs."""

from __future__ import annotations

from services.okta.call import OktaCall, Reply
from services.okta.domain import logs
from services.okta.endpoint import route
from services.okta.paging import link_header


@route("GET", "/api/v1/logs", "listLogEvents", "okta.logs.read")
def list_log_events(call: OktaCall) -> Reply:
    query = logs.parse_query(call)
    page = logs.search(call, query)
    return Reply(page.events, headers={"Link": link_header(call, query.limit, page.next_after)})
