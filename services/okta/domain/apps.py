"""Apps: OIDC, bookmark, basic-auth and custom SAML 2.0 app instances, their lifecycle and assignments.

The `App` row keeps what the OIDC server reads (status, client_id, client_secret) in
columns, and the rest of the app's wire document (settings, credentials, visibility,
accessibility, profile) in `document`, normalised with Okta's defaults at write time.

Assignment rules (Okta's): assigning a group grants the app to every member (scope
GROUP); a direct assignment (scope USER) survives group changes; an assignment that a
group grants cannot be removed directly (E0000046); an app is deleted only once
INACTIVE (E0000056), and its assignments go with it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from sqlmodel import col, func, select

from services.okta import expressions, syslog
from services.okta.call import OktaCall
from services.okta.domain import membership
from services.okta.errors import OktaError, not_found, validation
from services.okta.models import App, AppGroup, AppUser, Group, GroupMember, OAuthToken, Org, User
from services.okta.oktaids import new_id, new_secret

OIDC = "OPENID_CONNECT"
# signOnMode -> the app `name` Okta gives the custom app template (None: generated per instance).
TEMPLATES: dict[str, str | None] = {
    OIDC: "oidc_client",
    "BOOKMARK": "bookmark",
    "BASIC_AUTH": "template_basic_auth",
    "SAML_2_0": None,
}
APPLICATION_TYPES = ("web", "native", "browser", "service")
AUTH_METHODS = ("none", "client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt")
SECRET_METHODS = ("client_secret_basic", "client_secret_post", "client_secret_jwt")
DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
SAML2_BEARER = "urn:ietf:params:oauth:grant-type:saml2-bearer"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# Grant types each OIDC application type may use (Okta's app-type/grant matrix).
ALLOWED_GRANTS: dict[str, frozenset[str]] = {
    "web": frozenset(
        {
            "authorization_code",
            "implicit",
            "refresh_token",
            "client_credentials",
            "password",
            "interaction_code",
            DEVICE_CODE,
            TOKEN_EXCHANGE,
            SAML2_BEARER,
            JWT_BEARER,
        }
    ),
    "native": frozenset(
        {
            "authorization_code",
            "implicit",
            "refresh_token",
            "password",
            "interaction_code",
            DEVICE_CODE,
            TOKEN_EXCHANGE,
            SAML2_BEARER,
            JWT_BEARER,
        }
    ),
    "browser": frozenset({"authorization_code", "implicit", "refresh_token", "interaction_code"}),
    "service": frozenset({"client_credentials", TOKEN_EXCHANGE, SAML2_BEARER, JWT_BEARER}),
}
REDIRECT_GRANTS = frozenset({"authorization_code", "implicit"})
CLIENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9$\-_.+!*'(),]{6,100}$")
USER_NAME_TEMPLATE = {"template": "${source.login}", "type": "BUILT_IN"}


def find(call: OktaCall, app_id: str) -> App:
    app = call.session.get(App, (call.tenant.id, app_id))
    if app is None:
        raise not_found(app_id, "AppInstance")
    return app


# -- building the app document ------------------------------------------------------


def _object(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise validation(f"{name}: The field must be an object", field=name)
    return dict(value)


def _strings(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise validation(f"{name}: The field must be an array of strings", field=name)
    return list(value)


def _label(body: dict[str, Any]) -> str:
    label = body.get("label")
    if not isinstance(label, str) or not label.strip():
        raise validation("label: The field cannot be left blank", field="label")
    if len(label) > 100:
        raise validation("label: The field is too long", field="label")
    return label


def _common(body: dict[str, Any], link_name: str, *, hide: bool) -> dict[str, Any]:
    accessibility = {"selfService": False, "errorRedirectUrl": None, "loginRedirectUrl": None}
    accessibility.update(_object(body.get("accessibility"), "accessibility"))
    visibility: dict[str, Any] = {
        "autoLaunch": False,
        "autoSubmitToolbar": False,
        "hide": {"iOS": hide, "web": hide},
        "appLinks": {link_name: True},
    }
    visibility.update(_object(body.get("visibility"), "visibility"))
    document: dict[str, Any] = {"accessibility": accessibility, "visibility": visibility, "features": []}
    if body.get("profile") is not None:
        document["profile"] = _object(body.get("profile"), "profile")
    return document


def _settings_base(settings: dict[str, Any]) -> dict[str, Any]:
    base: dict[str, Any] = {
        "app": {},
        "notifications": {"vpn": {"network": {"connection": "DISABLED"}, "message": None, "helpUrl": None}},
        "manualProvisioning": False,
        "implicitAssignment": False,
        "notes": {"admin": None, "enduser": None},
    }
    for key, value in settings.items():
        base[key] = value
    return base


def _credentials_base(credentials: dict[str, Any]) -> dict[str, Any]:
    base: dict[str, Any] = {"userNameTemplate": dict(USER_NAME_TEMPLATE), "signing": {}}
    for key in ("userNameTemplate", "signing"):
        if isinstance(credentials.get(key), dict):
            base[key] = {**base[key], **credentials[key]}
    return base


class OidcClient:
    """The OAuth client half of an OIDC app: its validated settings and credentials."""

    def __init__(self, oauth: dict[str, Any], credentials: dict[str, Any]) -> None:
        self.application_type = oauth.get("application_type") or "web"
        if self.application_type not in APPLICATION_TYPES:
            raise validation(
                f"application_type: '{self.application_type}' is not a valid application type",
                field="application_type",
            )
        self.grant_types = _strings(oauth.get("grant_types"), "grant_types") or ["authorization_code"]
        allowed = ALLOWED_GRANTS[self.application_type]
        for grant in self.grant_types:
            if grant not in allowed:
                raise validation(
                    f"grant_types: '{grant}' is not a valid grant type for application_type '{self.application_type}'",
                    field="grant_types",
                )
        self.redirect_uris = _strings(oauth.get("redirect_uris"), "redirect_uris")
        if REDIRECT_GRANTS & set(self.grant_types) and not self.redirect_uris:
            raise validation(
                "redirect_uris: At least one redirect URI is required for the authorization_code "
                "and implicit grant types",
                field="redirect_uris",
            )
        default_method = "none" if self.application_type in ("browser", "native") else "client_secret_basic"
        self.auth_method = credentials.get("token_endpoint_auth_method") or default_method
        if self.auth_method not in AUTH_METHODS:
            raise validation(
                f"token_endpoint_auth_method: '{self.auth_method}' is not a valid value",
                field="token_endpoint_auth_method",
            )
        if self.auth_method == "none" and self.application_type in ("web", "service"):
            raise validation(
                f"token_endpoint_auth_method: 'none' is not allowed for application_type '{self.application_type}'",
                field="token_endpoint_auth_method",
            )
        if self.application_type == "browser" and self.auth_method != "none":
            raise validation(
                "token_endpoint_auth_method: Browser apps must use 'none'",
                field="token_endpoint_auth_method",
            )
        jwks = oauth.get("jwks")
        has_keys = isinstance(jwks, dict) and isinstance(jwks.get("keys"), list) and bool(jwks["keys"])
        if self.auth_method == "private_key_jwt" and not (has_keys or oauth.get("jwks_uri")):
            raise validation(
                "jwks: A JWK Set (jwks) or jwks_uri is required when token_endpoint_auth_method is private_key_jwt",
                field="jwks",
            )
        # Public clients must use PKCE; confidential ones may opt in.
        pkce = credentials.get("pkce_required")
        self.pkce_required = True if self.auth_method == "none" else bool(pkce)
        default_responses = ["token"] if self.application_type == "service" else ["code"]
        self.response_types = _strings(oauth.get("response_types"), "response_types") or default_responses
        self.settings: dict[str, Any] = {
            "consent_method": "TRUSTED",
            "issuer_mode": "ORG_URL",
            "idp_initiated_login": {"mode": "DISABLED", "default_scope": []},
            "wildcard_redirect": "DISABLED",
            "dpop_bound_access_tokens": False,
            **oauth,
            "application_type": self.application_type,
            "grant_types": self.grant_types,
            "redirect_uris": self.redirect_uris,
            "response_types": self.response_types,
        }
        if "post_logout_redirect_uris" in oauth:
            self.settings["post_logout_redirect_uris"] = _strings(
                oauth["post_logout_redirect_uris"], "post_logout_redirect_uris"
            )

    @property
    def uses_secret(self) -> bool:
        return self.auth_method in SECRET_METHODS


def _build(body: dict[str, Any], mode: str, name: str) -> tuple[dict[str, Any], OidcClient | None]:
    settings_in = _object(body.get("settings"), "settings")
    credentials_in = _object(body.get("credentials"), "credentials")
    if mode == OIDC:
        oauth_in = _object(settings_in.get("oauthClient"), "oauthClient")
        oauth_credentials = _object(credentials_in.get("oauthClient"), "oauthClient")
        client = OidcClient(oauth_in, oauth_credentials)
        document = _common(body, "oidc_client_link", hide=not oauth_in.get("initiate_login_uri"))
        document["settings"] = _settings_base({**settings_in, "oauthClient": client.settings})
        credentials = _credentials_base(credentials_in)
        credentials["oauthClient"] = {
            "autoKeyRotation": oauth_credentials.get("autoKeyRotation", True),
            "token_endpoint_auth_method": client.auth_method,
            "pkce_required": client.pkce_required,
        }
        document["credentials"] = credentials
        return document, client
    app_settings = _object(settings_in.get("app"), "app")
    if mode == "BOOKMARK":
        _require_url(app_settings, "url")
        document = _common(body, "login", hide=False)
        document["settings"] = _settings_base({**settings_in, "app": {"requestIntegration": False, **app_settings}})
        document["credentials"] = _credentials_base(credentials_in)
        return document, None
    if mode == "BASIC_AUTH":
        _require_url(app_settings, "url")
        _require_url(app_settings, "authURL")
        document = _common(body, "login", hide=False)
        document["settings"] = _settings_base({**settings_in, "app": {"loginUrlRegex": None, **app_settings}})
        credentials = _credentials_base(credentials_in)
        credentials.update({"scheme": "EDIT_USERNAME_AND_PASSWORD", "revealPassword": False})
        document["credentials"] = credentials
        return document, None
    sign_on = _object(settings_in.get("signOn"), "signOn")
    _require_url(sign_on, "ssoAcsUrl")
    if not isinstance(sign_on.get("audience"), str) or not sign_on["audience"]:
        raise validation("audience: The field cannot be left blank", field="audience")
    acs = sign_on["ssoAcsUrl"]
    document = _common(body, f"{name}_link", hide=False)
    document["settings"] = _settings_base({**settings_in, "app": app_settings, "signOn": _saml_defaults(acs, sign_on)})
    document["credentials"] = _credentials_base(credentials_in)
    return document, None


def saml_document(body: dict[str, Any], name: str) -> dict[str, Any]:
    """A SAML 2.0 app's normalised document, built without a request (seeding OIN apps)."""
    document, _client = _build(body, "SAML_2_0", name)
    return document


