"""Playing the browser at the universe's Okta org: from a twin's redirect to Okta, sign in there."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import httpx

FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


def through_okta(
    browser: httpx.Client, sent: httpx.Response, issuer: str, login: str, password: str, callback: str | None = None
) -> httpx.Response:
    """`sent`: a twin's redirect to Okta (`issuer`). Okta's answer to the credentials, or the twin's callback's.

    `callback`, when given: where Okta must send the browser back to.
    """
    assert sent.status_code == 302 and sent.headers["location"].startswith(issuer)
    page = browser.get(sent.headers["location"])
    action = FORM_ACTION.search(page.text)
    assert action is not None, page.text
    target = urljoin(str(page.url), action.group(1).replace("&amp;", "&"))
    answer = browser.post(target, data={"username": login, "password": password})
    if answer.status_code != 302:
        return answer
    if callback is not None:
        assert answer.headers["location"].startswith(callback)
    return browser.get(answer.headers["location"])  # the twin's callback
