"""Apps API through the okta SDK: OIDC/bookmark/basic/SAML apps, lifecycle, user and group assignments."""

from __future__ import annotations

from typing import Any

import httpx
from okta.client import Client
from okta.models import (
    AddGroupRequest,
    ApplicationCredentialsOAuthClient,
    ApplicationGroupAssignment,
    AppUserAssignRequest,
    AppUserCredentials,
    AppUserProfileRequestPayload,
    AppUserUpdateRequest,
    BookmarkApplication,
    BookmarkApplicationSettings,
    BookmarkApplicationSettingsApplication,
    CreateUserRequest,
    OAuthApplicationCredentials,
    OktaUserGroupProfile,
    OpenIdConnectApplication,
    OpenIdConnectApplicationSettings,
    OpenIdConnectApplicationSettingsClient,
    UserProfile,
)
from okta.pagination import PaginationHelper

# The SDK's operations without a response body answer (None, resp, None) on success but
# (resp, err) on failure, so their error is read as the last element.
CALLBACK = "https://app.example.com/callback"


def oidc_app(
    label: str,
    *,
    application_type: str = "web",
    grant_types: list[str] | None = None,
    redirect_uris: list[str] | None = None,
    auth_method: str | None = None,
    jwks: dict[str, Any] | None = None,
) -> OpenIdConnectApplication:
    oauth: dict[str, Any] = {
        "application_type": application_type,
        "grant_types": grant_types or ["authorization_code", "refresh_token"],
        "redirect_uris": [CALLBACK] if redirect_uris is None else redirect_uris,
        "post_logout_redirect_uris": ["https://app.example.com/"],
        "response_types": ["code"],
    }
    if jwks is not None:
        oauth["jwks"] = jwks
    return OpenIdConnectApplication(
        label=label,
        name="oidc_client",
        sign_on_mode="OPENID_CONNECT",
        credentials=OAuthApplicationCredentials(
            oauth_client=ApplicationCredentialsOAuthClient(token_endpoint_auth_method=auth_method)
        ),
        settings=OpenIdConnectApplicationSettings(oauth_client=OpenIdConnectApplicationSettingsClient.from_dict(oauth)),
    )


async def create(okta: Client, app: Any, **kwargs: Any) -> Any:
    created, _, err = await okta.create_application(app, **kwargs)
    assert err is None, err
    return created


async def make_user(okta: Client, login: str) -> Any:
    body = CreateUserRequest(profile=UserProfile(firstName="App", lastName="User", email=login, login=login))
    user, _, err = await okta.create_user(body, activate=True)
    assert err is None, err
    return user


async def make_group(okta: Client, name: str) -> Any:
    group, _, err = await okta.add_group(AddGroupRequest(profile=OktaUserGroupProfile(name=name)))
    assert err is None, err
    return group


def admin(dtu_okta: Any) -> httpx.Client:
    return httpx.Client(base_url=dtu_okta.org_url, headers={"Authorization": f"SSWS {dtu_okta.api_token}"})


def log_types(dtu_okta: Any, target_id: str) -> list[str]:
    with admin(dtu_okta) as http:
        response = http.get("/api/v1/logs", params={"limit": 1000})
    assert response.status_code == 200, response.text
    return [e["eventType"] for e in response.json() if target_id in {t["id"] for t in e.get("target") or []}]


async def assigned_ids(okta: Client, app_id: str) -> dict[str, str]:
    """user id -> scope of every assignment, following the pages."""
    found: dict[str, str] = {}
    after: str | None = None
    while True:
        page, resp, err = await okta.list_application_users(app_id, after=after, limit=2)
        assert err is None, err
        found.update({u.id: u.scope for u in page})
        after = PaginationHelper.extract_next_cursor(resp.headers)
        if after is None:
            return found


