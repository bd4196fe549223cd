import datetime
from typing import Annotated, Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import PlainValidator, WithJsonSchema

from podbor.accounts.models import User
from podbor.api.filters import user_id_param
from podbor.api.pagination import PageParams, paginate
from podbor.api.refs import Refs, visible_or_404
from podbor.api.schemas import MAX_ID, AwareDatetime, Id, Input, Page, error_responses
from podbor.crm.models import Task
from podbor.crm.selectors import tasks_visible_to
from podbor.crm.services import task_checklist_set, task_complete, task_create
from podbor.lib.errors import ValidationFailed

router = Router(tags=["tasks"])

CHECKLIST_HELP = '{"<item id>": true|false, …}, or the list of the ids of the items that are done.'


def _checklist_state(value: Any) -> dict[int, bool] | list[int]:
    """Read by hand: as a pydantic union, one mistake came back as two errors at locations like
    "checklist.dict[constrained-int,bool].abc.[key]"."""

    def item_id(raw: Any) -> int:
        if isinstance(raw, str) and raw.isascii() and raw.isdigit():
            raw = int(raw)
        numeric = isinstance(raw, int) and not isinstance(raw, bool)
        if numeric and 1 <= int(raw) <= MAX_ID:
            return int(raw)
        raise ValueError(_("Expected checklist item ids."))

    if isinstance(value, dict):
        if not all(isinstance(done, bool) for done in value.values()):
            raise ValueError(_("Expected true or false for each checklist item."))
        return {item_id(key): done for key, done in value.items()}
    if isinstance(value, list):
        return [item_id(raw) for raw in value]
    raise ValueError(_('Expected {"<item id>": true|false} or a list of the ids of the items that are done.'))


ChecklistState = Annotated[
    Any,
    PlainValidator(_checklist_state),
    WithJsonSchema({"anyOf": [{"type": "object", "additionalProperties": {"type": "boolean"}},
                              {"type": "array", "items": {"type": "integer"}}]}),
]


class ChecklistItemOut(Schema):
    id: int
    text: str
    done: bool


class TaskOut(Schema):
    id: int
    title: str
    kind: str
    description: str
    deal: int | None
    contact: int | None
    assignee: int
    due_at: datetime.datetime | None
    is_overdue: bool
    done_at: datetime.datetime | None
    is_done: bool
    result: str
    checklist: list[ChecklistItemOut]
    created_by: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class TaskIn(Input):
    """Without ``assignee`` the task goes to the deal's responsible, else to you."""

    title: str = Field(..., max_length=255)
    kind: str = Field(Task.Kind.CALL, max_length=10, description="call, meeting, interview or other")
    deal: Id | None = None
    contact: Id | None = None
    assignee: Id | None = None
    due_at: AwareDatetime | None = None
    description: str = Field("", max_length=20000)
    checklist: list[Annotated[str, Field(max_length=255)]] = Field(default_factory=list,
                                                                  description="The items' texts, in order.")


class CompleteIn(Input):
    result: str = Field("", max_length=20000)
    checklist: ChecklistState | None = Field(None, description=CHECKLIST_HELP)


class ChecklistIn(Input):
    checklist: ChecklistState = Field(..., description=CHECKLIST_HELP)


class TaskFilters(PageParams):
    deal: Id | None = None
    contact: Id | None = None
    assignee: str | None = Field(None, max_length=20, description='A user id or "me".')
    open: bool | None = Field(None, description="true: not done yet; false: done.")


def task_out(task: Task) -> dict:
    return {
        "id": task.pk,
        "title": task.title,
        "kind": task.kind,
        "description": task.description,
        "deal": task.deal_id,
        "contact": task.contact_id,
        "assignee": task.assignee_id,
        "due_at": task.due_at,
        "is_overdue": task.done_at is None and task.due_at is not None and task.due_at < timezone.now(),
        "done_at": task.done_at,
        "is_done": task.is_done,
        "result": task.result,
        "checklist": [{"id": i.pk, "text": i.text, "done": i.done} for i in task.checklist.all()],
        "created_by": task.created_by_id,
        "created_at": task.created_at,
        "updated_at": task.updated_at,
    }


def _tasks(user: User) -> QuerySet[Task]:
    return tasks_visible_to(user).prefetch_related("checklist")


@router.get("/tasks", response={200: Page[TaskOut], **error_responses(400)},
            summary="Tasks you may see: the overdue and the soonest first, those without a due time last")
def tasks_list(request: HttpRequest, filters: Query[TaskFilters]):
    errors: dict[str, list[str]] = {}
    assignee = user_id_param(filters.assignee, user=request.auth, field="assignee", errors=errors)
    if errors:
        raise ValidationFailed(_("Some filters are not valid."), fields=errors)
    lookups = {"deal_id": filters.deal, "contact_id": filters.contact, "assignee_id": assignee}
    tasks = _tasks(request.auth).filter(**{k: v for k, v in lookups.items() if v is not None})
    if filters.open is not None:
        tasks = tasks.filter(done_at__isnull=filters.open)
    tasks = tasks.order_by(F("due_at").asc(nulls_last=True), "id")
    return paginate(tasks, filters, task_out)


@router.get("/tasks/{task_id}", response={200: TaskOut, **error_responses(404)})
def tasks_get(request: HttpRequest, task_id: int):
    return task_out(visible_or_404(_tasks(request.auth), task_id))


@router.post("/tasks", response={201: TaskOut, **error_responses(400)})
@transaction.atomic
def tasks_create(request: HttpRequest, payload: TaskIn):
    data = payload.model_dump()
    refs = Refs(request.auth)
    data["deal"] = refs.deal(data["deal"])
    data["contact"] = refs.contact(data["contact"])
    data["assignee"] = refs.user_assignable(data["assignee"], "assignee")
    refs.check()
    return Status(201, task_out(task_create(actor=request.auth, **data)))


@router.post("/tasks/{task_id}/complete", response={200: TaskOut, **error_responses(400, 404, 409)},
             summary="Mark done with a result; 409 when it is done already")
@transaction.atomic
def tasks_complete(request: HttpRequest, task_id: int, payload: CompleteIn):
    task = visible_or_404(tasks_visible_to(request.auth), task_id)
    task = task_complete(task=task, actor=request.auth, result=payload.result, checklist=payload.checklist)
    return task_out(task)


@router.patch("/tasks/{task_id}/checklist", response={200: TaskOut, **error_responses(400, 404)},
              summary="Tick or untick checklist items")
@transaction.atomic
def tasks_checklist(request: HttpRequest, task_id: int, payload: ChecklistIn):
    task = visible_or_404(tasks_visible_to(request.auth), task_id)
    return task_out(task_checklist_set(task=task, actor=request.auth, checklist=payload.checklist))
