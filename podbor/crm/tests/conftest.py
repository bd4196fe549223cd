"""Browser fixtures: Playwright's sync API driving Debian's chromium against pytest-django's live server."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


def _chromium_install() -> None:
    """Install Debian's chromium (never `playwright install`: it downloads a browser build, which fails here)."""
    if shutil.which("apt-get") is None:
        pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM} and there is no apt-get to install it: "
                    "install chromium, or leave these tests out with -m 'not browser'.", pytrace=False)
    if os.geteuid() != 0:
        pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM}; installing it needs root: "
                    "run `sudo apt-get install -y chromium`.", pytrace=False)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1200, check=False)  # noqa: S603
        except subprocess.TimeoutExpired:
            pytest.fail(f"`{' '.join(command)}` did not finish in 20 minutes.", pytrace=False)
        if done.returncode != 0:
            pytest.fail(f"`{' '.join(command)}` failed (exit {done.returncode}), so chromium cannot be installed:\n"
                        f"{done.stderr[-3000:]}", pytrace=False)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    if not CHROMIUM.exists():
        _chromium_install()
    if not CHROMIUM.exists():
        pytest.fail(f"apt-get installed chromium but {CHROMIUM} is still missing.", pytrace=False)
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def browser(chromium_executable):
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls there unless told it is safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1600, "height": 1000})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


@pytest.fixture
def log_in(page, live_server):
    """``log_in(user, password)`` through the login form; lands on the board."""

    def submit(user, password: str) -> None:
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert "/login/" not in page.url, "login failed: still on the login page"

    return submit
