"""New messages on an open channel page, pushed as server-sent events.

The page opens `…/live?after=<newest ts shown>`; the stream polls the channel's history for
messages newer than its cursor (whoever posted them: the Web API, a scheduled message, the
UI) and sends each one rendered by the page's own template, so the browser only appends it.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from services.core.twin import runtime_of
from services.core.ui.session import signed_in_user, ui_request
from services.core.ui.sse import event_stream
from services.slack.domain import lookup
from services.slack.errors import SlackError
from services.slack.ts import parse_ts
from services.slack.ui import views
from services.slack.ui.acting import acting
from services.slack.ui.page import CHROME, PICKER, TEMPLATES


async def stream(request: Request) -> Response:
    ui_request(request)
    user = signed_in_user(request, CHROME.sign_in)
    if isinstance(user, Response):
        return Response(status_code=401)
    runtime = runtime_of(request)
    channel_id = str(request.path_params["channel_id"])
    place = {"base": f"/client/{user.extra.get('team_id', '')}/{channel_id}", "channel_id": channel_id}
    fragment = TEMPLATES.env.get_template("message.html")
    start = request.query_params.get("after") or "0"

    async def poll(cursor: str) -> tuple[list[tuple[str, Any]], str]:
        after = cursor if parse_ts(cursor) is not None else "0"
        try:
            with acting(runtime, user.tenant, user.id) as call:
                conversation = lookup.conversation(call, channel_id, by_name=False)
                found = views.newer(call, conversation, views.Directory(call), after)
        except SlackError:
            return [], cursor  # gone, or no longer visible: nothing more to show
        events = [("message", {"ts": m.ts, "html": fragment.render(m=m, place=place, picker=PICKER)}) for m in found]
        return events, (found[-1].ts if found else after)

    return event_stream(request, poll, start)
