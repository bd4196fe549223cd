"""Domain events start processes (triggers) and reach waiting instances (messages, completed user tasks)."""

from podbor.events.registry import subscribe

NAME = "automation"


# Waiting instances get the event first: a process that this very event starts must not also receive it.
def register() -> None:
    subscribe("deal.created", NAME, on_deal_created)
    subscribe("deal.stage_changed", NAME, on_stage_changed)
    subscribe("deal.updated", NAME, on_deal_updated)
    subscribe("intake.message_received", NAME, on_message_received)
    subscribe("intake.call_received", NAME, on_call_received)
    subscribe("call.logged", NAME, on_call_received)
    subscribe("task.completed", NAME, on_task_completed)


def on_deal_created(event) -> None:
    from podbor.automation.services import triggers_fire

    triggers_fire(kind="deal_created", deal_id=event.deal_id, pipeline_id=event.payload.get("pipeline"),
                  trigger=f"event:{event.pk}")


def on_stage_changed(event) -> None:
    from podbor.automation.services import instances_message, triggers_fire

    instances_message(message="stage_changed", deal_id=event.deal_id, payload=dict(event.payload))
    triggers_fire(kind="stage_entered", deal_id=event.deal_id, pipeline_id=event.payload.get("pipeline"),
                  stage_id=event.payload.get("to"), trigger=f"event:{event.pk}")


def on_deal_updated(event) -> None:
    from podbor.automation.services import instances_message, triggers_fire

    fields = list(event.payload.get("fields") or []) + list(event.payload.get("custom") or [])
    instances_message(message="field_changed", deal_id=event.deal_id, payload={"fields": fields})
    triggers_fire(kind="field_changed", deal_id=event.deal_id, fields=fields, trigger=f"event:{event.pk}")


def on_message_received(event) -> None:
    from podbor.automation.services import instances_message, triggers_fire

    instances_message(message="message_received", deal_id=event.deal_id, payload=dict(event.payload))
    triggers_fire(kind="message_received", deal_id=event.deal_id, trigger=f"event:{event.pk}")


def on_call_received(event) -> None:
    from podbor.automation.services import instances_message, triggers_fire

    instances_message(message="call_received", deal_id=event.deal_id, payload=dict(event.payload))
    triggers_fire(kind="call_received", deal_id=event.deal_id, trigger=f"event:{event.pk}")


def on_task_completed(event) -> None:
    from podbor.automation.models import ProcessUserTask
    from podbor.automation.services import instance_complete_user_task

    link = ProcessUserTask.objects.filter(task_id=event.payload.get("task"), handled_at__isnull=True).first()
    if link is not None:
        instance_complete_user_task(link=link, result=event.payload.get("result", ""),
                                    checklist=event.payload.get("checklist") or {})
