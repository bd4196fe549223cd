"""`manage.py seed_demo` builds the demo a new user sees after `make run`."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from podbor.accounts.models import Team, User
from podbor.crm.models import Contact, ContactPhone, Deal, Pipeline, Stage, StageChange, Task
from podbor.crm.selectors import deals_visible_to

SIZE = 120  # the default is 500; a smaller demo keeps the suite quick and walks the same code


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Seed once for the module inside a transaction that is rolled back at the end."""
    out = StringIO()
    with django_db_blocker.unblock(), override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ), transaction.atomic():
        call_command("seed_demo", "--if-empty", f"--size={SIZE}", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_it_builds_the_pipelines_of_the_cases_podbor_serves(demo):
    assert set(Pipeline.objects.values_list("name", flat=True)) == {
        "Массовый подбор", "Входящие запросы", "Тендеры", "Проекты: подбор и развитие", "Сопровождение клиентов",
        "Кандидаты (агентство)",
    }
    mass = Pipeline.objects.get(name="Массовый подбор")
    assert [(s.name, s.kind) for s in mass.stages.order_by("order")] == [
        ("Новый отклик", "open"), ("Квалификация", "open"), ("Собеседование назначено", "open"),
        ("Обучение", "open"), ("Первая смена", "open"), ("Работает", "won"), ("Отказ", "lost"),
    ]
    assert mass.stages.get(name="Собеседование назначено").required_fields == ["interview_date"]
    assert list(mass.lost_reasons.values_list("name", flat=True)) == [
        "Не дозвонились", "Отказался", "Не подходит", "Нашёл другую работу",
    ]
    agency = Pipeline.objects.get(name="Кандидаты (агентство)")
    assert list(agency.stages.filter(kind="open").values_list("name", flat=True)) == [
        "Проверка актуальности резюме", "Тест отправлен", "Собеседование назначено", "Собеседование проведено",
        "Ожидание вакансий клиента", "Встреча с клиентом", "Обратная связь клиента",
    ]
    assert agency.stages.get(kind="won").name == "Завершено"
    for pipeline in Pipeline.objects.all():
        assert pipeline.stages.filter(kind="lost").count() == 1
        assert pipeline.lost_reasons.count() >= 4


def test_it_creates_an_admin_two_team_leads_and_six_managers_in_two_teams(demo):
    assert set(Team.objects.values_list("name", flat=True)) == {"Массовый подбор", "Клиентский отдел"}
    assert User.objects.get(username="admin").is_admin
    assert User.objects.get(username="admin").check_password("admin")
    assert User.objects.filter(role=User.Role.TEAM_LEAD).count() == 2
    for team in Team.objects.all():
        assert team.members.filter(role=User.Role.MANAGER).count() == 3
    assert "manager1" in demo and "admin" in demo and "demo only" in demo


def test_it_makes_about_as_many_contacts_and_deals_as_asked(demo):
    assert 0.8 * SIZE <= Contact.objects.count() <= 1.2 * SIZE
    assert 0.8 * SIZE <= Deal.objects.count() <= 1.3 * SIZE
    assert Deal.objects.filter(company__isnull=False).exists()
    assert Deal.objects.filter(parent__isnull=False).exists()


def test_every_deal_has_a_stage_history_that_ends_on_its_stage(demo):
    for deal in Deal.objects.all():
        changes = list(StageChange.objects.filter(deal=deal).order_by("at", "id"))
        assert changes[0].from_stage is None
        assert changes[-1].to_stage_id == deal.stage_id
        assert changes[-1].at == deal.stage_entered_at
        assert all(a.at <= b.at for a, b in zip(changes, changes[1:], strict=False))
        assert deal.created_at <= deal.stage_entered_at <= timezone.now()
    moved = StageChange.objects.filter(from_stage__isnull=False)
    assert moved.exists()
    assert not moved.filter(seconds_on_previous__isnull=True).exists()


def test_deals_on_guarded_stages_have_their_required_fields_and_lost_deals_a_reason(demo):
    for deal in Deal.objects.filter(stage__name="Собеседование назначено"):
        assert deal.custom.get("interview_date")
    lost = Deal.objects.filter(stage__kind=Stage.Kind.LOST)
    assert lost.exists()
    assert not lost.filter(lost_reason__isnull=True).exists()
    assert not lost.filter(closed_at__isnull=True).exists()


def test_deals_belong_to_managers_of_the_team_that_works_the_pipeline(demo):
    mass_team = Team.objects.get(name="Массовый подбор")
    assigned = Deal.objects.filter(responsible__isnull=False)
    assert set(assigned.filter(pipeline__name="Массовый подбор").values_list("team", flat=True)) == {mass_team.pk}
    assert mass_team.pk not in set(assigned.exclude(pipeline__name="Массовый подбор").values_list("team", flat=True))
    assert not assigned.exclude(team=F("responsible__team")).exists()


def test_phones_come_in_mixed_formats_and_all_normalise(demo):
    raws = list(ContactPhone.objects.values_list("raw", flat=True))
    shapes = {re.sub(r"\d", "9", raw) for raw in raws}
    assert len(shapes) >= 4
    assert not ContactPhone.objects.filter(is_valid=False).exists()
    assert all(e164.startswith("+79") and len(e164) == 12 for e164 in ContactPhone.objects.values_list("e164",
                                                                                                        flat=True))


def test_there_are_overdue_open_and_done_tasks_with_checklists(demo):
    now = timezone.now()
    assert Task.objects.filter(done_at__isnull=True, due_at__lt=now).exists()
    assert Task.objects.filter(done_at__isnull=True, due_at__gt=now).exists()
    done = Task.objects.filter(done_at__isnull=False)
    assert done.exists()
    assert done.filter(checklist__isnull=False).exists()
    assert not done.filter(checklist__done=False).exists()


def test_a_manager_sees_only_their_teams_deals(demo):
    manager = User.objects.get(username="manager1")
    visible = deals_visible_to(manager)
    assert visible.exists()
    assert set(visible.values_list("team", flat=True)) == {manager.team_id}
    assert visible.count() == Deal.objects.filter(team=manager.team).count()
    other = User.objects.get(username="manager4")
    assert not deals_visible_to(other).filter(pk__in=visible).exists()


def test_if_empty_does_nothing_the_second_time_and_a_plain_second_run_refuses(demo):
    deals, contacts = Deal.objects.count(), Contact.objects.count()
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert (Deal.objects.count(), Contact.objects.count()) == (deals, contacts)
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
