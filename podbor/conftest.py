"""Shared personas and a small pipeline, used by every app's tests, and the browser for the browser tests."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from podbor.accounts.models import Team, User
from podbor.accounts.services import api_token_issue, user_create
from podbor.crm.models import CustomField, LostReason, Pipeline, Stage

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True, scope="session")
def _jobs_run_inline():
    """Background jobs run inline, in memory, unless a test starts a real worker (it switches this off)."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield
    HUEY.immediate = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness costs ~0.3 s a user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team_a(db) -> Team:
    return Team.objects.create(name="Команда А")


@pytest.fixture
def team_b(db) -> Team:
    return Team.objects.create(name="Команда Б")


@pytest.fixture
def admin_user(db) -> User:
    return user_create(username="admin", password=PASSWORD, role=User.Role.ADMIN, first_name="Анна",
                       last_name="Админова")


@pytest.fixture
def lead_a(team_a) -> User:
    return user_create(username="lead_a", password=PASSWORD, role=User.Role.TEAM_LEAD, team=team_a,
                       first_name="Лидия", last_name="Лидова")


@pytest.fixture
def manager_a(team_a) -> User:
    return user_create(username="manager_a", password=PASSWORD, team=team_a, first_name="Мария",
                       last_name="Петрова")


@pytest.fixture
def manager_a2(team_a) -> User:
    return user_create(username="manager_a2", password=PASSWORD, team=team_a, first_name="Олег",
                       last_name="Сидоров")


@pytest.fixture
def manager_b(team_b) -> User:
    return user_create(username="manager_b", password=PASSWORD, team=team_b, first_name="Борис",
                       last_name="Борисов")


@pytest.fixture
def pipeline(db) -> Pipeline:
    """New response → Qualification → Interview booked (needs interview date) → Working; lost: No answer."""
    p = Pipeline.objects.create(name="Кандидаты")
    CustomField.objects.create(entity=CustomField.Entity.DEAL, code="interview_date", name="Дата собеседования",
                               kind=CustomField.Kind.DATE)
    Stage.objects.create(pipeline=p, name="Новый отклик", order=1)
    Stage.objects.create(pipeline=p, name="Квалификация", order=2)
    Stage.objects.create(pipeline=p, name="Собеседование назначено", order=3, required_fields=["interview_date"])
    Stage.objects.create(pipeline=p, name="Работает", order=4, kind=Stage.Kind.WON)
    Stage.objects.create(pipeline=p, name="Отказ", order=5, kind=Stage.Kind.LOST)
    LostReason.objects.create(pipeline=p, name="Не дозвонились", order=1)
    LostReason.objects.create(pipeline=p, name="Не подходит", order=2)
    return p


def stage_named(pipeline: Pipeline, name: str) -> Stage:
    return pipeline.stages.get(name=name)


@pytest.fixture
def token_for():
    """``token_for(user)`` -> headers for the API client."""

    def make(user: User) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Token {api_token_issue(user=user)}"}

    return make


# --- browser tests: Playwright's sync API driving Debian's chromium against pytest-django's live server. One
# definition for the whole run: two session-wide Playwright instances cannot live in one process.

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