def _saml_defaults(acs: str, sign_on: dict[str, Any]) -> dict[str, Any]:
    return {
        "defaultRelayState": None,
        "ssoAcsUrl": acs,
        "idpIssuer": "http://www.okta.com/${org.externalKey}",
        "audience": sign_on["audience"],
        "recipient": acs,
        "destination": acs,
        "subjectNameIdTemplate": "${user.userName}",
        "subjectNameIdFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
        "responseSigned": True,
        "assertionSigned": True,
        "signatureAlgorithm": "RSA_SHA256",
        "digestAlgorithm": "SHA256",
        "honorForceAuthn": True,
        "authnContextClassRef": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
        "spIssuer": None,
        "requestCompressed": False,
        "allowMultipleAcsEndpoints": False,
        "acsEndpoints": [],
        "samlSignedRequestEnabled": False,
        "attributeStatements": [],
        "inlineHooks": [],
        **sign_on,
    }


def _require_url(settings: dict[str, Any], key: str) -> None:
    value = settings.get(key)
    if not isinstance(value, str) or not value.strip():
        raise validation(f"{key}: The field cannot be left blank", field=key)


def _mode_and_name(call: OktaCall, body: dict[str, Any], label: str) -> tuple[str, str]:
    mode = body.get("signOnMode")
    if not isinstance(mode, str) or not mode:
        raise validation("signOnMode: The field cannot be left blank", field="signOnMode")
    if mode not in TEMPLATES:
        raise validation(f"signOnMode: '{mode}' is not supported by this app template", field="signOnMode")
    template = TEMPLATES[mode]
    name = body.get("name")
    if template is not None:
        if name not in (None, template):
            raise validation(f"name: The app name must be '{template}' for signOnMode {mode}", field="name")
        return mode, template
    if isinstance(name, str) and name:
        return mode, name
    return mode, _custom_name(call, label)