async def test_create_oidc_web_app(okta: Client, dtu_okta: Any) -> None:
    app = await create(okta, oidc_app("Portal"))
    assert isinstance(app, OpenIdConnectApplication)
    assert app.id.startswith("0oa") and len(app.id) == 20
    assert app.status == "ACTIVE" and app.sign_on_mode == "OPENID_CONNECT" and app.name == "oidc_client"
    oauth = app.credentials.oauth_client
    assert oauth.client_id == app.id  # Okta uses the app id as client_id unless one is given
    assert oauth.client_secret and len(oauth.client_secret) >= 40
    assert oauth.token_endpoint_auth_method == "client_secret_basic"
    settings = app.settings.oauth_client
    assert settings.redirect_uris == [CALLBACK]
    assert settings.post_logout_redirect_uris == ["https://app.example.com/"]
    assert settings.application_type == "web"
    assert [g.value for g in settings.grant_types] == ["authorization_code", "refresh_token"]
    fetched, _, err = await okta.get_application(app.id)
    assert err is None, err
    assert fetched.credentials.oauth_client.client_secret == oauth.client_secret
    with admin(dtu_okta) as http:
        raw = http.get(f"/api/v1/apps/{app.id}").json()
    for key in ("id", "name", "label", "status", "created", "lastUpdated", "accessibility", "visibility"):
        assert key in raw
    assert raw["features"] == [] and raw["accessibility"]["selfService"] is False
    assert raw["_links"]["users"]["href"].endswith(f"/api/v1/apps/{app.id}/users")
    assert raw["_links"]["groups"]["href"].endswith(f"/api/v1/apps/{app.id}/groups")
    assert raw["_links"]["deactivate"]["href"].endswith(f"/api/v1/apps/{app.id}/lifecycle/deactivate")
    assert "application.lifecycle.create" in log_types(dtu_okta, app.id)


async def test_public_clients_use_pkce_without_secret(okta: Client) -> None:
    app = await create(okta, oidc_app("SPA", application_type="browser", auth_method="none"))
    oauth = app.credentials.oauth_client
    assert oauth.token_endpoint_auth_method == "none"
    assert oauth.client_secret is None
    assert oauth.pkce_required is True
    native = await create(okta, oidc_app("Mobile", application_type="native"))
    assert native.credentials.oauth_client.token_endpoint_auth_method == "none"
    assert native.credentials.oauth_client.client_secret is None


async def test_service_app_with_private_key_jwt(okta: Client, dtu_okta: Any) -> None:
    jwk = {
        "kty": "RSA",
        "e": "AQAB",
        "n": "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1Wl",
        "kid": "k1",
        "use": "sig",
        "alg": "RS256",
    }
    app = oidc_app(
        "Robot",
        application_type="service",
        grant_types=["client_credentials"],
        redirect_uris=[],
        auth_method="private_key_jwt",
    )
    _, _, err = await okta.create_application(app)
    assert err is not None and err.error_code == "E0000001" and err.status == 400
    # The SDK's request model insists on response-only JWK fields (id, created...), so this one goes as JSON.
    payload = app.to_dict()
    payload["settings"]["oauthClient"]["jwks"] = {"keys": [jwk]}
    with admin(dtu_okta) as http:
        response = http.post("/api/v1/apps", json=payload)
    assert response.status_code == 200, response.text
    created, _, err = await okta.get_application(response.json()["id"])
    assert err is None, err
    assert created.credentials.oauth_client.token_endpoint_auth_method == "private_key_jwt"
    assert created.credentials.oauth_client.client_secret is None
    # The SDK parses the app (its oneOf wrapper of each key stays empty), so the key is read as JSON.
    key = response.json()["settings"]["oauthClient"]["jwks"]["keys"][0]
    assert key["kid"] == "k1" and key["status"] == "ACTIVE" and key["id"].startswith("pks")
    assert key["_links"]["deactivate"]["href"].endswith(f"/credentials/jwks/{key['id']}/lifecycle/deactivate")


