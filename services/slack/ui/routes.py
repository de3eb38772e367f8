"""The Slack client's pages and actions, at Slack's own paths (`app.slack.com/client/T…/C…`).

Pages read as the signed-in member; actions run Web API methods (chat.postMessage,
reactions.add, reactions.remove) through `acting.run_method`, journaled as `ui.<method>`
and subject to the fault rules on that name. A Slack error is shown on the page, never a 500.

"Post as" another member is a testing aid, not Slack's: it is offered only when the fleet
runs with the development sign-in, or to a workspace admin or owner; anyone else acts as
themselves, and a forged `as_user` gets Slack's `restricted_action`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from services.core.faults import InjectedFault
from services.core.twin import TwinRuntime, runtime_of
from services.core.ui.actions import fault_status, ui_action
from services.core.ui.session import UiUser, forget, signed_in_user, ui_request
from services.core.ui.sign_in import SignIn, sign_in_routes
from services.slack.domain import lookup
from services.slack.errors import SlackError
from services.slack.models import Conversation, User
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
    "restricted_action": "Only workspace admins and owners can post or react as another member.",
    "invalid_ts_latest": "That isn't a message time.",
    "ratelimited": "You're doing that too often. Try again in a moment.",
    "internal_error": "Something went wrong on our end. Try again.",
}
# The UI actions journaled (and fault rules match) as `ui.<method>`: the inspector's toggles list them.
UI_ACTIONS = ("chat.postMessage", "reactions.add", "reactions.remove")


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


def may_act_for_others(runtime: TwinRuntime, member: User | None) -> bool:
    """ "Post as" someone else: with the development sign-in, or for a workspace admin or owner."""
    if runtime.settings.dev_sign_in:
        return True
    return member is not None and (member.is_admin or member.is_owner or member.is_primary_owner)


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
    """A channel's latest messages, or (`?latest=ts`, "Load older messages" without script) those before ts."""
    ui_request(request)
    place = _place(request)
    if isinstance(place, Response):
        return place
    return await _render(request, place, latest=request.query_params.get("latest") or None)


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
    latest: str | None = None,
) -> Response:
    runtime = runtime_of(request)
    context: dict[str, Any] = {"ui": CHROME, "user": place.user, "place": place, "picker": PICKER, "error": error}
    try:
        with acting(runtime, place.user.tenant, place.user.id) as call:
            directory = views.Directory(call)
            context["team"] = lookup.team(call)
            context["sidebar"] = views.sidebar(call, directory)
            me = directory.person(place.user.id)
            if may_act_for_others(runtime, directory.user(place.user.id)):
                context["people"] = directory.postable()
            else:
                context["people"] = [me] if me is not None else []
            try:
                conversation = lookup.conversation(call, place.channel_id, by_name=False)
            except SlackError:
                conversation = None
                if place.channel_id:
                    context["error"] = error or MESSAGES["channel_not_found"]
                    status = 404
            if conversation is not None:
                try:
                    context.update(_conversation(call, conversation, directory, latest))
                except SlackError as problem:  # a bad `latest`
                    context.update(_conversation(call, conversation, directory, None))
                    context["error"], status = MESSAGES.get(problem.error, problem.error), 400
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


def _conversation(
    call: Any, conversation: Conversation, directory: views.Directory, latest: str | None
) -> dict[str, Any]:
    kind = lookup.conversation_type(conversation)
    members = lookup.members(call, conversation.id)
    page = views.history(call, conversation, directory, latest)
    return {
        "conversation": conversation,
        "kind": kind,
        "heading": views.title(call, conversation, directory),
        "topic": (conversation.topic or {}).get("value") or (conversation.purpose or {}).get("value") or "",
        "member_count": len(members),
        "history": page.messages,
        "has_more": page.has_more,
    }


def _thread(call: Any, conversation: Conversation, directory: views.Directory, ts: str) -> dict[str, Any]:
    try:
        return {"thread": views.thread(call, conversation, directory, ts), "thread_ts": ts}
    except SlackError as problem:
        return {"error": MESSAGES.get(problem.error, problem.error)}