def _custom_name(call: OktaCall, label: str) -> str:
    """Custom SAML apps are named `{subdomain}_{label, alphanumerics only}_{n}`, as Okta names them."""
    org = call.one(select(Org).where(Org.tenant_id == call.tenant.id))
    subdomain = re.sub(r"[^a-z0-9]", "", (org.subdomain if org else "dtu").lower())
    stem = f"{subdomain}_{re.sub(r'[^a-z0-9]', '', label.lower())}"
    taken = {row for row in call.session.exec(select(App.name).where(App.tenant_id == call.tenant.id))}
    index = 1
    while f"{stem}_{index}" in taken:
        index += 1
    return f"{stem}_{index}"


def _check_label(call: OktaCall, label: str, mode: str, except_id: str | None) -> None:
    """Okta refuses a second ACTIVE OIDC client with the same label."""
    if mode != OIDC:
        return
    clash = call.one(
        select(App).where(
            App.tenant_id == call.tenant.id,
            App.sign_on_mode == OIDC,
            App.status == "ACTIVE",
            func.lower(App.label) == label.lower(),
        )
    )
    if clash is not None and clash.id != except_id:
        raise validation(
            f'label: An active OpenID Connect Client instance with the label "{label}" already exists.',
            field="label",
        )


def _client_id(call: OktaCall, requested: Any, app_id: str) -> str:
    if requested in (None, ""):
        return app_id
    if not isinstance(requested, str) or not CLIENT_ID_PATTERN.match(requested) or requested == "ALL_CLIENTS":
        raise validation("client_id: The client_id is not valid", field="client_id")
    clash = call.one(select(App).where(App.tenant_id == call.tenant.id, App.client_id == requested))
    if clash is not None:
        raise validation(
            "client_id: An object with this field already exists in the current organization", field="client_id"
        )
    return requested


