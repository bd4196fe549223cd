"""Shared personas and a small pipeline, used by every app's tests."""

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
