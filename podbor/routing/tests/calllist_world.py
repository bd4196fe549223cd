"""Small helpers for the call-list tests: leads, callbacks, filters and what a list holds."""

import datetime
import itertools

from podbor.accounts.models import User
from podbor.accounts.services import api_token_issue
from podbor.api.tests.conftest import ApiClient
from podbor.crm.models import Deal, Pipeline, Stage
from podbor.crm.services import contact_create, deal_create
from podbor.routing.models import CallList, CallListFilter, LeadCallState

_phones = itertools.count(1000)


def lead(
    *, actor: User, pipeline: Pipeline, name: str = "Кандидат Тестовый", source: str = "", stage: Stage | None = None,
    tags: list[str] | None = None, custom: dict | None = None, city: str = "",
) -> Deal:
    contact = contact_create(actor=actor, full_name=name, phones=[f"+7 999 555{next(_phones):04d}"], tags=tags,
                             city=city, emails=[f"lead{next(_phones)}@example.com"])
    return deal_create(actor=actor, title=name, pipeline=pipeline, contact=contact, source=source, stage=stage,
                       custom=custom)


def leads(n: int, **kwargs) -> list[Deal]:
    return [lead(name=f"Кандидат {i}", **kwargs) for i in range(n)]


def callback(deal: Deal, *, at: datetime.datetime, pinned: User | None = None, attempts: int = 1) -> LeadCallState:
    return LeadCallState.objects.create(deal=deal, callback_at=at, pinned_user=pinned, attempts=attempts,
                                        last_outcome="no_answer")


def a_filter(
    pipeline: Pipeline, *, name: str = "Все отклики", weight: int = 100, skills=(), **values
) -> CallListFilter:
    call_filter = CallListFilter.objects.create(name=name, pipeline=pipeline, weight=weight, **values)
    call_filter.required_skills.set(skills)
    return call_filter


def deal_ids(call_list: CallList, *, state: str = "open") -> list[int]:
    return list(call_list.items.filter(state=state).order_by("position").values_list("deal_id", flat=True))



def api_for(client, user: User) -> ApiClient:
    """A JSON client of /api/v1 speaking with the user's token."""
    return ApiClient(client, {"HTTP_AUTHORIZATION": f"Token {api_token_issue(user=user)}"})
