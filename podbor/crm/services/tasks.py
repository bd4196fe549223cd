import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from podbor.accounts.models import User
from podbor.crm.models import ChecklistItem, Contact, Deal, Task, TimelineEntry
from podbor.crm.selectors import users_assignable_by
from podbor.crm.services.timeline import timeline_add
from podbor.events.services import event_record
from podbor.lib.errors import Conflict, ValidationFailed


@transaction.atomic
def task_create(
    *,
    actor: User | None,
    title: str,
    assignee: User | None = None,
    deal: Deal | None = None,
    contact: Contact | None = None,
    kind: str = Task.Kind.CALL,
    description: str = "",
    due_at: datetime.datetime | None = None,
    checklist: list[str] | None = None,
) -> Task:
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("A task needs a title.")]
    if kind not in Task.Kind.values:
        errors["kind"] = [_("Unknown task kind.")]
    if assignee is None:
        assignee = (deal.responsible if deal is not None and deal.responsible is not None else actor)
    if assignee is None:
        errors["assignee"] = [_("Required.")]
    elif actor is not None and assignee.pk != actor.pk and not users_assignable_by(actor).filter(
        pk=assignee.pk
    ).exists():
        errors["assignee"] = [_("You cannot give tasks to this user.")]
    items = [str(text).strip() for text in (checklist or []) if str(text).strip()]
    if errors:
        raise ValidationFailed(_("The task has errors."), fields=errors)
    if contact is None and deal is not None:
        contact = deal.contact
    task = Task.objects.create(
        deal=deal,
        contact=contact,
        assignee=assignee,
        kind=kind,
        title=title,
        description=(description or "").strip(),
        due_at=due_at,
        created_by=actor,
    )
    ChecklistItem.objects.bulk_create(ChecklistItem(task=task, text=text, order=i) for i, text in enumerate(items))
    timeline_add(
        kind=TimelineEntry.Kind.TASK,
        deal=deal,
        contact=contact,
        author=actor,
        text=_("Task “%(title)s” for %(who)s") % {"title": title, "who": assignee},
        data={"task": task.pk, "action": "created"},
    )
    event_record(
        kind="task.created",
        deal_id=deal.pk if deal else None,
        contact_id=contact.pk if contact else None,
        actor_id=actor.pk if actor else None,
        payload={"task": task.pk, "assignee": assignee.pk, "kind": kind},
    )
    return task


def _truthy(value) -> bool:
    # A form posts "false" or "0", which bool() would take for done.
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on", "да"}
    return bool(value)


def _checklist_apply(task: Task, checklist: dict[int, bool] | list[int] | None) -> bool:
    """``{item_id: done}``, or a list of the ids that are done. True when an item changed."""
    if checklist is None:
        return False
    try:
        if isinstance(checklist, list | tuple | set):
            done_ids = {int(i) for i in checklist}
            states = {item.pk: item.pk in done_ids for item in task.checklist.all()}
            unknown = done_ids - set(states)
        else:
            states = {int(k): _truthy(v) for k, v in checklist.items()}
            unknown = set(states) - set(task.checklist.values_list("pk", flat=True))
    except (TypeError, ValueError, AttributeError):
        raise ValidationFailed(_("Checklist items are given by their ids."),
                               fields={"checklist": [_("Expected item ids.")]}) from None
    if unknown:
        raise ValidationFailed(_("Unknown checklist items."),
                               fields={"checklist": [_("No item %s in this task.") % i for i in sorted(unknown)]})
    changed = False
    for item in task.checklist.all():
        if item.pk in states and item.done != states[item.pk]:
            item.done = states[item.pk]
            item.save(update_fields=["done"])
            changed = True
    return changed


@transaction.atomic
def task_checklist_set(*, task: Task, actor: User | None, checklist: dict[int, bool] | list[int]) -> Task:
    if _checklist_apply(task, checklist):
        event_record(
            kind="task.checklist_changed",
            deal_id=task.deal_id,
            contact_id=task.contact_id,
            actor_id=actor.pk if actor else None,
            payload={"task": task.pk, "checklist": {str(i.pk): i.done for i in task.checklist.all()}},
        )
    return task


@transaction.atomic
def task_complete(
    *, task: Task, actor: User | None, result: str = "", checklist: dict[int, bool] | list[int] | None = None
) -> Task:
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.done_at is not None:
        raise Conflict(_("This task is already done."))
    _checklist_apply(task, checklist)
    task.result = (result or "").strip()
    task.done_at = timezone.now()
    task.save(update_fields=["result", "done_at", "updated_at"])
    text = _("Task “%(title)s” done") % {"title": task.title}
    if task.result:
        text += ": " + task.result
    timeline_add(
        kind=TimelineEntry.Kind.TASK,
        deal=task.deal,
        contact=task.contact,
        author=actor,
        text=text,
        data={"task": task.pk, "action": "completed", "result": task.result},
    )
    event_record(
        kind="task.completed",
        deal_id=task.deal_id,
        contact_id=task.contact_id,
        actor_id=actor.pk if actor else None,
        payload={"task": task.pk, "result": task.result,
                 "checklist": {str(i.pk): i.done for i in task.checklist.all()}},
    )
    return task


@transaction.atomic
def task_reopen(*, task: Task, actor: User | None) -> Task:
    # Decide on the stored row, locked, not on the caller's possibly stale instance.
    if Task.objects.select_for_update().filter(pk=task.pk, done_at__isnull=True).exists():
        task.done_at = None
        return task
    task.done_at = None
    task.save(update_fields=["done_at", "updated_at"])
    timeline_add(kind=TimelineEntry.Kind.TASK, deal=task.deal, contact=task.contact, author=actor,
                 text=_("Task “%(title)s” reopened") % {"title": task.title},
                 data={"task": task.pk, "action": "reopened"})
    event_record(kind="task.reopened", deal_id=task.deal_id, contact_id=task.contact_id,
                 actor_id=actor.pk if actor else None, payload={"task": task.pk})
    return task
