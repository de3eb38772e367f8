"""The Slack client's pages and actions, at Slack's own paths (`app.slack.com/client/T…/C…`).

Pages read as the signed-in member; actions run Web API methods (chat.postMessage,
reactions.add, reactions.remove) through `acting.run_method` as the member chosen in the
composer, journaled as `ui.<method>`. A Slack error is shown on the page, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from services.core.twin import runtime_of
from services.core.ui.session import UiUser, forget, signed_in_user, ui_request
from services.core.ui.sign_in import SignIn, sign_in_routes
from services.slack.domain import lookup
from services.slack.errors import SlackError
from services.slack.models import Conversation
from services.slack.ui import live, signin, views
from services.slack.ui.acting import acting, run_method
from services.slack.ui.page import CHROME, PICKER, TEMPLATES

# Slack error codes the composer and reactions can meet, in Slack's client wording.
MESSAGES = {
    "no_text": "Your message is empty.",
    "not_in_channel": "That person isn't a member of this channel, so they can't post or react here.",
    "is_archived": "This channel has been archived.",
    "msg_too_long": "That message is too long.",
    "already_reacted": "That reaction is already there.",
    "no_reaction": "There's no such reaction to remove.",
    "invalid_name": "That isn't an emoji name.",
    "too_many_reactions": "Too many reactions on this message.",
    "too_many_emoji": "Too many different emoji on this message.",
    "message_not_found": "That message no longer exists.",
    "channel_not_found": "This channel doesn't exist or you can't see it.",
    "account_inactive": "That account has been deactivated.",
    "user_not_found": "There's no such member.",
}


@dataclass
class Place:
    """Where a page is: the signed-in member, their team and the open conversation."""

    user: UiUser
    team_id: str
    channel_id: str

    @property
    def base(self) -> str:
        return f"/client/{self.team_id}/{self.channel_id}"


def _place(request: Request) -> Place | Response:
    found = signed_in_user(request, CHROME.sign_in)
    if isinstance(found, Response):
        return found
    team_id = str(found.extra.get("team_id", ""))
    wanted = request.path_params.get("team_id", team_id)
    if wanted != team_id:
        # Another workspace's URL: this member's own workspace instead (Slack switches likewise).
        return RedirectResponse(f"/client/{team_id}", status_code=303)
    return Place(found, team_id, request.path_params.get("channel_id", ""))


def _signed_out(request: Request) -> Response:
    """The signed-in member was deactivated meanwhile: their session ends, as Slack's does."""
    response = RedirectResponse(CHROME.sign_in, status_code=303)
    forget(request, response)
    return response


async def home(request: Request) -> Response:
    ui_request(request)
    place = _place(request)
    if isinstance(place, Response):
        return place
    return RedirectResponse(f"/client/{place.team_id}", status_code=303)


async def workspace(request: Request) -> Response:
    """`/client/T…`: the first channel the member sees (#general first, as Slack opens)."""
    ui_request(request)
    place = _place(request)
    if isinstance(place, Response):
        return place
    runtime = runtime_of(request)
    try:
        with acting(runtime, place.user.tenant, place.user.id) as call:
            items = views.sidebar(call, views.Directory(call))
            general = [c.id for c in items if _is_general(call.session.get(Conversation, (call.tenant.id, c.id)))]
    except SlackError:
        return _signed_out(request)
    first = (general or [c.id for c in items])[:1]
    if not first:
        return await _render(request, place, error="You aren't in any channel yet.")
    return RedirectResponse(f"/client/{place.team_id}/{first[0]}", status_code=303)


def _is_general(conversation: Conversation | None) -> bool:
    return conversation is not None and conversation.is_general


async def channel(request: Request) -> Response:
    ui_request(request)
    place = _place(request)
    if isinstance(place, Response):
        return place
    return await _render(request, place)


async def thread(request: Request) -> Response:
    """`/client/T/C/thread/C-1712345678.000100`: the channel with a thread open beside it."""
    ui_request(request)
    place = _place(request)
    if isinstance(place, Response):
        return place
    _, _, ts = str(request.path_params["thread"]).partition("-")
    return await _render(request, place, thread_ts=ts)


async def user_profile(request: Request) -> Response:
    ui_request(request)
    place = _place(request)
    if isinstance(place, Response):
        return place
    return await _render(request, place, profile_id=str(request.path_params["user_id"]))