def _client_secret(call: OktaCall, requested: Any, current: str | None) -> str:
    if requested not in (None, ""):
        if not isinstance(requested, str) or not 14 <= len(requested) <= 100:
            raise validation("client_secret: The client_secret must be 14 to 100 characters", field="client_secret")
        return requested
    return current or new_secret(call.tenant, 64)


# -- lifecycle ----------------------------------------------------------------------


def create(call: OktaCall, body: dict[str, Any], *, activate: bool) -> App:
    label = _label(body)
    mode, name = _mode_and_name(call, body, label)
    document, client = _build(body, mode, name)
    if activate:
        _check_label(call, label, mode, None)
    app_id = new_id(call.tenant, "0oa")
    now = call.now()
    app = App(
        tenant_id=call.tenant.id,
        id=app_id,
        name=name,
        label=label,
        status="ACTIVE" if activate else "INACTIVE",
        sign_on_mode=mode,
        document=document,
        created=now,
        last_updated=now,
        seq=call.next_seq("app"),
    )
    if client is not None:
        oauth_in = _object(_object(body.get("credentials"), "credentials").get("oauthClient"), "oauthClient")
        app.client_id = _client_id(call, oauth_in.get("client_id"), app_id)
        app.client_secret = _client_secret(call, oauth_in.get("client_secret"), None) if client.uses_secret else None
    call.session.add(app)
    syslog.record(call, "application.lifecycle.create", targets=[syslog.app_target(app)])
    if activate:
        syslog.record(call, "application.lifecycle.activate", targets=[syslog.app_target(app)])
    return app


