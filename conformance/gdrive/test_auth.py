"""OAuth 2.0 as google-auth drives it: service-account JWT-bearer grants (with and without
domain-wide delegation), authorized-user refresh tokens, tokeninfo, scope enforcement and
Google's error envelopes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from google.auth.exceptions import RefreshError
from google.oauth2 import service_account
from googleapiclient.errors import HttpError

from conformance.gdrive.conftest import (
    DRIVE,
    DRIVE_METADATA_READONLY,
    DRIVE_READONLY,
    drive_as,
    error_of,
    refresh,
    sa_credentials,
    user_drive,
)


def about_email(drive: Any) -> str:
    # files.create answers with owners: who the twin thinks the caller is.
    created = drive.files().create(body={"name": "probe"}, fields="owners(emailAddress)").execute()
    email: str = created["owners"][0]["emailAddress"]
    return email


def test_service_account_acts_as_delegated_users(dtu_google: Any) -> None:
    assert about_email(drive_as(dtu_google, dtu_google.alice_email)) == dtu_google.alice_email
    assert about_email(drive_as(dtu_google, dtu_google.bob_email)) == dtu_google.bob_email


def test_service_account_acts_as_itself_without_subject(dtu_google: Any) -> None:
    assert about_email(drive_as(dtu_google, None)) == dtu_google.service_account_email


def test_key_file_token_uri_points_at_the_twin(dtu_google: Any) -> None:
    info = dtu_google.service_account
    assert info["type"] == "service_account"
    assert info["token_uri"] == f"{dtu_google.url}/token"
    assert info["private_key"].startswith("-----BEGIN PRIVATE KEY-----")


def test_token_response_shape(dtu_google: Any) -> None:
    creds = sa_credentials(dtu_google, dtu_google.alice_email)
    refresh(creds)
    assert creds.token.startswith("ya29.")
    assert creds.expiry is not None
    info = httpx.get(f"{dtu_google.url}/tokeninfo", params={"access_token": creds.token}).json()
    assert info["scope"] == DRIVE
    assert info["email"] == dtu_google.alice_email
    assert info["azp"] == dtu_google.service_account["client_id"]
    assert 3500 < int(info["expires_in"]) <= 3600
    assert isinstance(info["exp"], str)


def test_tokeninfo_rejects_unknown_token(dtu_google: Any) -> None:
    response = httpx.get(f"{dtu_google.url}/tokeninfo", params={"access_token": "ya29.nope"})
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_token", "error_description": "Invalid Value"}


def test_unknown_subject_is_invalid_grant(dtu_google: Any) -> None:
    creds = sa_credentials(dtu_google, f"nobody@{dtu_google.domain}")
    with pytest.raises(RefreshError) as raised:
        refresh(creds)
    assert "invalid_grant" in str(raised.value)
    assert "Invalid email or User ID" in str(raised.value)


def test_wrong_key_is_invalid_signature(dtu_google: Any, dtu_google_server: Any) -> None:
    other = dtu_google_server.new_tenant("other")
    try:
        forged = dict(dtu_google.service_account)
        forged["private_key"] = other.service_account["private_key"]
        creds = service_account.Credentials.from_service_account_info(forged, scopes=[DRIVE])
        with pytest.raises(RefreshError) as raised:
            refresh(creds)
        assert "Invalid JWT Signature." in str(raised.value)
    finally:
        dtu_google_server.drop_tenant(other)


def test_unknown_scope_is_invalid_scope(dtu_google: Any) -> None:
    creds = sa_credentials(dtu_google, dtu_google.alice_email, ["https://www.googleapis.com/auth/nonsense"])
    with pytest.raises(RefreshError) as raised:
        refresh(creds)
    assert "invalid_scope" in str(raised.value)


def test_authorized_user_refresh_token(dtu_google: Any) -> None:
    drive = user_drive(dtu_google)
    assert about_email(drive) == dtu_google.admin_email
    assert about_email(user_drive(dtu_google, dtu_google.alice_refresh_token)) == dtu_google.alice_email


def test_refresh_token_of_bad_client_secret(dtu_google: Any) -> None:
    response = httpx.post(
        dtu_google.token_uri,
        data={
            "grant_type": "refresh_token",
            "refresh_token": dtu_google.refresh_token,
            "client_id": dtu_google.client_id,
            "client_secret": "wrong",
        },
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_revoked_refresh_token_is_invalid_grant(dtu_google: Any) -> None:
    assert httpx.post(f"{dtu_google.url}/revoke", data={"token": dtu_google.refresh_token}).status_code == 200
    with pytest.raises(RefreshError) as raised:
        user_drive(dtu_google).files().list().execute()
    assert "invalid_grant" in str(raised.value)


def test_unsupported_grant_type(dtu_google: Any) -> None:
    response = httpx.post(dtu_google.token_uri, data={"grant_type": "password"})
    assert response.status_code == 400
    assert response.json() == {"error": "unsupported_grant_type", "error_description": "Invalid grant_type: password"}


def test_invalid_token_is_401_with_google_envelope(dtu_google: Any) -> None:
    response = httpx.get(f"{dtu_google.url}/drive/v3/files", headers={"Authorization": "Bearer ya29.bogus"})
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["status"] == "UNAUTHENTICATED"
    assert error["errors"] == [
        {
            "message": "Invalid Credentials",
            "domain": "global",
            "reason": "authError",
            "location": "Authorization",
            "locationType": "header",
        }
    ]


def test_no_credentials_is_403_unregistered_caller(dtu_google: Any) -> None:
    response = httpx.get(f"{dtu_google.url}/drive/v3/files")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == 403
    assert error["status"] == "PERMISSION_DENIED"
    assert error["message"].startswith("Method doesn't allow unregistered callers")


def test_readonly_scope_cannot_create(dtu_google: Any) -> None:
    drive = drive_as(dtu_google, dtu_google.alice_email, [DRIVE_READONLY])
    drive.files().list().execute()  # reading is allowed
    with pytest.raises(HttpError) as raised:
        drive.files().create(body={"name": "nope"}).execute()
    assert raised.value.status_code == 403
    error = error_of(raised.value)
    assert error["message"] == "Request had insufficient authentication scopes."
    assert error["errors"][0]["reason"] == "insufficientPermissions"
    assert error["status"] == "PERMISSION_DENIED"
    assert error["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"


def test_metadata_scope_cannot_download_content(dtu_google: Any, alice: Any) -> None:
    from googleapiclient.http import MediaInMemoryUpload

    created = (
        alice.files()
        .create(body={"name": "a.txt"}, media_body=MediaInMemoryUpload(b"hello", mimetype="text/plain"))
        .execute()
    )
    meta_only = drive_as(dtu_google, dtu_google.alice_email, [DRIVE_METADATA_READONLY])
    assert meta_only.files().get(fileId=created["id"]).execute()["name"] == "a.txt"
    with pytest.raises(HttpError) as raised:
        meta_only.files().get_media(fileId=created["id"]).execute()
    assert raised.value.status_code == 403
    assert error_of(raised.value)["errors"][0]["reason"] == "insufficientPermissions"


def test_expired_access_token_is_refreshed_by_the_client(dtu_google: Any, alice: Any) -> None:
    alice.files().list().execute()
    dtu_google.advance_clock(3700)
    # The twin refuses the old token (401); googleapiclient refreshes the credentials and retries.
    assert alice.files().list().execute()["kind"] == "drive#fileList"
