"""Malformed, hostile and concurrent input: the twin answers like Slack and never with a 5xx.

Where Slack documents the answer it is asserted (invalid_json, json_not_object,
invalid_form_data, unknown_method, invalid_blocks_format); where it does not, the
test asserts only what is certain: a Slack envelope (`ok` false or true), never a 5xx.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

MAX_BODY_BYTES = 8 * 1024 * 1024  # the twin's default settings.max_body_bytes


@pytest.fixture
def http(dtu_slack) -> Iterator[httpx.Client]:  # type: ignore[no-untyped-def]
    """A raw HTTP client: slack_sdk cannot send malformed bodies."""
    with httpx.Client(base_url=f"{dtu_slack.base_url}/api/", timeout=60.0) as client:
        yield client


def _auth(dtu_slack) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {dtu_slack.bot_token}"}


def _envelope(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code < 500, f"HTTP {response.status_code}: {response.text[:300]}"
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("ok"), bool), body
    return body


def _error(response: httpx.Response) -> str:
    body = _envelope(response)
    assert body["ok"] is False, body
    error: str = body["error"]
    return error


# -- malformed bodies -----------------------------------------------------------------


def test_malformed_json_is_invalid_json(http: httpx.Client, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    headers = {**_auth(dtu_slack), "Content-Type": "application/json"}
    response = http.post("chat.postMessage", content=b'{"channel": "C1", "text": ', headers=headers)
    assert _error(response) == "invalid_json"


def test_json_array_is_json_not_object(http: httpx.Client, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    headers = {**_auth(dtu_slack), "Content-Type": "application/json"}
    response = http.post("chat.postMessage", content=b'[{"channel": "C1"}]', headers=headers)
    assert _error(response) == "json_not_object"


@pytest.mark.parametrize("body", [b"42", b'"text"', b"null", b"true"])
def test_json_scalars_are_json_not_object(http: httpx.Client, dtu_slack, body: bytes) -> None:  # type: ignore[no-untyped-def]
    headers = {**_auth(dtu_slack), "Content-Type": "application/json"}
    assert _error(http.post("auth.test", content=body, headers=headers)) == "json_not_object"


def test_multipart_without_boundary_is_invalid_form_data(http: httpx.Client, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    headers = {**_auth(dtu_slack), "Content-Type": "multipart/form-data"}
    response = http.post("auth.test", content=b"--x\r\nContent-Disposition: form-data\r\n\r\n", headers=headers)
    assert _error(response) == "invalid_form_data"


@pytest.mark.parametrize(
    "body",
    [
        b"channel=%zz&text=%",  # broken percent escapes
        b"&&&==&=",  # empty names and values
        b"text=\xff\xfe\xfa",  # not UTF-8
        b"a=" + b"%00" * 100,  # NULs
    ],
    ids=["bad-escapes", "empty-pairs", "not-utf8", "nuls"],
)
def test_broken_form_encoding_is_never_a_server_error(http: httpx.Client, dtu_slack, body: bytes) -> None:  # type: ignore[no-untyped-def]
    headers = {**_auth(dtu_slack), "Content-Type": "application/x-www-form-urlencoded"}
    _envelope(http.post("chat.postMessage", content=body, headers=headers))


def test_unknown_method(http: httpx.Client, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    assert _error(http.post("no.such.method", headers=_auth(dtu_slack))) == "unknown_method"
    assert _error(http.get("chat.postMessageX", headers=_auth(dtu_slack))) == "unknown_method"


def test_oversized_body_is_a_slack_error(http: httpx.Client, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    headers = {**_auth(dtu_slack), "Content-Type": "application/x-www-form-urlencoded"}
    body = b"channel=C1&text=" + b"a" * (MAX_BODY_BYTES + 1024)
    response = http.post("chat.postMessage", content=body, headers=headers)
    _error(response)  # a Slack-style ok:false, not a 500 or a dropped connection


def test_oversized_chunked_body_is_a_slack_error(http: httpx.Client, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    """No Content-Length to trust: the twin must stop reading, not buffer without bound."""

    def chunks() -> Iterator[bytes]:
        yield b"channel=C1&text="
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"a" * 65536

    headers = {**_auth(dtu_slack), "Content-Type": "application/x-www-form-urlencoded"}
    _error(http.post("chat.postMessage", content=chunks(), headers=headers))


# -- wrong types for known parameters ---------------------------------------------------


@pytest.fixture
def channel(bot: WebClient) -> str:
    """A public channel the bot created (so it is a member and may post)."""
    created: str = bot.conversations_create(name="bad-input")["channel"]["id"]
    return created


def test_blocks_that_are_not_json_are_invalid_blocks_format(bot: WebClient, channel: str) -> None:
    # Slack: invalid_blocks_format, "The blocks is not a valid JSON object or doesn't match the Block Kit syntax."
    with pytest.raises(SlackApiError) as caught:
        bot.api_call("chat.postMessage", data={"channel": channel, "text": "x", "blocks": "not json"})
    assert caught.value.response["error"] == "invalid_blocks_format"


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("conversations.history", {"limit": "abc"}),
        ("conversations.history", {"limit": "-5"}),
        ("conversations.history", {"oldest": "yesterday"}),
        ("conversations.history", {"inclusive": "maybe"}),
        ("conversations.list", {"limit": "1e9"}),
        ("conversations.list", {"cursor": "%%%not-a-cursor"}),
        ("users.list", {"limit": "abc"}),
        ("chat.postMessage", {"attachments": "{broken"}),
        ("chat.postMessage", {"unfurl_links": "perhaps"}),
        ("chat.postMessage", {"thread_ts": "not-a-ts"}),
        ("reactions.add", {"name": "", "timestamp": "abc"}),
    ],
)
def test_wrong_types_are_never_a_server_error(  # type: ignore[no-untyped-def]
    http: httpx.Client, dtu_slack, channel: str, method: str, params: dict[str, str]
) -> None:
    body = {"channel": channel, "text": "hello", **params}
    for response in (
        http.post(method, data=body, headers=_auth(dtu_slack)),
        http.post(method, json=body, headers=_auth(dtu_slack)),
        http.get(method, params=body, headers=_auth(dtu_slack)),
    ):
        _envelope(response)


def test_json_values_of_the_wrong_type_are_never_a_server_error(http: httpx.Client, dtu_slack, channel: str) -> None:  # type: ignore[no-untyped-def]
    for value in ([1, 2], {"a": 1}, None, 1.5, True, 10**30):
        body = {"channel": channel, "text": value, "limit": value, "blocks": value, "thread_ts": value}
        _envelope(http.post("chat.postMessage", json=body, headers=_auth(dtu_slack)))
        _envelope(http.post("conversations.history", json={"channel": value, "limit": value}, headers=_auth(dtu_slack)))


# -- odd unicode -------------------------------------------------------------------------

ODD_TEXTS = {
    "nul": "before\x00after",
    "rtl": "\u202eRTL override \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "emoji": "family \U0001f468\u200d\U0001f469\u200d\U0001f467 flag \U0001f1fa\U0001f1e6 skin \U0001f44d\U0001f3fd",
    "combining": "Z\u0351\u0352\u0353a\u0354\u0355l\u0356\u0357g\u0358o\u0359",
    "bom-and-zero-width": "\ufeff\u200b\u200c\u200d",
    "long-100k": "x" * 100_000,
}


@pytest.mark.parametrize("name", sorted(ODD_TEXTS))
def test_odd_unicode_text_is_never_a_server_error(bot: WebClient, channel: str, name: str) -> None:
    text = ODD_TEXTS[name]
    try:
        posted = bot.chat_postMessage(channel=channel, text=text)
    except SlackApiError as error:
        assert error.response.status_code < 500, error.response.data
        return
    if name in ("rtl", "combining"):
        # Plain text without &, <, > or emoji comes back as posted.
        assert posted["message"]["text"] == text
    history = bot.conversations_history(channel=channel)
    assert history["ok"] is True


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\ud800\\ud800", "\\u0000"])
def test_lone_surrogates_in_json_are_never_a_server_error(  # type: ignore[no-untyped-def]
    http: httpx.Client, dtu_slack, channel: str, escape: str
) -> None:
    """`"\\ud800"` is syntactically valid JSON but no Unicode text: storing it must not crash."""
    headers = {**_auth(dtu_slack), "Content-Type": "application/json"}
    raw = f'{{"channel": "{channel}", "text": "a{escape}b"}}'.encode()
    _envelope(http.post("chat.postMessage", content=raw, headers=headers))
    _envelope(http.post("conversations.create", content=f'{{"name": "x{escape}"}}'.encode(), headers=headers))
    _envelope(http.post("users.lookupByEmail", content=f'{{"email": "{escape}@x.io"}}'.encode(), headers=headers))
    _envelope(http.get("conversations.history", params={"channel": channel}, headers=_auth(dtu_slack)))


def test_odd_unicode_in_parameter_names_and_query(http: httpx.Client, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    params = {"\u202ename": "\U0001f600", "x" * 5000: "y", "channel": "\x00"}
    _envelope(http.get("conversations.info", params=params, headers=_auth(dtu_slack)))
    _envelope(http.post("conversations.info", data=params, headers=_auth(dtu_slack)))


# -- concurrency ---------------------------------------------------------------------------

CLIENTS = 64
MESSAGES = 2_000


def test_concurrent_posts_to_one_channel_are_all_kept(dtu_slack, bot: WebClient, channel: str) -> None:  # type: ignore[no-untyped-def]
    """64 clients post 2,000 messages to one channel: every one gets its own ts and is in history."""
    texts = [f"message {n:04d}" for n in range(MESSAGES)]
    local = threading.local()

    def post(text: str) -> str:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = WebClient(token=dtu_slack.bot_token, base_url=dtu_slack.url, timeout=60)
        response = client.chat_postMessage(channel=channel, text=text)
        assert response["ok"] is True
        ts: str = response["ts"]
        return ts

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        posted = list(pool.map(post, texts))
    assert len(set(posted)) == MESSAGES, "each post gets a distinct ts"

    seen: list[dict[str, Any]] = []
    cursor = None
    for _ in range(MESSAGES):  # bounded: at least one message per page
        page = bot.conversations_history(channel=channel, limit=200, cursor=cursor)
        seen.extend(page["messages"])
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            assert page["has_more"] is False
            break
    posted_messages = [m for m in seen if m.get("subtype") is None]
    timestamps = [m["ts"] for m in posted_messages]
    assert len(timestamps) == MESSAGES
    assert set(timestamps) == set(posted)
    assert sorted(m["text"] for m in posted_messages) == texts, "every text once, none duplicated"
    assert timestamps == sorted(timestamps, key=lambda ts: tuple(map(int, ts.split("."))), reverse=True)


def test_concurrent_channel_creation_never_duplicates_a_name(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    """Racing conversations.create with one name: exactly one wins, the rest get name_taken."""

    def create(_: int) -> str:
        client = WebClient(token=dtu_slack.bot_token, base_url=dtu_slack.url)
        try:
            client.conversations_create(name="contested")
            return "created"
        except SlackApiError as error:
            return str(error.response["error"])

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(create, range(16)))
    assert outcomes.count("created") == 1
    assert set(outcomes) == {"created", "name_taken"}
