"""files.* (the external upload flow) and private file downloads, through slack_sdk.

What each test asserts comes from Slack's docs for files.getUploadURLExternal,
files.completeUploadExternal, files.info, files.list and files.delete, and from how
slack_sdk's files_upload_v2 drives the flow (it POSTs the raw bytes to upload_url and
requires HTTP 200).
"""

from __future__ import annotations

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from conformance.slack.expect import error_of

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # arbitrary binary bytes, not valid UTF-8


def general(client: WebClient) -> str:
    channels = client.conversations_list(types="public_channel")["channels"]
    return next(c["id"] for c in channels if c["is_general"])


def test_upload_v2_shares_into_a_channel_end_to_end(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    channel = general(user)
    response = user.files_upload_v2(
        channel=channel, file=PNG, filename="chart.png", title="Q3 chart", initial_comment="numbers are in"
    )
    file = response["file"]
    assert file["id"].startswith("F")
    assert file["name"] == "chart.png"
    assert file["title"] == "Q3 chart"
    assert file["mimetype"] == "image/png"
    assert file["filetype"] == "png"
    assert file["pretty_type"] == "PNG"
    assert file["size"] == len(PNG)
    assert file["user"] == dtu_slack.admin_user_id
    assert file["channels"] == [channel]
    assert file["is_public"] is True
    share = file["shares"]["public"][channel][0]
    assert share["channel_name"] == "general"

    # The share is a message in the channel carrying the file and the initial comment.
    message = user.conversations_history(channel=channel, limit=1)["messages"][0]
    assert message["ts"] == share["ts"]
    assert message["text"] == "numbers are in"
    assert [f["id"] for f in message["files"]] == [file["id"]]


def test_upload_without_channel_stays_private(bot: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    file = bot.files_upload_v2(content="hello, world\n", filename="notes.txt")["file"]
    assert file["channels"] == [] and file["groups"] == [] and file["ims"] == []
    assert file["is_public"] is False
    assert file["user"] == dtu_slack.bot_user_id
    info = bot.files_info(file=file["id"])["file"]
    assert info["filetype"] == "text"
    assert info["mimetype"] == "text/plain"
    # Nobody else sees a file that was never shared.
    assert error_of(
        lambda: WebClient(token=dtu_slack.user_token, base_url=dtu_slack.url).files_info(file=file["id"])
    ) == ("file_not_found")


def test_download_private_url_serves_the_exact_bytes(user: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    file = user.files_upload_v2(channel=general(user), file=PNG, filename="chart.png")["file"]
    auth = {"Authorization": f"Bearer {dtu_slack.user_token}"}
    for key in ("url_private", "url_private_download"):
        response = httpx.get(file[key], headers=auth)
        assert response.status_code == 200
        assert response.content == PNG
        assert response.headers["content-type"] == "image/png"


def test_download_without_a_token_is_the_sign_in_page(user: WebClient) -> None:
    file = user.files_upload_v2(channel=general(user), file=PNG, filename="chart.png")["file"]
    redirected = httpx.get(file["url_private"])
    assert redirected.status_code == 302
    page = httpx.get(file["url_private"], follow_redirects=True)
    assert page.headers["content-type"].startswith("text/html")
    assert page.content != PNG
    bad = httpx.get(file["url_private"], headers={"Authorization": "Bearer xoxb-0-0-nope"})
    assert bad.status_code == 302


def test_download_of_an_unshared_file_by_someone_else_is_refused(bot: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    file = bot.files_upload_v2(content="secret", filename="secret.txt")["file"]
    own = httpx.get(file["url_private"], headers={"Authorization": f"Bearer {dtu_slack.bot_token}"})
    assert own.content == b"secret"
    other = httpx.get(file["url_private"], headers={"Authorization": f"Bearer {dtu_slack.user_token}"})
    assert other.status_code == 404


async def test_async_client_upload_v2(async_bot: AsyncWebClient) -> None:
    response = await async_bot.files_upload_v2(content=b"\x00\x01binary", filename="blob.bin")
    file = response["file"]
    assert file["size"] == 8
    assert file["filetype"] == "binary"
    info = await async_bot.files_info(file=file["id"])
    assert info["file"]["id"] == file["id"]


def test_get_upload_url_external_shape_and_raw_upload(bot: WebClient) -> None:
    ticket = bot.files_getUploadURLExternal(filename="a.txt", length=3)
    assert ticket["file_id"].startswith("F")
    uploaded = httpx.post(ticket["upload_url"], content=b"abc")
    assert uploaded.status_code == 200
    assert uploaded.text.startswith("OK")
    done = bot.files_completeUploadExternal(files=[{"id": ticket["file_id"], "title": "A"}])
    assert done["files"][0]["id"] == ticket["file_id"]
    assert done["files"][0]["title"] == "A"


def test_multipart_upload_is_accepted(bot: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    ticket = bot.files_getUploadURLExternal(filename="text.txt", length=5)
    uploaded = httpx.post(ticket["upload_url"], files={"filename": ("text.txt", b"hello")})
    assert uploaded.status_code == 200
    file = bot.files_completeUploadExternal(files=[{"id": ticket["file_id"]}])["files"][0]
    body = httpx.get(file["url_private_download"], headers={"Authorization": f"Bearer {dtu_slack.bot_token}"})
    assert body.content == b"hello"


def test_get_upload_url_external_errors(bot: WebClient) -> None:
    assert error_of(lambda: bot.files_getUploadURLExternal(filename="a.txt", length=0)) == "missing_argument"
    assert error_of(lambda: bot.api_call("files.getUploadURLExternal", params={"length": 3})) == "invalid_arguments"
    assert (
        error_of(lambda: bot.files_getUploadURLExternal(filename="a.png", length=3, alt_txt="x" * 1001))
        == "alt_txt_too_large"
    )
    assert (
        error_of(lambda: bot.files_getUploadURLExternal(filename="a", length=3, snippet_type="klingon"))
        == "unknown_snippet_type"
    )
    assert (
        error_of(lambda: bot.files_getUploadURLExternal(filename="a", length=2_000_000, snippet_type="python"))
        == "snippet_too_large"
    )


def test_complete_upload_external_errors(bot: WebClient, user: WebClient) -> None:
    assert error_of(lambda: bot.files_completeUploadExternal(files=[{"id": "F0NOPE"}])) == "file_not_found"
    # A ticket whose bytes never arrived cannot be completed.
    ticket = bot.files_getUploadURLExternal(filename="a.txt", length=3)
    assert error_of(lambda: bot.files_completeUploadExternal(files=[{"id": ticket["file_id"]}])) == "file_not_found"
    httpx.post(ticket["upload_url"], content=b"abc")
    # Another user cannot complete someone else's upload.
    assert error_of(lambda: user.files_completeUploadExternal(files=[{"id": ticket["file_id"]}])) == "file_not_found"
    assert (
        error_of(lambda: bot.files_completeUploadExternal(files=[{"id": ticket["file_id"]}], channel_id="C0NOPE"))
        == "channel_not_found"
    )
    # The bot is not a member of #general: it may not share there.
    assert (
        error_of(lambda: bot.files_completeUploadExternal(files=[{"id": ticket["file_id"]}], channel_id=general(user)))
        == "not_in_channel"
    )
    bot.files_completeUploadExternal(files=[{"id": ticket["file_id"]}])
    # "This method can only be called once."
    assert error_of(lambda: bot.files_completeUploadExternal(files=[{"id": ticket["file_id"]}])) == "file_not_found"


def test_bot_in_channel_shares_with_thread_ts(bot: WebClient, user: WebClient) -> None:
    channel = general(user)
    bot.conversations_join(channel=channel)
    parent = user.chat_postMessage(channel=channel, text="parent")["ts"]
    file = bot.files_upload_v2(channel=channel, content="log line", filename="app.log", thread_ts=parent)["file"]
    assert file["shares"]["public"][channel][0]["thread_ts"] == parent
    replies = user.conversations_replies(channel=channel, ts=parent)["messages"]
    assert [f["id"] for f in replies[-1]["files"]] == [file["id"]]


def test_files_info_errors(bot: WebClient) -> None:
    assert error_of(lambda: bot.files_info(file="F0NOPE")) == "file_not_found"


def test_files_list_filters_and_paging(user: WebClient, bot: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    channel = general(user)
    image = user.files_upload_v2(channel=channel, file=PNG, filename="a.png")["file"]
    text = user.files_upload_v2(channel=channel, content="x", filename="b.txt")["file"]
    pdf = user.files_upload_v2(content=b"%PDF-1.4", filename="c.pdf")["file"]

    listed = user.files_list()
    assert [f["id"] for f in listed["files"]] == [pdf["id"], text["id"], image["id"]]  # newest first
    assert listed["paging"] == {"count": 100, "total": 3, "page": 1, "pages": 1}

    assert [f["id"] for f in user.files_list(types="images")["files"]] == [image["id"]]
    assert [f["id"] for f in user.files_list(types="images,pdfs")["files"]] == [pdf["id"], image["id"]]
    assert {f["id"] for f in user.files_list(channel=channel)["files"]} == {image["id"], text["id"]}
    assert user.files_list(user=dtu_slack.bot_user_id)["files"] == []
    assert user.files_list(ts_to=image["created"] - 1)["files"] == []

    page = user.files_list(count=2, page=2)
    assert [f["id"] for f in page["files"]] == [image["id"]]
    assert page["paging"] == {"count": 2, "total": 3, "page": 2, "pages": 2}

    # The bot sees the files shared in a public channel, not the admin's unshared PDF.
    assert {f["id"] for f in bot.files_list()["files"]} == {image["id"], text["id"]}

    assert error_of(lambda: user.files_list(types="bogus")) == "unknown_type"
    assert error_of(lambda: user.files_list(user="U0NOPE")) == "user_not_found"


def test_files_delete(user: WebClient, bot: WebClient, dtu_slack) -> None:  # type: ignore[no-untyped-def]
    channel = general(user)
    mine = bot.files_upload_v2(content="bot file", filename="bot.txt")["file"]
    theirs = user.files_upload_v2(channel=channel, content="admin file", filename="admin.txt")["file"]
    # A bot may not delete someone else's file.
    assert error_of(lambda: bot.files_delete(file=theirs["id"])) == "cant_delete_file"
    assert bot.files_delete(file=mine["id"])["ok"] is True
    assert error_of(lambda: bot.files_info(file=mine["id"])) == "file_deleted"
    assert error_of(lambda: bot.files_delete(file=mine["id"])) == "file_deleted"
    assert error_of(lambda: bot.files_delete(file="F0NOPE")) == "file_not_found"
    gone = httpx.get(mine["url_private"], headers={"Authorization": f"Bearer {dtu_slack.bot_token}"})
    assert gone.status_code == 404
    assert user.files_delete(file=theirs["id"])["ok"] is True


def test_admin_may_delete_a_members_file(user: WebClient, bot: WebClient) -> None:
    channel = general(user)
    bot.conversations_join(channel=channel)
    file = bot.files_upload_v2(channel=channel, content="x", filename="x.txt")["file"]
    assert user.files_delete(file=file["id"])["ok"] is True
    assert error_of(lambda: user.files_info(file=file["id"])) == "file_deleted"


def test_missing_scope(dtu_slack) -> None:  # type: ignore[no-untyped-def]
    # A bot installed with only chat:write cannot read files.
    token = _install(dtu_slack, "chat:write")
    client = WebClient(token=token, base_url=dtu_slack.url)
    with pytest.raises(SlackApiError) as caught:
        client.files_list()
    assert caught.value.response["error"] == "missing_scope"
    assert caught.value.response["needed"] == "files:read"


def _install(dtu_slack, scope: str) -> str:  # type: ignore[no-untyped-def]
    root = dtu_slack.url.removesuffix("/api/")
    redirect = "https://app.example.com/slack/oauth_redirect"
    response = httpx.get(
        f"{root}/oauth/v2/authorize",
        params={"client_id": dtu_slack.client_id, "scope": scope, "redirect_uri": redirect},
    )
    code = httpx.URL(response.headers["location"]).params["code"]
    access = WebClient(base_url=dtu_slack.url).oauth_v2_access(
        client_id=dtu_slack.client_id, client_secret=dtu_slack.client_secret, code=code, redirect_uri=redirect
    )
    token: str = access["access_token"]
    return token