def replace(call: OktaCall, app: App, body: dict[str, Any]) -> App:
    """PUT: the given top-level parts replace the app's; parts left out are kept."""
    current = copy.deepcopy(app.document or {})
    merged: dict[str, Any] = {key: current[key] for key in ("accessibility", "visibility", "profile") if key in current}
    for key in ("accessibility", "visibility", "profile"):
        if key in body:
            merged[key] = body[key]
    settings = current.get("settings") or {}
    settings.update(_object(body.get("settings"), "settings"))
    credentials = current.get("credentials") or {}
    credentials.update(_object(body.get("credentials"), "credentials"))
    label = _label({"label": body.get("label", app.label)})
    mode = body.get("signOnMode") or app.sign_on_mode
    if mode != app.sign_on_mode or body.get("name") not in (None, app.name):
        raise validation("signOnMode: The sign-on mode and name of an app cannot be changed", field="signOnMode")
    merged.update({"label": label, "settings": settings, "credentials": credentials})
    document, client = _build(merged, mode, app.name)
    if app.status == "ACTIVE":
        _check_label(call, label, mode, app.id)
    if client is not None:
        requested = _object(credentials.get("oauthClient"), "oauthClient").get("client_secret")
        if requested == app.client_secret:
            requested = None
        app.client_secret = _client_secret(call, requested, app.client_secret) if client.uses_secret else None
    app.label = label
    app.document = document
    app.last_updated = call.now()
    call.session.add(app)
    syslog.record(call, "application.lifecycle.update", targets=[syslog.app_target(app)])
    return app


def activate(call: OktaCall, app: App) -> None:
    if app.status == "ACTIVE":
        return
    _check_label(call, app.label, app.sign_on_mode, app.id)
    _set_status(call, app, "ACTIVE", "application.lifecycle.activate")


def deactivate(call: OktaCall, app: App) -> None:
    """An inactive app issues no new tokens (the OAuth server checks the status)."""
    if app.status == "INACTIVE":
        return
    _set_status(call, app, "INACTIVE", "application.lifecycle.deactivate")


def _set_status(call: OktaCall, app: App, status: str, event: str) -> None:
    app.status = status
    app.last_updated = call.now()
    call.session.add(app)
    syslog.record(call, event, targets=[syslog.app_target(app)])


def delete(call: OktaCall, app: App) -> None:
    if app.status != "INACTIVE":
        raise OktaError("E0000056")
    tid = call.tenant.id
    for assignment in call.session.exec(select(AppUser).where(AppUser.tenant_id == tid, AppUser.app_id == app.id)):
        call.session.delete(assignment)
    for grant in call.session.exec(select(AppGroup).where(AppGroup.tenant_id == tid, AppGroup.app_id == app.id)):
        call.session.delete(grant)
    if app.client_id:
        # The client is gone: nothing it was issued stays valid.
        tokens = select(OAuthToken).where(OAuthToken.tenant_id == tid, OAuthToken.client_id == app.client_id)
        for token in call.session.exec(tokens):
            token.revoked = True
            call.session.add(token)
    syslog.record(call, "application.lifecycle.delete", targets=[syslog.app_target(app)])
    call.session.delete(app)


# -- listing ------------------------------------------------------------------------

APP_FILTER_PATHS = frozenset({"id", "status", "name", "user.id", "group.id", "credentials.signing.kid"})


def _app_resolver(call: OktaCall, app: App) -> Callable[[str], Any]:
    tid = call.tenant.id

    def resolve(path: str) -> Any:
        lowered = path.lower()
        if lowered == "id":
            return app.id
        if lowered == "status":
            return app.status
        if lowered == "name":
            return app.name
        if lowered == "user.id":
            return list(
                call.session.exec(select(AppUser.user_id).where(AppUser.tenant_id == tid, AppUser.app_id == app.id))
            )
        if lowered == "group.id":
            return list(
                call.session.exec(select(AppGroup.group_id).where(AppGroup.tenant_id == tid, AppGroup.app_id == app.id))
            )
        if lowered == "credentials.signing.kid":
            return ((app.document or {}).get("credentials") or {}).get("signing", {}).get("kid")
        return None

    return resolve


def app_matcher(call: OktaCall) -> Callable[[App], bool]:
    tests: list[Callable[[App], bool]] = []
    q = (call.query.get("q") or "").lower()
    if q:
        tests.append(lambda app: app.label.lower().startswith(q) or app.name.lower().startswith(q))
    raw_filter = call.query.get("filter")
    if raw_filter:
        try:
            expression = expressions.parse(raw_filter)
        except expressions.InvalidExpression:
            raise OktaError("E0000031") from None
        if any(path.lower() not in APP_FILTER_PATHS for path in expressions.paths(expression)):
            raise OktaError("E0000031")
        tests.append(lambda app: expressions.evaluate(expression, _app_resolver(call, app)))
    return lambda app: all(test(app) for test in tests)


