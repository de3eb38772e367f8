"""Signing in to a twin's UI from a browser test."""

from __future__ import annotations

from playwright.sync_api import Page


def dev_sign_in(page: Page, base_url: str, path: str, tenant: str, email: str) -> None:
    """Open `path` on a twin for `tenant` and take the one-click development sign-in as `email`.

    Test servers (services/pytest_plugin.py) run with dev sign-in on; the page redirects to
    the sign-in page, and the click comes back to `path` signed in.
    """
    separator = "&" if "?" in path else "?"
    page.goto(f"{base_url}{path}{separator}tenant={tenant}")
    page.locator(f'[data-testid="dev-sign-in"][data-email="{email}"]').click()
    page.wait_for_load_state()


def okta_sign_in(page: Page, email: str, password: str) -> None:
    """On the Okta twin's hosted sign-in page: enter `email` and `password` and sign in."""
    page.locator("#okta-signin-username").fill(email)
    page.locator("#okta-signin-password").fill(password)
    page.locator("#okta-signin-submit").click()


def sign_in_with_okta(page: Page, url: str, email: str, password: str) -> None:
    """Open `url` (a page that asks to sign in), take "Sign in with Okta" and sign in there."""
    page.goto(url)
    page.locator("#sso-sign-in").click()
    okta_sign_in(page, email, password)
