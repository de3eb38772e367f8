"""The hosted sign-in page and Okta's error page, as plain HTML forms.

The sign-in form posts `username` and `password` back to the authorize URL it was
served from (the OAuth parameters stay in the query string), so any HTTP client can
complete a browser flow without JavaScript.
"""

from __future__ import annotations

from html import escape

from starlette.responses import HTMLResponse

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{org} - Sign In</title></head>
<body>
<main id="okta-sign-in" class="auth-container main-container">
<h1>Sign In</h1>
{error}<form id="form19" method="POST" action="{action}" class="primary-auth-form" autocomplete="off">
<label for="okta-signin-username">Username</label>
<input type="text" id="okta-signin-username" name="username" value="{username}" autocomplete="username">
<label for="okta-signin-password">Password</label>
<input type="password" id="okta-signin-password" name="password" autocomplete="current-password">
<input type="submit" id="okta-signin-submit" value="Sign In">
</form>
</main>
</body>
</html>
"""

ERROR_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{org} - Error</title></head>
<body>
<main class="error-page">
<h1>400</h1>
<h2 id="error-code">{code}</h2>
<p id="error-summary">{summary}</p>
</main>
</body>
</html>
"""


def sign_in_page(org: str, action: str, *, error: str | None = None, username: str = "") -> HTMLResponse:
    banner = f'<div class="o-form-error-container" role="alert"><p>{escape(error)}</p></div>\n' if error else ""
    body = PAGE.format(org=escape(org), action=escape(action), error=banner, username=escape(username))
    headers = {"Cache-Control": "no-cache, no-store", "Pragma": "no-cache", "X-Frame-Options": "SAMEORIGIN"}
    return HTMLResponse(body, status_code=200, headers=headers)


def error_page(org: str, code: str, summary: str) -> HTMLResponse:
    """Okta's hosted error page: shown when there is no valid redirect_uri to send the error to."""
    return HTMLResponse(ERROR_PAGE.format(org=escape(org), code=escape(code), summary=escape(summary)), 400)
