"""The Google twin's web UI: Drive (lists, trash, sharing), Docs and Sheets (read-only), sign-in.

Every page and action goes through the Google APIs' own handlers as the signed-in person
(gateway.py), so what the UI does is what `files.update`, `permissions.create`, ... do.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from services.core.ui.routing import root_redirect
from services.gdrive.ui import drive, editors, sharing, signin

# The UI's journaled actions (`ui.<action>`), for `/_dtu/operations`.
ACTIONS = (
    "ui.sign_in",
    "ui.sign_in.dev",
    "ui.sign_in.sso",
    "ui.sign_out",
    "ui.drive.trash",
    "ui.drive.restore",
    "ui.share.add",
    "ui.share.update",
    "ui.share.remove",
)


def routes() -> list[BaseRoute]:
    # drive.google.com/ opens My Drive.
    return [root_redirect("/drive/my-drive"), *signin.routes(), *drive.routes(), *sharing.routes(), *editors.routes()]
