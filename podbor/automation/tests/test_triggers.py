"""Triggers start processes from what happens to deals. A trigger names the process key, so it follows the process
to every version deployed after it; a pipeline limits it also for events that name no pipeline."""

import pytest

from podbor.automation.models import ProcessInstance, ProcessTrigger
from podbor.automation.services import process_deploy, trigger_create, trigger_delete, trigger_update
from podbor.automation.tests.diagrams import call_diagram
from podbor.conftest import stage_named
from podbor.crm.models import Pipeline, Stage
from podbor.crm.services import contact_create, deal_create, deal_move_to_stage, deal_update
from podbor.events.services import events_dispatch_pending
from podbor.lib.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def _deal(pipeline, manager, title="Иванов — кассир"):
    contact = contact_create(actor=manager, full_name="Иванов Иван", phones=["+7 916 555 44 33"])
    deal = deal_create(actor=manager, title=title, pipeline=pipeline, contact=contact)
    events_dispatch_pending()
    return deal


def test_a_trigger_follows_its_process_to_the_newest_version(admin_user, pipeline, manager_a):
    first = process_deploy(xml=call_diagram(), actor=admin_user)
    stage = stage_named(pipeline, "Квалификация")
    trigger_create(process_key="call_candidate", kind="stage_entered", stage=stage, actor=admin_user)
    second = process_deploy(xml=call_diagram().replace("Позвонить кандидату", "Перезвонить кандидату"),
                            actor=admin_user)
    assert (first.version, second.version) == (1, 2)
    assert ProcessTrigger.objects.get().process_key == "call_candidate"  # deploying kept it

    deal = _deal(pipeline, manager_a)
    deal_move_to_stage(deal=deal, stage=stage, actor=manager_a)
    events_dispatch_pending()

    instance = ProcessInstance.objects.get(deal=deal)
    assert instance.definition == second
    assert instance.trigger.startswith("event:")


def test_a_stage_trigger_starts_only_on_its_stage(admin_user, pipeline, manager_a):
    process_deploy(xml=call_diagram(), actor=admin_user)
    trigger_create(process_key="call_candidate", kind="stage_entered",
                   stage=stage_named(pipeline, "Собеседование назначено"))
    deal = _deal(pipeline, manager_a)

    deal_move_to_stage(deal=deal, stage=stage_named(pipeline, "Квалификация"), actor=manager_a)
    events_dispatch_pending()

    assert not ProcessInstance.objects.filter(deal=deal).exists()


def test_a_field_trigger_in_a_pipeline_ignores_deals_of_other_pipelines(admin_user, pipeline, manager_a):
    process_deploy(xml=call_diagram(), actor=admin_user)
    drivers = Pipeline.objects.create(name="Водители")
    Stage.objects.create(pipeline=drivers, name="Новый", order=1)
    trigger_create(process_key="call_candidate", kind="field_changed", pipeline=pipeline, field="source")
    ours, theirs = _deal(pipeline, manager_a), _deal(drivers, manager_a, title="Петров — водитель")

    for deal in (ours, theirs):
        deal_update(deal=deal, actor=manager_a, source="hh.ru")
    events_dispatch_pending()

    assert list(ProcessInstance.objects.values_list("deal", flat=True)) == [ours.pk]


def test_a_switched_off_trigger_starts_nothing_and_a_removed_one_neither(admin_user, pipeline, manager_a):
    process_deploy(xml=call_diagram(), actor=admin_user)
    trigger = trigger_create(process_key="call_candidate", kind="deal_created")
    trigger_update(trigger=trigger, kind="deal_created", is_active=False)
    _deal(pipeline, manager_a)
    assert not ProcessInstance.objects.exists()

    trigger_update(trigger=trigger, kind="deal_created", is_active=True)
    _deal(pipeline, manager_a, title="Второй")
    assert ProcessInstance.objects.count() == 1

    trigger_delete(trigger=trigger)
    _deal(pipeline, manager_a, title="Третий")
    assert ProcessInstance.objects.count() == 1
    assert not ProcessTrigger.objects.exists()


def test_changing_the_kind_drops_what_the_new_kind_does_not_use(admin_user, pipeline):
    process_deploy(xml=call_diagram(), actor=admin_user)
    trigger = trigger_create(process_key="call_candidate", kind="stage_entered",
                             stage=stage_named(pipeline, "Квалификация"))

    trigger_update(trigger=trigger, kind="message_received", pipeline=pipeline,
                   stage=stage_named(pipeline, "Квалификация"), field="title")

    trigger.refresh_from_db()
    assert (trigger.kind, trigger.pipeline, trigger.stage, trigger.field) == ("message_received", pipeline, None, "")


def test_a_bad_change_is_refused_by_field_and_the_trigger_stays(admin_user, pipeline):
    process_deploy(xml=call_diagram(), actor=admin_user)
    trigger = trigger_create(process_key="call_candidate", kind="deal_created")
    other = trigger_create(process_key="call_candidate", kind="call_received")

    with pytest.raises(ValidationFailed) as refused:
        trigger_update(trigger=trigger, kind="field_changed", field="no_such_field")
    assert set(refused.value.fields) == {"field"}
    with pytest.raises(ValidationFailed) as twin:
        trigger_update(trigger=trigger, kind="call_received")
    assert set(twin.value.fields) == {"trigger"}
    assert ProcessTrigger.objects.get(pk=trigger.pk).kind == "deal_created"
    assert ProcessTrigger.objects.get(pk=other.pk).kind == "call_received"
