"""Browser tests: Playwright driving Debian's headless Chromium against the twins' web UIs.

Chromium comes from Debian's packages (`make test` runs scripts/ensure-chromium.sh);
Playwright's own browser downloads are never used. Each test gets a fresh browser
context (no cookies); `screenshot(page, name)` saves `build/screenshots/<name>.png`
(or under DTU_SCREENSHOT_DIR), the artifacts the README shows.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("DTU_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialing Google's hosts, which this
# offline machine refuses; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOT_DIR = Path(os.environ.get("DTU_SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "build/screenshots"))
# Playwright's default is 30 s; a loaded 2-core CI machine needs some slack, but a broken page should fail soon.
TIMEOUT_MS = 15_000


# One browser per module, not per session: Playwright's sync API keeps an asyncio loop running
# in the main thread while it is open, and pytest-asyncio's tests (in other packages) cannot run
# their own loop beside it.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (scripts/ensure-chromium.sh) or set DTU_CHROMIUM")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # ignore_https_errors: the dtu_<twin>_tls fixtures serve a certificate from a throwaway local CA.
    context = browser.new_context(viewport={"width": 1366, "height": 820}, ignore_https_errors=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    # The UIs confirm destructive actions with window.confirm(): a test means to go ahead.
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    def take(page: Page, name: str) -> Path:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=False)
        return path

    return take