async def test_oidc_validation_errors(okta: Client) -> None:
    _, _, err = await okta.create_application(oidc_app("No redirect", redirect_uris=[]))
    assert err is not None and err.status == 400 and err.error_code == "E0000001"
    assert err.error_summary == "Api validation failed: redirect_uris"
    assert err.error_causes and err.error_causes[0]["errorSummary"].startswith("redirect_uris: ")
    _, _, err = await okta.create_application(oidc_app("Web without secret", auth_method="none"))
    assert err is not None and err.error_code == "E0000001"
    await create(okta, oidc_app("Twice"))
    _, _, err = await okta.create_application(oidc_app("Twice"))
    assert err is not None and err.error_code == "E0000001"
    assert err.error_summary == "Api validation failed: label"
    assert [c["errorSummary"] for c in err.error_causes] == [
        'label: An active OpenID Connect Client instance with the label "Twice" already exists.'
    ]


async def test_bookmark_basic_auth_and_saml_apps(okta: Client, dtu_okta: Any) -> None:
    bookmark = await create(
        okta,
        BookmarkApplication(
            label="Wiki",
            name="bookmark",
            sign_on_mode="BOOKMARK",
            settings=BookmarkApplicationSettings(
                app=BookmarkApplicationSettingsApplication(url="https://wiki.example.com")
            ),
        ),
    )
    assert isinstance(bookmark, BookmarkApplication)
    assert bookmark.settings.app.url == "https://wiki.example.com"
    assert bookmark.settings.app.request_integration is False
    with admin(dtu_okta) as http:
        basic = http.post(
            "/api/v1/apps",
            json={
                "name": "template_basic_auth",
                "label": "Legacy",
                "signOnMode": "BASIC_AUTH",
                "settings": {
                    "app": {"url": "https://legacy.example.com/login", "authURL": "https://legacy.example.com/auth"}
                },
            },
        )
        assert basic.status_code == 200, basic.text
        assert basic.json()["credentials"]["scheme"] == "EDIT_USERNAME_AND_PASSWORD"
        saml = http.post(
            "/api/v1/apps",
            json={
                "label": "Example SAML",
                "signOnMode": "SAML_2_0",
                "settings": {"signOn": {"ssoAcsUrl": "https://sp.example.com/acs", "audience": "urn:sp"}},
            },
        )
        assert saml.status_code == 200, saml.text
        sign_on = saml.json()["settings"]["signOn"]
        assert sign_on["recipient"] == sign_on["destination"] == "https://sp.example.com/acs"
        assert sign_on["audience"] == "urn:sp" and sign_on["signatureAlgorithm"] == "RSA_SHA256"
        assert saml.json()["name"].endswith("_examplesaml_1")
        missing = http.post(
            "/api/v1/apps", json={"name": "bookmark", "label": "Broken", "signOnMode": "BOOKMARK", "settings": {}}
        )
        assert missing.status_code == 400 and missing.json()["errorCode"] == "E0000001"
    fetched, _, err = await okta.get_application(saml.json()["id"])
    assert err is None, err
    assert fetched.sign_on_mode == "SAML_2_0"


async def test_lifecycle_delete_only_when_inactive(okta: Client, dtu_okta: Any) -> None:
    app = await create(okta, oidc_app("Lifecycle"))
    *_, err = await okta.delete_application(app.id)
    assert err is not None and err.status == 403
    assert err.error_code == "E0000056" and err.error_summary == "Delete application forbidden."
    _, resp, err = await okta.deactivate_application(app.id)
    assert err is None, err
    fetched, _, _ = await okta.get_application(app.id)
    assert fetched.status == "INACTIVE"
    assert fetched.links.activate is not None and fetched.links.deactivate is None
    await okta.activate_application(app.id)
    fetched, _, _ = await okta.get_application(app.id)
    assert fetched.status == "ACTIVE"
    await okta.deactivate_application(app.id)
    _, resp, err = await okta.delete_application(app.id)
    assert err is None, err
    assert resp.status_code == 204
    _, _, err = await okta.get_application(app.id)
    assert err is not None and err.status == 404 and err.error_code == "E0000007"
    assert err.error_summary == f"Not found: Resource not found: {app.id} (AppInstance)"
    types = log_types(dtu_okta, app.id)
    assert {
        "application.lifecycle.deactivate",
        "application.lifecycle.activate",
        "application.lifecycle.delete",
    } <= set(types)


