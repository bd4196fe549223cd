"""Turning ids into objects on behalf of a user, always through the visibility selectors.

An object named in the URL that the user may not see is a 404, exactly like one that does not exist.
An object named in a request body is a field error instead ("No such contact."), collected for every
field at once so that the client sees all its mistakes in one answer.
"""

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from podbor.accounts.models import User
from podbor.api.schemas import MAX_ID
from podbor.crm.models import LostReason, Pipeline, Stage
from podbor.crm.selectors import (
    companies_visible_to,
    contacts_visible_to,
    deals_visible_to,
    tasks_visible_to,
    users_assignable_by,
)
from podbor.lib.errors import ValidationFailed

M = TypeVar("M", bound=Model)


def visible_or_404(queryset: QuerySet[M], pk: int) -> M:
    if not 1 <= pk <= MAX_ID:
        raise Http404
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


class Refs:
    """Resolves the ids of one request body; ``check()`` raises one ValidationFailed with every bad id."""

    def __init__(self, user: User):
        self.user = user
        self.errors: dict[str, list[str]] = {}

    def _one(self, queryset: QuerySet, pk: int | None, field: str, message: str):
        if pk is None:
            return None
        found = queryset.filter(pk=pk).first()
        if found is None:
            self.errors[field] = [message]
        return found

    def contact(self, pk: int | None, field: str = "contact"):
        return self._one(contacts_visible_to(self.user), pk, field, _("No such contact."))

    def company(self, pk: int | None, field: str = "company"):
        return self._one(companies_visible_to(self.user), pk, field, _("No such company."))

    def deal(self, pk: int | None, field: str = "deal"):
        return self._one(deals_visible_to(self.user), pk, field, _("No such deal."))

    def task(self, pk: int | None, field: str = "task"):
        return self._one(tasks_visible_to(self.user), pk, field, _("No such task."))

    def user_assignable(self, pk: int | None, field: str):
        return self._one(users_assignable_by(self.user), pk, field, _("No such user."))

    def pipeline(self, pk: int | None, field: str = "pipeline") -> Pipeline | None:
        found = self._one(Pipeline.objects.all(), pk, field, _("No such pipeline."))
        if found is not None and found.is_archived:
            self.errors[field] = [_("This pipeline is archived.")]
        return found

    def stage(self, pk: int | None, field: str = "stage") -> Stage | None:
        # Any pipeline's stage is found: the service then says "belongs to another pipeline", which helps more.
        return self._one(Stage.objects.select_related("pipeline"), pk, field, _("No such stage."))

    def lost_reason(self, pk: int | None, field: str = "lost_reason") -> LostReason | None:
        return self._one(LostReason.objects.all(), pk, field, _("No such lost reason."))

    def check(self) -> None:
        if self.errors:
            raise ValidationFailed(_("Some referenced objects do not exist."), fields=self.errors)
