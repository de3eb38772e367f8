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