async def test_create_inactive_and_replace(okta: Client) -> None:
    app = await create(okta, oidc_app("Draft"), activate=False)
    assert app.status == "INACTIVE"
    secret = app.credentials.oauth_client.client_secret
    update = oidc_app("Draft v2", redirect_uris=[CALLBACK, "https://app.example.com/other"])
    replaced, _, err = await okta.replace_application(app.id, update)
    assert err is None, err
    assert replaced.label == "Draft v2"
    assert replaced.settings.oauth_client.redirect_uris == [CALLBACK, "https://app.example.com/other"]
    assert replaced.credentials.oauth_client.client_secret == secret  # the secret survives an update
    assert replaced.created == app.created


async def test_list_q_filter_and_paging(okta: Client, dtu_okta: Any) -> None:
    alpha = await create(okta, oidc_app("Alpha portal"))
    await create(okta, oidc_app("Alpine"))
    beta = await create(okta, oidc_app("Beta"), activate=False)
    apps, _, err = await okta.list_applications(q="alp")
    assert err is None, err
    assert [a.label for a in apps] == ["Alpha portal", "Alpine"]
    apps, _, _ = await okta.list_applications(filter='status eq "INACTIVE"')
    assert [a.id for a in apps] == [beta.id]
    apps, _, _ = await okta.list_applications(filter='name eq "oidc_client"')
    assert alpha.id in {a.id for a in apps}
    labels: list[str] = []
    after: str | None = None
    while True:
        page, resp, err = await okta.list_applications(limit=2, after=after)
        assert err is None, err
        labels.extend(a.label for a in page)
        after = PaginationHelper.extract_next_cursor(resp.headers)
        if after is None:
            break
    # The org's provisioned apps come first, in creation order.
    assert labels[-3:] == ["Alpha portal", "Alpine", "Beta"]
    assert len(labels) == len(set(labels)) == 5  # two provisioned apps + three created


async def test_direct_user_assignment(okta: Client, dtu_okta: Any) -> None:
    app = await create(okta, oidc_app("Direct"))
    user = await make_user(okta, "direct@example.com")
    assigned, _, err = await okta.assign_user_to_application(
        app.id,
        AppUserAssignRequest(id=user.id, scope="USER", credentials=AppUserCredentials(user_name="direct-name")),
    )
    assert err is None, err
    assert assigned.id == user.id and assigned.scope == "USER" and assigned.status == "ACTIVE"
    assert assigned.credentials.user_name == "direct-name"
    with admin(dtu_okta) as http:
        raw = http.get(f"/api/v1/apps/{app.id}/users/{user.id}").json()
    assert raw["_links"]["app"]["href"].endswith(f"/api/v1/apps/{app.id}")
    assert raw["_links"]["user"]["href"].endswith(f"/api/v1/users/{user.id}")
    assert raw["syncState"] == "DISABLED"
    updated, _, err = await okta.update_application_user(
        app.id, user.id, AppUserUpdateRequest(AppUserProfileRequestPayload(profile={"role": "Developer"}))
    )
    assert err is None, err
    assert updated.profile == {"role": "Developer"}
    fetched, _, _ = await okta.get_application_user(app.id, user.id)
    assert fetched.profile == {"role": "Developer"}
    _, resp, err = await okta.unassign_user_from_application(app.id, user.id)
    assert err is None, err
    assert resp.status_code == 204
    _, _, err = await okta.get_application_user(app.id, user.id)
    assert err is not None and err.status == 404
    assert {"application.user_membership.add", "application.user_membership.remove"} <= set(
        log_types(dtu_okta, user.id)
    )
    _, _, err = await okta.assign_user_to_application(app.id, AppUserAssignRequest(id="00unobody000000000000"))
    assert err is not None and err.error_code == "E0000007"