def page(call: OktaCall, after: int, limit: int) -> list[App]:
    matches = app_matcher(call)
    found: list[App] = []
    statement = select(App).where(App.tenant_id == call.tenant.id, col(App.seq) > after).order_by(col(App.seq))
    for app in call.session.exec(statement):
        if matches(app):
            found.append(app)
            if len(found) >= limit:
                break
    return found


def assigned_to_group(call: OktaCall, group_id: str, after: int, limit: int) -> list[tuple[int, App]]:
    tid = call.tenant.id
    statement = (
        select(AppGroup.seq, App)
        .join(App, (col(App.tenant_id) == col(AppGroup.tenant_id)) & (col(App.id) == col(AppGroup.app_id)))
        .where(AppGroup.tenant_id == tid, AppGroup.group_id == group_id, col(AppGroup.seq) > after)
        .order_by(col(AppGroup.seq))
        .limit(limit)
    )
    return [(seq, app) for seq, app in call.session.exec(statement)]


# -- user assignments ---------------------------------------------------------------


def find_assignment(call: OktaCall, app: App, user_id: str) -> AppUser:
    assignment = call.session.get(AppUser, (call.tenant.id, app.id, user_id))
    if assignment is None:
        raise not_found(user_id, "AppUser")
    return assignment


def _apply_user_fields(assignment: AppUser, body: dict[str, Any]) -> None:
    credentials = _object(body.get("credentials"), "credentials")
    if credentials:
        kept = dict(assignment.credentials or {})
        user_name = credentials.get("userName")
        if user_name is not None:
            if not isinstance(user_name, str) or not 1 <= len(user_name) <= 100:
                raise validation("userName: The field must be 1 to 100 characters", field="userName")
            kept["userName"] = user_name
        if isinstance(credentials.get("password"), dict):
            kept["password"] = {}  # write-only: an empty object says a password is set
        assignment.credentials = kept
    if "profile" in body:
        assignment.profile = {**(assignment.profile or {}), **_object(body.get("profile"), "profile")}


def assign_user(call: OktaCall, app: App, user: User, body: dict[str, Any]) -> AppUser:
    """A direct (USER-scoped) assignment; a group-granted one becomes direct, as in Okta."""
    assignment = membership.grant_app(call, app.id, user, direct=True)
    _apply_user_fields(assignment, body)
    assignment.last_updated = call.now()
    call.session.add(assignment)
    return assignment


def update_user(call: OktaCall, app: App, assignment: AppUser, body: dict[str, Any], user: User) -> AppUser:
    _apply_user_fields(assignment, body)
    assignment.last_updated = call.now()
    call.session.add(assignment)
    syslog.record(
        call, "application.user_membership.update", targets=[syslog.user_target(user), syslog.app_target(app)]
    )
    return assignment


def unassign_user(call: OktaCall, app: App, assignment: AppUser) -> None:
    if membership.granting_groups(call, app.id, assignment.user_id):
        raise OktaError(
            "E0000046",
            causes=[
                "The application cannot be unassigned from the user while their group memberships grant them access"
            ],
        )
    membership.reconcile(call, app.id, assignment.user_id, drop_direct=True)


def assignment_group(call: OktaCall, app_id: str, user_id: str) -> Group | None:
    """The highest-priority group that grants the app to the user (a GROUP-scoped assignment's source)."""
    tid = call.tenant.id
    statement = (
        select(Group)
        .join(AppGroup, (col(AppGroup.tenant_id) == col(Group.tenant_id)) & (col(AppGroup.group_id) == col(Group.id)))
        .join(
            GroupMember,
            (col(GroupMember.tenant_id) == col(Group.tenant_id)) & (col(GroupMember.group_id) == col(Group.id)),
        )
        .where(Group.tenant_id == tid, AppGroup.app_id == app_id, GroupMember.user_id == user_id)
        .order_by(col(AppGroup.priority))
    )
    return call.one(statement)


