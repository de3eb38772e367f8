"""Application Connections API: an app's default provisioning connection."""

from __future__ import annotations

from typing import Any

from services.okta.call import OktaCall, Reply
from services.okta.domain import apps
from services.okta.endpoint import route
from services.okta.provisioning import connections

PATH = "/api/v1/apps/{appId}/connections/default"


@route("GET", PATH, "getDefaultProvisioningConnectionForApplication", "okta.apps.read")
def get_connection(call: OktaCall) -> dict[str, Any]:
    app = apps.find(call, call.path["appId"])
    connection = connections.find(call, app)
    body = connections.render(connection, call.base, app.id)
    if connection is None and connections.target_of(app) is None:
        body["status"] = "UNKNOWN"  # "Provisioning isn't supported by the app"
    return body


@route("POST", PATH, "updateDefaultProvisioningConnectionForApplication", "okta.apps.manage")
def update_connection(call: OktaCall) -> dict[str, Any]:
    app = apps.find(call, call.path["appId"])
    connection = connections.update(call, app, call.body_object(), activate=call.flag("activate"))
    return connections.render(connection, call.base, app.id)


@route("POST", PATH + "/lifecycle/activate", "activateDefaultProvisioningConnectionForApplication", "okta.apps.manage")
def activate_connection(call: OktaCall) -> Reply:
    connections.set_status(call, apps.find(call, call.path["appId"]), "ENABLED")
    return Reply(None, 204)


@route(
    "POST", PATH + "/lifecycle/deactivate", "deactivateDefaultProvisioningConnectionForApplication", "okta.apps.manage"
)
def deactivate_connection(call: OktaCall) -> Reply:
    connections.set_status(call, apps.find(call, call.path["appId"]), "DISABLED")
    return Reply(None, 204)
