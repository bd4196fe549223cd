from decimal import Decimal

import pytest

from podbor.conftest import stage_named
from podbor.crm.models import Deal, TimelineEntry
from podbor.crm.services import contact_create, deal_create, deal_move_to_stage, deal_update
from podbor.events.models import DomainEvent
from podbor.lib.errors import ValidationFailed


@pytest.fixture
def deal(pipeline, manager_a):
    return deal_create(actor=manager_a, title="Кассир", pipeline=pipeline, source="hh.ru",
                       custom={"interview_date": "2026-12-01"})


def _change_entries(deal):
    return TimelineEntry.objects.filter(deal=deal, data__has_key="before")


def test_the_changed_fields_and_their_old_values_go_to_the_timeline(deal, manager_a):
    contact = contact_create(actor=manager_a, full_name="Иванов Иван")
    deal_update(deal=deal, actor=manager_a, title="Старший кассир", source="hh.ru", contact=contact,
                budget_planned="50000", custom={"interview_date": "05.12.2026"})
    entry = _change_entries(deal).get()
    assert entry.author == manager_a
    assert entry.data["before"] == {
        "title": "Кассир",
        "contact": None,
        "budget_planned": None,
        "custom": {"interview_date": "2026-12-01"},
    }
    # The reader sees labels and the admin's custom field names, not code names.
    assert "Дата собеседования" in entry.text and str(Deal._meta.get_field("title").verbose_name) in entry.text
    assert "custom" not in entry.text and "budget_planned" not in entry.text
    event = DomainEvent.objects.get(kind="deal.updated")
    assert event.payload == {"fields": ["budget_planned", "contact", "custom", "title"], "custom": ["interview_date"]}
    fresh = Deal.objects.get(pk=deal.pk)
    assert (fresh.title, fresh.contact, fresh.budget_planned) == ("Старший кассир", contact, Decimal("50000.00"))


def test_an_update_that_changes_nothing_leaves_no_trace(deal, manager_a):
    deal_update(deal=deal, actor=manager_a, title=" Кассир ", source="hh.ru", custom={"interview_date": "01.12.2026"})
    assert not _change_entries(deal).exists()
    assert not DomainEvent.objects.filter(kind="deal.updated").exists()


def test_errors_are_reported_together_and_nothing_changes(deal, manager_a):
    with pytest.raises(ValidationFailed) as refused:
        deal_update(deal=deal, actor=manager_a, title=" ", budget_actual="дорого", custom={"interview_date": "вчера"})
    assert set(refused.value.fields) == {"title", "budget_actual", "custom.interview_date"}
    assert Deal.objects.get(pk=deal.pk).title == "Кассир"


def test_an_unknown_or_protected_field_is_refused(deal, manager_a, pipeline):
    with pytest.raises(ValidationFailed) as refused:
        deal_update(deal=deal, actor=manager_a, stage=stage_named(pipeline, "Работает"), colour="red")
    assert set(refused.value.fields) == {"stage", "colour"}


def test_a_stale_instance_does_not_undo_a_move_made_meanwhile(deal, pipeline, manager_a):
    deal_move_to_stage(deal=Deal.objects.get(pk=deal.pk), stage=stage_named(pipeline, "Работает"), actor=manager_a)
    deal_update(deal=deal, actor=manager_a, title="Кассир ночной смены")
    fresh = Deal.objects.get(pk=deal.pk)
    assert (fresh.stage.name, fresh.title) == ("Работает", "Кассир ночной смены")
    assert fresh.closed_at is not None