async def test_group_assignment_grants_the_app_to_members(okta: Client, dtu_okta: Any) -> None:
    app = await create(okta, oidc_app("Through groups"))
    group = await make_group(okta, "App users")
    alice, bob, carol = [await make_user(okta, f"{n}@example.com") for n in ("alice", "bob", "carol")]
    for user in (alice, bob):
        await okta.assign_user_to_group(group.id, user.id)
    grant, _, err = await okta.assign_group_to_application(app.id, group.id, ApplicationGroupAssignment(priority=0))
    assert err is None, err
    assert grant.id == group.id and grant.priority == 0
    assert await assigned_ids(okta, app.id) == {alice.id: "GROUP", bob.id: "GROUP"}
    with admin(dtu_okta) as http:
        raw = http.get(f"/api/v1/apps/{app.id}/users/{alice.id}").json()
    assert raw["scope"] == "GROUP"
    assert raw["_links"]["group"]["name"] == "App users"
    assert raw["_links"]["group"]["href"].endswith(f"/api/v1/groups/{group.id}")

    # Joining the group grants the app; leaving it revokes it.
    await okta.assign_user_to_group(group.id, carol.id)
    assert carol.id in await assigned_ids(okta, app.id)
    await okta.unassign_user_from_group(group.id, bob.id)
    assert bob.id not in await assigned_ids(okta, app.id)

    # A group-granted assignment cannot be removed directly.
    *_, err = await okta.unassign_user_from_application(app.id, alice.id)
    assert err is not None and err.status == 403 and err.error_code == "E0000046"
    assert err.error_summary == "Deactivate application for user forbidden."
    assert [c["errorSummary"] for c in err.error_causes] == [
        "The application cannot be unassigned from the user while their group memberships grant them access"
    ]

    # A direct assignment on top makes the scope USER and survives the group's removal.
    direct, _, err = await okta.assign_user_to_application(app.id, AppUserAssignRequest(id=alice.id, scope="USER"))
    assert err is None, err
    assert direct.scope == "USER"
    apps_of_group, _, err = await okta.list_assigned_applications_for_group(group.id)
    assert err is None, err
    assert [a.id for a in apps_of_group] == [app.id]
    assigned_apps, _, _ = await okta.list_applications(filter=f'group.id eq "{group.id}"')
    assert [a.id for a in assigned_apps] == [app.id]
    user_apps, _, _ = await okta.list_applications(filter=f'user.id eq "{carol.id}"')
    assert app.id in {a.id for a in user_apps}
    grants, _, err = await okta.list_application_group_assignments(app.id)
    assert err is None, err
    assert [g.id for g in grants] == [group.id]

    _, resp, err = await okta.unassign_application_from_group(app.id, group.id)
    assert err is None, err
    assert resp.status_code == 204
    assert await assigned_ids(okta, app.id) == {alice.id: "USER"}
    _, _, err = await okta.get_application_group_assignment(app.id, group.id)
    assert err is not None and err.status == 404
    types = set(log_types(dtu_okta, group.id))
    assert {"group.application_assignment.add", "group.application_assignment.remove"} <= types


