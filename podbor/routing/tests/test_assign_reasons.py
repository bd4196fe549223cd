import datetime

from django.utils import timezone

from podbor.accounts.models import User, WorkSchedule
from podbor.crm.models import CustomField, Deal
from podbor.routing.services import deal_assign
from podbor.routing.tests.distribution import manager, new_deal, rule


def _codes(assignment) -> dict[int, str]:
    return {row["user"]: row["code"] for row in assignment.considered}


def test_each_skipped_manager_has_its_reason(pipeline, team_a, team_b):
    CustomField.objects.create(entity=CustomField.Entity.DEAL, code="language", name="Язык")
    ok = manager("ok", team=team_a, skills=("english",))
    paused = manager("paused", team=team_a, presence=User.Presence.PAUSE, skills=("english",))
    off = manager("off", team=team_a, presence=User.Presence.OFF, skills=("english",))
    other_team = manager("other", team=team_b, skills=("english",))
    no_english = manager("noeng", team=team_a)
    full = manager("full", team=team_a, skills=("english",))
    for _ in range(2):
        Deal.objects.filter(pk=new_deal(pipeline).pk).update(responsible=full)
    rule(pipeline, [ok, paused, off, other_team, no_english, full], team=team_a, skill_field="language",
         max_open_untouched=2)

    assignment = deal_assign(deal=new_deal(pipeline, custom={"language": "english"}))

    assert assignment.user_id == ok.pk
    codes = _codes(assignment)
    assert codes[paused.pk] == "paused"
    assert codes[off.pk] == "off"
    assert codes[other_team.pk] == "team"
    assert codes[no_english.pk] == "skill"
    assert codes[full.pk] == "limit"
    by_user = {row["user"]: row for row in assignment.considered}
    assert by_user[no_english.pk]["params"] == {"skill": "English"}
    assert by_user[full.pk]["params"] == {"limit": 2}
    assert by_user[no_english.pk]["eligible"] is False
    assert by_user[ok.pk]["eligible"] is True
    # The English text is kept with the codes, for readers of the raw data.
    assert by_user[full.pk]["reason"] == "limit 2 reached"


def test_a_required_skill_of_the_rule_filters_managers_without_it(pipeline):
    tenders = manager("tenders", skills=("tenders",))
    plain = manager("plain")
    rule(pipeline, [plain, tenders], required_skills=["tenders"])

    assignment = deal_assign(deal=new_deal(pipeline))

    assert assignment.user_id == tenders.pk
    assert _codes(assignment)[plain.pk] == "skill"


def test_a_manager_at_work_outside_working_hours_counts_as_off(pipeline):
    night = manager("night")
    day = manager("day")
    now = timezone.localtime()
    far = (now + datetime.timedelta(hours=6)).time().replace(second=0, microsecond=0)
    WorkSchedule.objects.create(user=night, weekday=now.weekday(), starts_at=far, ends_at=far)
    rule(pipeline, [night, day])

    assignment = deal_assign(deal=new_deal(pipeline))

    assert assignment.user_id == day.pk
    assert _codes(assignment)[night.pk] == "off"


def test_a_rule_that_ignores_presence_considers_paused_managers(pipeline):
    paused = manager("paused", presence=User.Presence.PAUSE)
    rule(pipeline, [paused], only_present=False)

    assert deal_assign(deal=new_deal(pipeline)).user_id == paused.pk