async def _act(request: Request, method: str, back: str) -> Response:
    """Run a Web API method from a form, as the member chosen on it (see the module's note).

    The request is journaled and fault rules apply as soon as the member is known, before the
    form is read; then back to `back`, or the page with Slack's error.
    """
    place = _place(request)
    if isinstance(place, Response):
        ui_request(request)  # signed out: only a redirect to sign in, not an action of any tenant's
        return place
    runtime = runtime_of(request)
    try:
        await ui_action(request, method, place.user.tenant)
    except InjectedFault as fired:
        code = fired.rule.error or ("ratelimited" if fired.rule.kind == "rate_limit" else "internal_error")
        return await _render(request, place, error=_error_text(code), status=fault_status(fired))
    form = await request.form()
    thread_ts = str(form.get("thread_ts") or "")
    params = _params(method, form)
    as_user = str(form.get("as_user") or place.user.id)
    try:
        if as_user != place.user.id:
            with runtime.store.session() as session:
                if not may_act_for_others(runtime, session.get(User, (place.user.tenant, place.user.id))):
                    raise SlackError("restricted_action")
        run_method(runtime, place.user.tenant, as_user, method, {"channel": place.channel_id, **params})
    except SlackError as problem:
        return await _render(request, place, thread_ts=thread_ts or None, error=_error_text(problem.error), status=400)
    if thread_ts:
        back = f"{place.base}/thread/{place.channel_id}-{thread_ts}"
    if as_user == place.user.id:
        return RedirectResponse(back, status_code=303)
    return RedirectResponse(f"{back}?as={quote(as_user)}", status_code=303)


def _error_text(code: str) -> str:
    return f"{MESSAGES.get(code, 'Slack refused that.')} ({code})"


def _params(method: str, form: Any) -> dict[str, Any]:
    """The Web API parameters a composer or reaction form gives."""
    if method == "chat.postMessage":
        params: dict[str, Any] = {"text": str(form.get("text") or "").strip()}
        if form.get("thread_ts"):
            params["thread_ts"] = str(form.get("thread_ts"))
            params["reply_broadcast"] = "true" if form.get("reply_broadcast") else "false"
        return params
    return {"timestamp": str(form.get("ts") or ""), "name": str(form.get("name") or "")}


async def post_message(request: Request) -> Response:
    """The composer (channel or thread): chat.postMessage as the chosen member."""
    return await _act(request, "chat.postMessage", _base(request))


async def react(request: Request) -> Response:
    """The picker or a reaction chip: reactions.add as the chosen member."""
    return await _act(request, "reactions.add", _base(request))


async def unreact(request: Request) -> Response:
    """A reaction chip of the chosen member's own: reactions.remove."""
    return await _act(request, "reactions.remove", _base(request))


def _base(request: Request) -> str:
    return f"/client/{request.path_params['team_id']}/{request.path_params['channel_id']}"


async def older(request: Request) -> Response:
    """`…/history?latest=ts`: the page of messages before `ts`, rendered, for "Load older messages"."""
    ui_request(request)
    place = _place(request)
    if isinstance(place, Response):
        return JSONResponse({"ok": False, "error": "not_authed"}, status_code=401)
    latest = request.query_params.get("latest") or None
    fragment = TEMPLATES.env.get_template("message.html")
    try:
        with acting(runtime_of(request), place.user.tenant, place.user.id) as call:
            conversation = lookup.conversation(call, place.channel_id, by_name=False)
            page = views.history(call, conversation, views.Directory(call), latest)
            html = "".join(fragment.render(m=m, place=place, picker=PICKER) for m in page.messages)
    except SlackError as problem:
        return JSONResponse({"ok": False, "error": problem.error}, status_code=400)
    oldest = page.messages[0].ts if page.messages else latest
    return JSONResponse({"ok": True, "html": html, "has_more": page.has_more, "oldest": oldest})


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
        Route("/client/{team_id}/{channel_id}/react/remove", unreact, methods=["POST"]),
        Route("/client/{team_id}/{channel_id}/live", live.stream, methods=["GET"]),
        Route("/client/{team_id}/{channel_id}/history", older, methods=["GET"]),
    ]
