"""The core web-UI machinery on a minimal twin: sign-in cookie, dev sign-in, journal marking, SSE."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import MetaData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from services.core.app import build_app
from services.core.faults import InjectedFault
from services.core.settings import TwinSettings
from services.core.testing import ThreadedServer
from services.core.twin import TwinRuntime, TwinSpec
from services.core.ui.actions import fault_status, ui_action
from services.core.ui.flash import flash_redirect
from services.core.ui.links import safe_link
from services.core.ui.routing import root_redirect
from services.core.ui.session import UiUser, current_user, safe_next, signed_in_user, ui_request
from services.core.ui.sign_in import SignIn, sign_in_routes
from services.core.ui.sse import format_event
from services.core.ui.templates import Chrome, ui_templates

CHROME = Chrome(brand="Mini", accent="#123456", home="/home", sign_in="/signin", sign_out="/signout")
TEMPLATES = ui_templates(Path(__file__).parent)  # no templates of its own: the core's only
PEOPLE = {"u1": ("Ada Lovelace", "ada@example.test"), "u2": ("Alan Turing", "alan@example.test")}


def _people(runtime: TwinRuntime, tenant: str) -> list[UiUser]:
    return [UiUser(tenant, key, name, email) for key, (name, email) in PEOPLE.items()]


def _credentials(runtime: TwinRuntime, tenant: str, username: str, password: str) -> UiUser | str:
    if username == "ada@example.test" and password == "right":
        return UiUser(tenant, "u1", "Ada Lovelace", username)
    return "Unable to sign in"


async def home(request: Request) -> Response:
    user = signed_in_user(request, CHROME.sign_in)
    if not isinstance(user, UiUser):
        return user
    ui_request(request)
    return PlainTextResponse(f"{user.tenant}:{user.id}")


async def act(request: Request) -> Response:
    try:
        await ui_action(request, "thing.do", "default")
    except InjectedFault as exc:
        return PlainTextResponse("fault", status_code=fault_status(exc))
    user = current_user(request)
    return PlainTextResponse(f"done by {user.id if user else 'nobody'}")


async def announce(request: Request) -> Response:
    ui_request(request)
    return flash_redirect(request, "/signin", notice="Shared with Alan Turing")


def _routes() -> list[BaseRoute]:
    options = SignIn(chrome=CHROME, templates=TEMPLATES, people=_people, credentials=_credentials)
    return [
        root_redirect("/home"),
        *sign_in_routes(options),
        Route("/home", home),
        Route("/act", act, methods=["POST"]),
        Route("/announce", announce, methods=["POST"]),
    ]


class Mini(httpx.Client):
    runtime: TwinRuntime


def _spec() -> TwinSpec:
    return TwinSpec(
        name="mini",
        title="Mini",
        default_port=0,
        metadata=MetaData(),
        routes=_routes,
        provision=lambda session, tenant, runtime: {},
        seed=lambda session, tenant, runtime, document: {},
        render_error=lambda request, exc: PlainTextResponse(str(exc), status_code=getattr(exc, "status_code", 500)),
    )


MiniFactory = Callable[[bool], Mini]


@pytest.fixture
def mini() -> Iterator[MiniFactory]:
    """Serve a minimal twin with the core sign-in; `mini(dev_sign_in)` gives a cookie-keeping client."""
    servers: list[ThreadedServer] = []
    clients: list[Mini] = []

    def serve(dev_sign_in: bool) -> Mini:
        app = build_app(_spec(), TwinSettings(service="mini", port=0, dev_sign_in=dev_sign_in))
        server = ThreadedServer(app, name="mini").start()
        servers.append(server)
        client = Mini(base_url=server.url, follow_redirects=False)
        client.runtime = app.state.runtime
        clients.append(client)
        return client

    yield serve
    for client in clients:
        client.close()
    for server in servers:
        server.stop()


def test_a_page_sends_a_stranger_to_sign_in_and_back(mini: MiniFactory) -> None:
    client = mini(True)
    response = client.get("/home")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=%2Fhome"
    page = client.get("/signin?next=/home")
    assert "Ada Lovelace" in page.text and "Development sign-in" in page.text
    signed = client.post("/signin/dev", data={"user": "u2", "tenant": "default", "next": "/home"})
    assert signed.status_code == 303 and signed.headers["location"] == "/home"
    assert client.get("/home").text == "default:u2"


def test_the_root_leads_home_keeping_the_tenant(mini: MiniFactory) -> None:
    response = mini(True).get("/?tenant=default")
    assert response.status_code == 302 and response.headers["location"] == "/home?tenant=default"


def test_dev_sign_in_is_refused_when_the_fleet_does_not_offer_it(mini: MiniFactory) -> None:
    client = mini(False)
    assert "Development sign-in" not in client.get("/signin").text
    refused = client.post("/signin/dev", data={"user": "u1", "next": "/home"})
    assert refused.status_code == 401 and "Development sign-in is off" in refused.text
    assert client.get("/home").status_code == 303


def test_the_vendor_form_checks_credentials(mini: MiniFactory) -> None:
    client = mini(False)
    wrong = client.post("/signin", data={"username": "ada@example.test", "password": "wrong", "next": "/home"})
    assert wrong.status_code == 401 and "Unable to sign in" in wrong.text
    right = client.post("/signin", data={"username": "ada@example.test", "password": "right", "next": "/home"})
    assert right.status_code == 303
    assert client.get("/home").text == "default:u1"
    # The journal (shown by the fleet inspector) keeps the form but not the password.
    excerpts = [entry.request_excerpt for entry in client.runtime.journal.query(operation="ui.sign_in")]
    assert len(excerpts) == 2 and all("password=[redacted]" in e and "username=ada" in e for e in excerpts)
    assert not any("right" in e or "wrong" in e for e in excerpts)


def test_a_forged_or_foreign_cookie_is_not_a_sign_in(mini: MiniFactory) -> None:
    client = mini(True)
    client.post("/signin/dev", data={"user": "u1", "next": "/home"})
    cookie = client.cookies["dtu_ui_mini"]
    # The genuine cookie, carried by another client, is a sign-in (so the refusals below are real).
    with httpx.Client(base_url=str(client.base_url), cookies={"dtu_ui_mini": cookie}) as carrier:
        assert carrier.get("/home", follow_redirects=False).text == "default:u1"
        carrier.cookies.set("dtu_ui_mini", cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB"))
        assert carrier.get("/home", follow_redirects=False).status_code == 303
    # A cookie signed by another process (another secret) is refused too.
    other = mini(True)
    other.cookies.set("dtu_ui_mini", cookie)
    assert other.get("/home").status_code == 303


def test_asking_for_another_tenant_asks_to_sign_in_again(mini: MiniFactory) -> None:
    client = mini(True)
    client.post("/signin/dev", data={"user": "u1", "next": "/home"})
    response = client.get("/home?tenant=elsewhere")
    assert response.status_code == 303 and "tenant=elsewhere" in response.headers["location"]


def test_pages_stay_out_of_the_journal_and_actions_are_recorded(mini: MiniFactory) -> None:
    client = mini(True)
    client.post("/signin/dev", data={"user": "u1", "next": "/home"})
    client.get("/home")
    client.get("/signin")
    client.post("/act")
    runtime = client.runtime
    operations = [entry.operation for entry in runtime.journal.query(limit=100)]
    assert operations == ["ui.sign_in.dev", "ui.thing.do"]


def test_sign_out_forgets_the_person(mini: MiniFactory) -> None:
    client = mini(True)
    client.post("/signin/dev", data={"user": "u1", "next": "/home"})
    assert client.post("/signout").status_code == 303
    assert client.get("/home").status_code == 303


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/browse/KEY-1?x=1", "/browse/KEY-1?x=1"),
        ("//evil.test/", "/"),
        ("https://evil.test/", "/"),
        ("/\\evil.test", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_next_stays_on_the_twin(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected


def test_server_sent_events_are_framed_per_line() -> None:
    data: dict[str, Any] = {"text": "two\nlines"}
    assert format_event("message", data, "7") == 'event: message\nid: 7\ndata: {"text": "two\\nlines"}\n\n'


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.com/a", True),
        ("HTTP://example.com", True),
        ("mailto:ada@example.test", True),
        ("javascript:alert(document.domain)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//evil.test/", False),
        (None, False),
    ],
)
def test_only_web_and_mail_links_are_links(url: str | None, kept: bool) -> None:
    assert (safe_link(url) == url) if kept else safe_link(url) is None


def test_a_post_from_another_origin_is_not_signed_in(mini: MiniFactory) -> None:
    client = mini(True)
    client.post("/signin/dev", data={"user": "u1", "next": "/home"})
    own = str(client.base_url).rstrip("/")
    assert client.post("/act", headers={"Origin": own}).text == "done by u1"
    # Another twin on the same host (SameSite=Lax lets its forms carry our cookie) is refused.
    assert client.post("/act", headers={"Origin": "http://127.0.0.1:1"}).text == "done by nobody"
    assert client.post("/act", headers={"Sec-Fetch-Site": "same-site"}).text == "done by nobody"
    refused = client.post("/signin/dev", data={"user": "u2"}, headers={"Origin": "http://127.0.0.1:1"})
    assert refused.status_code == 401 and "another site" in refused.text
    assert client.get("/home").text == "default:u1"  # still u1: the forged sign-in changed nothing
    assert client.post("/signout", headers={"Origin": "http://127.0.0.1:1"}).status_code == 303
    assert client.get("/home").text == "default:u1"
    assert client.get("/signout").status_code == 405  # a link or <img> cannot sign anyone out


def test_flash_messages_are_signed(mini: MiniFactory) -> None:
    client = mini(True)
    redirect = client.post("/announce")
    assert redirect.status_code == 303 and "flash=" in redirect.headers["location"]
    shown = client.get(redirect.headers["location"])
    assert '<div class="notice" role="status">Shared with Alan Turing</div>' in shown.text
    crafted = client.get("/signin?flash=eyJub3RpY2UiOiJZb3VyIGFjY291bnQgaXMgbG9ja2VkIn0")
    assert 'class="notice"' not in crafted.text


def test_fault_rules_apply_to_ui_actions(mini: MiniFactory) -> None:
    client = mini(True)
    rule = client.runtime.faults.add({"operation": "ui.thing.*", "kind": "error", "status": 503, "remaining": 1})
    assert client.post("/act").status_code == 503
    assert client.post("/act").status_code == 200
    assert rule.fired == 1
