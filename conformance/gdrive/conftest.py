"""Black-box Google conformance: the twin is driven through google-api-python-client and google-auth.

Fixtures come from DTU's pytest plugin (`dtu_google`: a fresh Workspace domain per test,
credentials: url, discovery_url, token_uri, domain, admin_email, alice_email, bob_email,
group_email, service_account (key file contents), client_id, client_secret, refresh_token,
alice_refresh_token). Clients are built the way users build them against Google, with the
discovery URL pointed at the twin. Nothing here imports `services.*`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httplib2
import pytest
from google.auth import credentials as auth_credentials
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account
from google_auth_httplib2 import Request as HttpRequest
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from conformance.gdrive.loopback import LoopbackGuard

DRIVE = "https://www.googleapis.com/auth/drive"
DRIVE_READONLY = "https://www.googleapis.com/auth/drive.readonly"
DRIVE_FILE = "https://www.googleapis.com/auth/drive.file"
DRIVE_METADATA_READONLY = "https://www.googleapis.com/auth/drive.metadata.readonly"
FOLDER = "application/vnd.google-apps.folder"


def sa_credentials(dtu_google: Any, subject: str | None = None, scopes: list[str] | None = None) -> Any:
    creds = service_account.Credentials.from_service_account_info(dtu_google.service_account, scopes=scopes or [DRIVE])
    return creds.with_subject(subject) if subject else creds


# Services built during a test; closed afterwards (httplib2 keeps connections open otherwise).
_OPEN: list[Any] = []


def drive_service(dtu_google: Any, credentials: Any, **options: Any) -> Any:
    service = build(
        "drive",
        "v3",
        credentials=credentials,
        discoveryServiceUrl=dtu_google.discovery_url,
        static_discovery=False,
        cache_discovery=False,
        **options,
    )
    _OPEN.append(service)
    return service


def refresh(credentials: Any) -> Any:
    """Fetch a token the way google-auth does, over httplib2 (closed afterwards)."""
    http = httplib2.Http()
    try:
        credentials.refresh(HttpRequest(http))
    finally:
        http.close()
    return credentials


@pytest.fixture(scope="package")
def _loopback_guard() -> Iterator[LoopbackGuard]:
    """Refuse (and record) every non-loopback name lookup or connection while these tests run."""
    guard = LoopbackGuard()
    guard.install()
    yield guard
    guard.uninstall()


@pytest.fixture(scope="package", autouse=True)
def _no_regional_access_boundary_lookup() -> Iterator[None]:
    """google-auth >= 2.60 follows a service account's (no `sub`) first request with a background GET to
    https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/{email}/allowedLocations. The
    library skips it itself for non-default universe domains; the tests skip it the same way, through
    that very predicate, since a twin-issued token means nothing to Google's IAM service."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            auth_credentials.CredentialsWithRegionalAccessBoundary,
            "_is_regional_access_boundary_lookup_required",
            lambda self: False,
        )
        yield


@pytest.fixture(autouse=True)
def _loopback_only(_loopback_guard: LoopbackGuard) -> Iterator[None]:
    """Fail the test that tried to reach anything but the twin (background threads included)."""
    _loopback_guard.take()
    yield
    violations = _loopback_guard.take()
    assert not violations, "non-loopback network access attempted:\n" + "\n".join(violations)


@pytest.fixture(autouse=True)
def _close_services() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def drive_as(dtu_google: Any, email: str | None, scopes: list[str] | None = None) -> Any:
    """Drive v3 as a domain user (domain-wide delegation), or as the service account itself (None)."""
    return drive_service(dtu_google, sa_credentials(dtu_google, email, scopes))


def user_drive(dtu_google: Any, refresh_token: str | None = None, scopes: list[str] | None = None) -> Any:
    """Drive v3 through an installed app's refresh token (authorized-user credentials)."""
    creds = user_credentials.Credentials(
        token=None,
        refresh_token=refresh_token or dtu_google.refresh_token,
        client_id=dtu_google.client_id,
        client_secret=dtu_google.client_secret,
        token_uri=dtu_google.token_uri,
        scopes=scopes,
    )
    return drive_service(dtu_google, creds)


def error_of(exc: HttpError) -> dict[str, Any]:
    """The `error` object of a Google error response."""
    body: dict[str, Any] = json.loads(exc.content)["error"]
    return body


@pytest.fixture
def admin(dtu_google: Any) -> Any:
    return drive_as(dtu_google, dtu_google.admin_email)


@pytest.fixture
def alice(dtu_google: Any) -> Any:
    return drive_as(dtu_google, dtu_google.alice_email)


@pytest.fixture
def bob(dtu_google: Any) -> Any:
    return drive_as(dtu_google, dtu_google.bob_email)
