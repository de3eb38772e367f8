"""Discovery: `build()` against the twin's discovery documents (rootUrl rewritten to the twin),
the `$discovery` form, `client_options={"api_endpoint": ...}` with the bundled document."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from googleapiclient.discovery import build
from googleapiclient.errors import UnknownApiNameOrVersion
from googleapiclient.http import MediaInMemoryUpload

from conformance.gdrive.conftest import _OPEN, sa_credentials


def test_discovery_document_points_at_the_twin(dtu_google: Any) -> None:
    doc = httpx.get(f"{dtu_google.url}/discovery/v1/apis/drive/v3/rest").json()
    assert doc["rootUrl"] == dtu_google.url + "/"
    assert doc["baseUrl"] == dtu_google.url + "/drive/v3/"
    assert doc["servicePath"] == "drive/v3/"
    assert doc["resources"]["files"]["methods"]["create"]["mediaUpload"]["protocols"]["simple"]["path"] == (
        "/upload/drive/v3/files"
    )


def test_v2_discovery_url_form(dtu_google: Any) -> None:
    creds = sa_credentials(dtu_google, dtu_google.alice_email)
    v2_url = dtu_google.url + "/$discovery/rest?version={apiVersion}"
    drive = build(
        "drive", "v3", credentials=creds, discoveryServiceUrl=v2_url, static_discovery=False, cache_discovery=False
    )
    _OPEN.append(drive)
    created = (
        drive.files()
        .create(body={"name": "v2.txt"}, media_body=MediaInMemoryUpload(b"hi", mimetype="text/plain"))
        .execute()
    )
    assert created["name"] == "v2.txt"


def test_unknown_api_is_404(dtu_google: Any) -> None:
    with pytest.raises(UnknownApiNameOrVersion):
        build(
            "nosuch",
            "v1",
            discoveryServiceUrl=dtu_google.discovery_url,
            static_discovery=False,
            cache_discovery=False,
            credentials=sa_credentials(dtu_google),
        )


def test_api_endpoint_with_bundled_document(dtu_google: Any) -> None:
    creds = sa_credentials(dtu_google, dtu_google.alice_email)
    drive = build("drive", "v3", credentials=creds, client_options={"api_endpoint": dtu_google.url + "/drive/v3/"})
    _OPEN.append(drive)
    folder = (
        drive.files().create(body={"name": "via endpoint", "mimeType": "application/vnd.google-apps.folder"}).execute()
    )
    assert folder["mimeType"] == "application/vnd.google-apps.folder"
    listed = drive.files().list(q="name = 'via endpoint'").execute()
    assert [f["id"] for f in listed["files"]] == [folder["id"]]