def users_page(call: OktaCall, app: App, after: int, limit: int) -> list[tuple[AppUser, User]]:
    """Assignments in order, filtered by `q` (userName, firstName, lastName or email starts with)."""
    tid = call.tenant.id
    q = (call.query.get("q") or "").lower()
    statement = (
        select(AppUser, User)
        .join(User, (col(User.tenant_id) == col(AppUser.tenant_id)) & (col(User.id) == col(AppUser.user_id)))
        .where(AppUser.tenant_id == tid, AppUser.app_id == app.id, col(AppUser.seq) > after)
        .order_by(col(AppUser.seq))
    )
    found: list[tuple[AppUser, User]] = []
    for assignment, user in call.session.exec(statement):
        if q and not _user_matches(assignment, user, q):
            continue
        found.append((assignment, user))
        if len(found) >= limit:
            break
    return found


def _user_matches(assignment: AppUser, user: User, q: str) -> bool:
    profile = user.profile or {}
    values = [(assignment.credentials or {}).get("userName"), profile.get("firstName"), profile.get("lastName")]
    values.append(profile.get("email"))
    return any(isinstance(value, str) and value.lower().startswith(q) for value in values)


# -- group assignments --------------------------------------------------------------


def find_group_assignment(call: OktaCall, app: App, group_id: str) -> AppGroup:
    grant = call.session.get(AppGroup, (call.tenant.id, app.id, group_id))
    if grant is None:
        raise not_found(group_id, "AppGroup")
    return grant


def assign_group(call: OktaCall, app: App, group: Group, body: dict[str, Any]) -> AppGroup:
    tid = call.tenant.id
    priority = body.get("priority")
    if priority is not None and (not isinstance(priority, int) or isinstance(priority, bool) or priority < 0):
        raise validation("priority: The field must be a non-negative integer", field="priority")
    grant = call.session.get(AppGroup, (tid, app.id, group.id))
    now = call.now()
    if grant is not None:
        if priority is not None:
            grant.priority = priority
        if "profile" in body:
            grant.profile = _object(body.get("profile"), "profile")
        grant.last_updated = now
        call.session.add(grant)
        return grant
    if priority is None:
        # "If a priority value isn't specified, then the next highest priority is assigned."
        highest = call.one(
            select(func.max(AppGroup.priority)).where(AppGroup.tenant_id == tid, AppGroup.app_id == app.id)
        )
        priority = 0 if highest is None else int(highest) + 1
    grant = AppGroup(
        tenant_id=tid,
        app_id=app.id,
        group_id=group.id,
        priority=priority,
        profile=_object(body.get("profile"), "profile"),
        last_updated=now,
        seq=call.next_seq("app_group"),
    )
    call.session.add(grant)
    call.session.flush()
    members = select(User).join(
        GroupMember, (col(GroupMember.tenant_id) == col(User.tenant_id)) & (col(GroupMember.user_id) == col(User.id))
    )
    for user in call.session.exec(members.where(GroupMember.tenant_id == tid, GroupMember.group_id == group.id)):
        membership.grant_app(call, app.id, user, direct=False)
    syslog.record(
        call, "group.application_assignment.add", targets=[syslog.app_target(app), syslog.group_target(group)]
    )
    return grant


def unassign_group(call: OktaCall, app: App, grant: AppGroup) -> None:
    tid = call.tenant.id
    call.session.delete(grant)
    call.session.flush()
    member_ids = select(GroupMember.user_id).where(GroupMember.tenant_id == tid, GroupMember.group_id == grant.group_id)
    for user_id in list(call.session.exec(member_ids)):
        membership.reconcile(call, app.id, user_id)
    group = call.session.get(Group, (tid, grant.group_id))
    if group is not None:
        syslog.record(
            call, "group.application_assignment.remove", targets=[syslog.app_target(app), syslog.group_target(group)]
        )


def group_assignments_page(call: OktaCall, app: App, after: int, limit: int) -> list[tuple[AppGroup, Group]]:
    tid = call.tenant.id
    q = (call.query.get("q") or "").lower()
    statement = (
        select(AppGroup, Group)
        .join(Group, (col(Group.tenant_id) == col(AppGroup.tenant_id)) & (col(Group.id) == col(AppGroup.group_id)))
        .where(AppGroup.tenant_id == tid, AppGroup.app_id == app.id, col(AppGroup.seq) > after)
        .order_by(col(AppGroup.seq))
    )
    found: list[tuple[AppGroup, Group]] = []
    for grant, group in call.session.exec(statement):
        if q and not group.name_lower.startswith(q):
            continue
        found.append((grant, group))
        if len(found) >= limit:
            break
    return found
