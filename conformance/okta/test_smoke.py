from __future__ import annotations

from typing import Any

from okta.client import Client


async def test_get_me_through_sdk(okta: Client, dtu_okta: Any) -> None:
    user, resp, err = await okta.get_user("me")
    assert err is None, err
    assert user.profile.login == dtu_okta.admin_login
    assert user.status == "ACTIVE"
    assert resp.status_code == 200