async def test_next_priority_and_group_app_links(okta: Client, dtu_okta: Any) -> None:
    app = await create(okta, oidc_app("Priorities"))
    first, second = await make_group(okta, "First"), await make_group(okta, "Second")
    grant, _, _ = await okta.assign_group_to_application(app.id, first.id, ApplicationGroupAssignment())
    assert grant.priority == 0
    grant, _, _ = await okta.assign_group_to_application(app.id, second.id, ApplicationGroupAssignment())
    assert grant.priority == 1
    user = await make_user(okta, "linked@example.com")
    await okta.assign_user_to_group(second.id, user.id)
    with admin(dtu_okta) as http:
        links = http.get(f"/api/v1/users/{user.id}/appLinks")
        raw_app = http.get(f"/api/v1/apps/{app.id}").json()
    assert links.status_code == 200, links.text
    mine = [link for link in links.json() if link["appInstanceId"] == app.id]
    assert len(mine) == 1
    assert mine[0]["linkUrl"] == raw_app["_links"]["appLinks"][0]["href"]
    assigned, _, err = await okta.get_application_user(app.id, user.id)
    assert err is None, err
    assert assigned.scope == "GROUP"


async def test_deleting_an_app_or_group_removes_assignments(okta: Client, dtu_okta: Any) -> None:
    app = await create(okta, oidc_app("Short lived"))
    group = await make_group(okta, "Temporary")
    user = await make_user(okta, "temp@example.com")
    await okta.assign_user_to_group(group.id, user.id)
    await okta.assign_group_to_application(app.id, group.id, ApplicationGroupAssignment())
    assert user.id in await assigned_ids(okta, app.id)
    *_, err = await okta.delete_group(group.id)
    assert err is None, err
    assert await assigned_ids(okta, app.id) == {}

    await okta.assign_user_to_application(app.id, AppUserAssignRequest(id=user.id))
    await okta.deactivate_application(app.id)
    await okta.delete_application(app.id)
    _, _, err = await okta.list_application_users(app.id)
    assert err is not None and err.status == 404
    with admin(dtu_okta) as http:
        links = http.get(f"/api/v1/users/{user.id}/appLinks")
    assert links.status_code == 200, links.text
    assert app.id not in {link["appInstanceId"] for link in links.json()}


async def test_malformed_requests_get_okta_errors(okta: Client, dtu_okta: Any) -> None:
    app = await create(okta, oidc_app("Sturdy"))
    bad: list[tuple[str, str, Any]] = [
        ("POST", "/api/v1/apps", ["not", "an", "object"]),
        ("POST", "/api/v1/apps", {"label": 5, "signOnMode": "OPENID_CONNECT"}),
        ("POST", "/api/v1/apps", {"label": "x", "signOnMode": "NOPE"}),
        ("POST", "/api/v1/apps", {"label": "x", "signOnMode": "OPENID_CONNECT", "settings": "s"}),
        (
            "POST",
            "/api/v1/apps",
            {"label": "x", "signOnMode": "OPENID_CONNECT", "settings": {"oauthClient": {"grant_types": "x"}}},
        ),
        ("PUT", f"/api/v1/apps/{app.id}", {"settings": {"oauthClient": {"application_type": ["web"]}}}),
        ("PUT", f"/api/v1/apps/{app.id}", {"signOnMode": "BOOKMARK"}),
        ("POST", f"/api/v1/apps/{app.id}/users", {"id": 7}),
        ("PUT", f"/api/v1/apps/{app.id}/groups/00gnothere0000000000", {}),
        ("POST", "/api/v1/groups", {"profile": "name"}),
        ("GET", "/api/v1/apps?filter=status%20eq", None),
        ("GET", "/api/v1/apps?filter=label%20eq%20%22x%22", None),
        ("GET", "/api/v1/groups?search=(((", None),
        ("GET", "/api/v1/groups?limit=abc", None),
        ("GET", "/api/v1/groups?after=garbage", None),
    ]
    with admin(dtu_okta) as http:
        for method, path, body in bad:
            response = http.request(method, path, json=body)
            assert 400 <= response.status_code < 500, (method, path, response.status_code, response.text)
            assert response.json()["errorCode"].startswith("E0000"), response.text