async def _render(
    request: Request,
    place: Place,
    *,
    thread_ts: str | None = None,
    profile_id: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    runtime = runtime_of(request)
    context: dict[str, Any] = {"ui": CHROME, "user": place.user, "place": place, "picker": PICKER, "error": error}
    try:
        with acting(runtime, place.user.tenant, place.user.id) as call:
            directory = views.Directory(call)
            context["team"] = lookup.team(call)
            context["sidebar"] = views.sidebar(call, directory)
            context["people"] = directory.postable()
            try:
                conversation = lookup.conversation(call, place.channel_id, by_name=False)
            except SlackError:
                conversation = None
                if place.channel_id:
                    context["error"] = error or MESSAGES["channel_not_found"]
                    status = 404
            if conversation is not None:
                context.update(_conversation(call, conversation, directory))
                if thread_ts:
                    context.update(_thread(call, conversation, directory, thread_ts))
            if profile_id:
                context["profile"] = views.profile(directory, profile_id)
                if context["profile"] is None:
                    context["error"], status = MESSAGES["user_not_found"], 404
    except SlackError:
        return _signed_out(request)
    poster = request.query_params.get("as") or place.user.id
    context["poster"] = poster if any(p.id == poster for p in context["people"]) else place.user.id
    context["title"] = context.get("heading", "Slack")
    return TEMPLATES.TemplateResponse(request, "client.html", context, status_code=status)


def _conversation(call: Any, conversation: Conversation, directory: views.Directory) -> dict[str, Any]:
    kind = lookup.conversation_type(conversation)
    members = lookup.members(call, conversation.id)
    return {
        "conversation": conversation,
        "kind": kind,
        "heading": views.title(call, conversation, directory),
        "topic": (conversation.topic or {}).get("value") or (conversation.purpose or {}).get("value") or "",
        "member_count": len(members),
        "history": views.history(call, conversation, directory),
    }


def _thread(call: Any, conversation: Conversation, directory: views.Directory, ts: str) -> dict[str, Any]:
    try:
        return {"thread": views.thread(call, conversation, directory, ts), "thread_ts": ts}
    except SlackError as problem:
        return {"error": MESSAGES.get(problem.error, problem.error)}


async def _act(request: Request, method: str, params: dict[str, Any], back: str) -> Response:
    """Run a Web API method as the member chosen on the form; back to `back`, or the page with Slack's error."""
    place = _place(request)
    if isinstance(place, Response):
        return place
    ui_request(request, method, place.user.tenant)
    form = await request.form()
    as_user = str(form.get("as_user") or place.user.id)
    try:
        run_method(runtime_of(request), place.user.tenant, as_user, method, {"channel": place.channel_id, **params})
    except SlackError as problem:
        message = f"{MESSAGES.get(problem.error, 'Slack refused that.')} ({problem.error})"
        thread_ts = params.get("thread_ts") or (str(form.get("thread_ts") or "") or None)
        return await _render(request, place, thread_ts=thread_ts, error=message, status=400)
    separator = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{separator}as={quote(as_user)}", status_code=303)


async def post_message(request: Request) -> Response:
    """The composer (channel or thread): chat.postMessage as the chosen member."""
    form = await request.form()
    place = _place(request)
    if isinstance(place, Response):
        return place
    params = {"text": str(form.get("text") or "").strip()}
    thread_ts = str(form.get("thread_ts") or "")
    back = place.base
    if thread_ts:
        params["thread_ts"] = thread_ts
        params["reply_broadcast"] = "true" if form.get("reply_broadcast") else "false"
        back = f"{place.base}/thread/{place.channel_id}-{thread_ts}"
    return await _act(request, "chat.postMessage", params, back)


async def react(request: Request) -> Response:
    """A reaction chip or the picker: reactions.add / reactions.remove as the chosen member."""
    form = await request.form()
    place = _place(request)
    if isinstance(place, Response):
        return place
    method = "reactions.remove" if form.get("op") == "remove" else "reactions.add"
    params = {"timestamp": str(form.get("ts") or ""), "name": str(form.get("name") or "")}
    thread_ts = str(form.get("thread_ts") or "")
    back = f"{place.base}/thread/{place.channel_id}-{thread_ts}" if thread_ts else place.base
    return await _act(request, method, params, back)


def routes() -> list[BaseRoute]:
    sign_in = SignIn(
        chrome=CHROME,
        templates=TEMPLATES,
        people=signin.people,
        sso=signin.sso_start_url,
        title="Sign in to Slack",
    )
    return [
        *sign_in_routes(sign_in),
        Route(signin.START_PATH, signin.start, methods=["GET"]),
        Route("/", home, methods=["GET"]),
        Route("/client", home, methods=["GET"]),
        Route("/client/{team_id}", workspace, methods=["GET"]),
        Route("/client/{team_id}/{channel_id}", channel, methods=["GET"]),
        Route("/client/{team_id}/{channel_id}/thread/{thread}", thread, methods=["GET"]),
        Route("/client/{team_id}/{channel_id}/user_profile/{user_id}", user_profile, methods=["GET"]),
        Route("/client/{team_id}/{channel_id}/post", post_message, methods=["POST"]),
        Route("/client/{team_id}/{channel_id}/react", react, methods=["POST"]),
        Route("/client/{team_id}/{channel_id}/live", live.stream, methods=["GET"]),
    ]
