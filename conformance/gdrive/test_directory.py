"""Admin SDK Directory API (directory_v1) through google-api-python-client, as against Google.

What Google does, per the Directory API reference (developers.google.com/admin-sdk/directory/
reference/rest/v1/users and /groups, /members): only administrators manage users and groups
(others get 403 "Not Authorized to access this resource/api"); a user is addressed by primary
email or id; `users.list` needs `customer` or `domain`; `users.insert` needs primaryEmail, name
and password; a duplicate is 409 "Entity already exists."; a suspended user can neither be
impersonated through domain-wide delegation (the token endpoint answers `invalid_grant`) nor
use tokens issued before the suspension.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from google.auth.exceptions import RefreshError
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from conformance.gdrive.conftest import _OPEN, DRIVE, drive_as, error_of, refresh, sa_credentials

USER = "https://www.googleapis.com/auth/admin.directory.user"
USER_READONLY = "https://www.googleapis.com/auth/admin.directory.user.readonly"
GROUP = "https://www.googleapis.com/auth/admin.directory.group"


def directory(dtu_google: Any, subject: str, scopes: list[str] | None = None, **options: Any) -> Any:
    credentials = sa_credentials(dtu_google, subject, scopes or [USER, GROUP])
    if options:
        service = build("admin", "directory_v1", credentials=credentials, cache_discovery=False, **options)
    else:
        service = build(
            "admin",
            "directory_v1",
            credentials=credentials,
            discoveryServiceUrl=dtu_google.discovery_url,
            static_discovery=False,
            cache_discovery=False,
        )
    _OPEN.append(service)
    return service


@pytest.fixture
def admin_directory(dtu_google: Any) -> Any:
    return directory(dtu_google, dtu_google.admin_email)


def new_user(dtu_google: Any, local: str, **extra: Any) -> dict[str, Any]:
    return {
        "primaryEmail": f"{local}@{dtu_google.domain}",
        "name": {"givenName": local.title(), "familyName": "Tester"},
        "password": "Correct-Horse-1",
        **extra,
    }


def test_list_the_domain_users(dtu_google: Any, admin_directory: Any) -> None:
    page = admin_directory.users().list(domain=dtu_google.domain).execute()
    assert page["kind"] == "admin#directory#users"
    emails = {u["primaryEmail"] for u in page["users"]}
    assert {dtu_google.admin_email, dtu_google.alice_email, dtu_google.bob_email} <= emails
    admin = next(u for u in page["users"] if u["primaryEmail"] == dtu_google.admin_email)
    assert admin["isAdmin"] is True and admin["suspended"] is False
    by_customer = admin_directory.users().list(customer="my_customer").execute()
    assert {u["id"] for u in by_customer["users"]} == {u["id"] for u in page["users"]}


def test_insert_get_patch_update_delete(dtu_google: Any, admin_directory: Any) -> None:
    body = new_user(dtu_google, "carol", externalIds=[{"type": "organization", "value": "00u123"}])
    created = admin_directory.users().insert(body=body).execute()
    assert created["kind"] == "admin#directory#user"
    assert created["primaryEmail"] == f"carol@{dtu_google.domain}"
    assert created["name"]["fullName"] == "Carol Tester"
    assert created["externalIds"] == [{"type": "organization", "value": "00u123"}]
    assert "password" not in created  # write-only
    by_email = admin_directory.users().get(userKey=created["primaryEmail"]).execute()
    assert by_email["id"] == created["id"]
    patched = admin_directory.users().patch(userKey=created["id"], body={"name": {"familyName": "Jones"}}).execute()
    assert patched["name"] == {"givenName": "Carol", "familyName": "Jones", "fullName": "Carol Jones"}
    updated = admin_directory.users().update(userKey=created["id"], body={"suspended": True}).execute()
    assert updated["suspended"] is True and updated["suspensionReason"] == "ADMIN"
    admin_directory.users().delete(userKey=created["id"]).execute()
    with pytest.raises(HttpError) as missing:
        admin_directory.users().get(userKey=created["id"]).execute()
    assert missing.value.resp.status == 404
    assert error_of(missing.value)["errors"][0]["reason"] == "notFound"
    deleted = admin_directory.users().list(domain=dtu_google.domain, showDeleted="true").execute()
    assert [u["id"] for u in deleted["users"]] == [created["id"]]


def test_insert_errors(dtu_google: Any, admin_directory: Any) -> None:
    with pytest.raises(HttpError) as duplicate:
        admin_directory.users().insert(body=new_user(dtu_google, "alice")).execute()
    assert duplicate.value.resp.status == 409
    assert error_of(duplicate.value)["message"] == "Entity already exists."
    nameless = new_user(dtu_google, "dave")
    del nameless["name"]
    with pytest.raises(HttpError) as invalid:
        admin_directory.users().insert(body=nameless).execute()
    assert invalid.value.resp.status == 400
    with pytest.raises(HttpError) as unscoped:
        admin_directory.users().list().execute()  # neither customer nor domain
    assert unscoped.value.resp.status == 400


def test_query_and_paging(dtu_google: Any, admin_directory: Any) -> None:
    for local in ("erin", "erik", "frank"):
        admin_directory.users().insert(body=new_user(dtu_google, local)).execute()
    found = admin_directory.users().list(domain=dtu_google.domain, query="email:eri*").execute()
    assert sorted(u["primaryEmail"].split("@")[0] for u in found["users"]) == ["erik", "erin"]
    seen: list[str] = []
    request = admin_directory.users().list(domain=dtu_google.domain, maxResults=2)
    while request is not None:
        page = request.execute()
        assert len(page.get("users", [])) <= 2
        seen += [u["primaryEmail"] for u in page.get("users", [])]
        request = admin_directory.users().list_next(request, page)
    assert len(seen) == len(set(seen)) == 6  # admin, alice, bob + three


def test_only_admins_manage_users(dtu_google: Any) -> None:
    as_alice = directory(dtu_google, dtu_google.alice_email)
    with pytest.raises(HttpError) as refused:
        as_alice.users().list(domain=dtu_google.domain).execute()
    assert refused.value.resp.status == 403
    assert error_of(refused.value)["message"] == "Not Authorized to access this resource/api"


def test_scopes_are_enforced(dtu_google: Any) -> None:
    readonly = directory(dtu_google, dtu_google.admin_email, [USER_READONLY])
    assert readonly.users().get(userKey=dtu_google.alice_email).execute()["primaryEmail"] == dtu_google.alice_email
    with pytest.raises(HttpError) as refused:
        readonly.users().insert(body=new_user(dtu_google, "gina")).execute()
    assert refused.value.resp.status == 403
    assert error_of(refused.value)["errors"][0]["reason"] == "insufficientPermissions"
    users_only = directory(dtu_google, dtu_google.admin_email, [USER])
    with pytest.raises(HttpError) as no_group_scope:
        users_only.groups().list(domain=dtu_google.domain).execute()
    assert no_group_scope.value.resp.status == 403


def test_suspended_user_loses_access(dtu_google: Any, admin_directory: Any) -> None:
    token = refresh(sa_credentials(dtu_google, dtu_google.alice_email, [DRIVE])).token
    files = f"{dtu_google.url}/drive/v3/files"
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(files, headers=headers).status_code == 200
    admin_directory.users().patch(userKey=dtu_google.alice_email, body={"suspended": True}).execute()
    assert httpx.get(files, headers=headers).status_code == 401  # the token issued before stops working
    with pytest.raises(RefreshError) as refused:
        drive_as(dtu_google, dtu_google.alice_email).files().list().execute()
    assert "invalid_grant" in str(refused.value)
    admin_directory.users().patch(userKey=dtu_google.alice_email, body={"suspended": False}).execute()
    assert drive_as(dtu_google, dtu_google.alice_email).files().list().execute()["kind"] == "drive#fileList"


def test_groups_and_members(dtu_google: Any, admin_directory: Any) -> None:
    email = f"db-admins@{dtu_google.domain}"
    group = admin_directory.groups().insert(body={"email": email, "name": "DB admins", "description": "x"}).execute()
    assert group["kind"] == "admin#directory#group" and group["directMembersCount"] == "0"
    assert admin_directory.groups().get(groupKey=group["id"]).execute()["email"] == email
    member = admin_directory.members().insert(groupKey=email, body={"email": dtu_google.bob_email}).execute()
    assert member["role"] == "MEMBER" and member["type"] == "USER" and member["email"] == dtu_google.bob_email
    with pytest.raises(HttpError) as twice:
        admin_directory.members().insert(groupKey=email, body={"email": dtu_google.bob_email}).execute()
    assert twice.value.resp.status == 409
    members = admin_directory.members().list(groupKey=email).execute()["members"]
    assert [m["email"] for m in members] == [dtu_google.bob_email]
    mine = admin_directory.groups().list(userKey=dtu_google.bob_email).execute()["groups"]
    assert email in {g["email"] for g in mine}
    admin_directory.members().delete(groupKey=email, memberKey=dtu_google.bob_email).execute()
    assert "members" not in admin_directory.members().list(groupKey=email).execute()
    admin_directory.groups().delete(groupKey=email).execute()
    with pytest.raises(HttpError) as gone:
        admin_directory.groups().get(groupKey=email).execute()
    assert gone.value.resp.status == 404


def test_client_options_with_the_bundled_discovery_document(dtu_google: Any) -> None:
    service = directory(dtu_google, dtu_google.admin_email, client_options={"api_endpoint": dtu_google.url + "/"})
    user = service.users().get(userKey=dtu_google.bob_email).execute()
    assert user["primaryEmail"] == dtu_google.bob_email
