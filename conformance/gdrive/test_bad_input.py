"""Bad input gets Google's envelope (never a 500), and injected faults look like Google's."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from googleapiclient.errors import HttpError

from conformance.gdrive.conftest import error_of, refresh, sa_credentials


@pytest.fixture
def http(dtu_google: Any) -> Any:
    token = refresh(sa_credentials(dtu_google, dtu_google.alice_email)).token
    with httpx.Client(base_url=dtu_google.url, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


def test_malformed_json_body(http: Any) -> None:
    response = http.post("/drive/v3/files", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["errors"][0]["reason"] == "parseError"
    assert error["status"] == "INVALID_ARGUMENT"


def test_wrong_json_type_is_invalid(http: Any) -> None:
    response = http.post("/drive/v3/files", json={"name": 5})
    assert response.status_code == 400
    assert response.json()["error"]["errors"][0]["location"] == "name"


def test_unknown_path_is_404_envelope(http: Any) -> None:
    response = http.get("/drive/v3/nothing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == 404


def test_invalid_alt(http: Any) -> None:
    response = http.get("/drive/v3/files", params={"alt": "xml"})
    assert response.status_code == 400
    assert response.json()["error"]["errors"][0]["location"] == "alt"


def test_bad_page_token(http: Any) -> None:
    response = http.get("/drive/v3/files", params={"pageToken": "garbage"})
    assert response.status_code == 400
    assert response.json()["error"]["errors"][0]["location"] == "pageToken"


def test_malformed_multipart(http: Any) -> None:
    response = http.post(
        "/upload/drive/v3/files",
        params={"uploadType": "multipart"},
        content=b"--b\r\nno headers\r\n--b--",
        headers={"Content-Type": 'multipart/related; boundary="b"'},
    )
    assert response.status_code == 400


def test_rate_limit_fault_is_retried_by_the_client(dtu_google: Any, alice: Any) -> None:
    dtu_google.fault(operation="drive.files.list", kind="rate_limit", remaining=1)
    assert alice.files().list().execute(num_retries=2)["kind"] == "drive#fileList"


def test_server_error_fault(dtu_google: Any, alice: Any) -> None:
    dtu_google.fault(operation="drive.files.get", kind="error", status=503, remaining=1)
    made = alice.files().create(body={"name": "x"}).execute()
    with pytest.raises(HttpError) as raised:
        alice.files().get(fileId=made["id"]).execute()
    assert raised.value.status_code == 503
    assert error_of(raised.value)["errors"][0]["reason"] == "backendError"
