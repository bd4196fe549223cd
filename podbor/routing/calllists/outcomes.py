"""The call card's outcome: what a call from the list did to the lead, in one transaction.

- no answer: one more unanswered attempt; the callback time grows with the attempts (15 min, 1 h, then a day);
- call back later: at the time the manager chose, pinned to them if they say so;
- refused: the deal is closed as lost with the reason the manager chose;
- interested: the deal moves to the next open stage; a stage guard refuses with the missing fields and nothing
  (not even the contact's corrected phone) is written, so the manager fills them in and tries again.

Each outcome writes a "call" timeline entry and updates the lead's LeadCallState; the item is done and the list
moves to the next lead (a finished list is replaced by a new one). ``attempts`` counts unanswered calls in a row:
an answered call sets it back to 0. Corrections made on the card (phones, emails, city, name, deal fields) go
through the CRM's services, so the old values stay in the timeline.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from podbor.accounts.models import User
from podbor.crm.models import Deal, LostReason, Stage, TimelineEntry
from podbor.crm.selectors import deals_visible_to
from podbor.crm.services import contact_update, deal_close_lost, deal_move_to_stage, deal_update, timeline_add
from podbor.events.services import event_record
from podbor.lib.errors import Conflict, PermissionRefused, ServiceError, ValidationFailed
from podbor.routing.calllists.building import WHY_FINISHED, call_list_build
from podbor.routing.calllists.selectors import call_item_next
from podbor.routing.models import CallListItem, LeadCallState

Outcome = CallListItem.Outcome
NO_ANSWER_DELAYS = (datetime.timedelta(minutes=15), datetime.timedelta(hours=1), datetime.timedelta(days=1))
CALLBACK_HORIZON = datetime.timedelta(days=366)
CONTACT_FIELDS = ("phones", "emails", "city", "last_name", "first_name", "middle_name")
DEAL_FIELDS = ("title", "custom")


@dataclass
class OutcomeResult:
    item: CallListItem
    next_item: CallListItem | None
    new_list: bool


def no_answer_delay(attempts: int) -> datetime.timedelta:
    """The wait before calling again after ``attempts`` unanswered calls in a row."""
    return NO_ANSWER_DELAYS[min(max(attempts, 1), len(NO_ANSWER_DELAYS)) - 1]


def next_open_stage(deal: Deal) -> Stage | None:
    current = deal.stage
    return (
        deal.pipeline.stages.filter(kind=Stage.Kind.OPEN)
        .filter(order__gt=current.order).order_by("order", "id").first()
    )


def _prefixed(exc: ServiceError) -> ValidationFailed:
    return ValidationFailed(exc.detail, fields={f"fields.{k}": v for k, v in exc.fields.items()})


def _apply_fields(deal: Deal, fields: dict, actor: User) -> None:
    unknown = sorted(set(fields) - set(CONTACT_FIELDS) - set(DEAL_FIELDS))
    if unknown:
        raise ValidationFailed(_("Unknown fields."), fields={f"fields.{k}": [_("Unknown field.")] for k in unknown})
    contact_changes = {k: v for k, v in fields.items() if k in CONTACT_FIELDS}
    deal_changes = {k: v for k, v in fields.items() if k in DEAL_FIELDS}
    try:
        if contact_changes:
            if deal.contact is None:
                raise ValidationFailed(_("This deal has no contact."),
                                       fields={k: [_("This deal has no contact.")] for k in contact_changes})
            contact_update(contact=deal.contact, actor=actor, **contact_changes)
        if deal_changes:
            deal_update(deal=deal, actor=actor, **deal_changes)
    except ValidationFailed as exc:
        raise _prefixed(exc) from None


def _check(item: CallListItem, *, actor: User, outcome: str, callback_at, lost_reason, deal_id, direction, now):
    """Everything that refuses the outcome before anything is written."""
    if direction != "outgoing":
        raise ValidationFailed(
            _("The call card logs your outgoing calls from the list; log an incoming call on the deal's card."),
            fields={"direction": [_("Does not apply to an incoming call.")]})
    if outcome not in Outcome.values:
        raise ValidationFailed(_("Unknown outcome."), fields={"outcome": [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(Outcome.values)}]})
    if item.call_list.user_id != actor.pk:
        raise PermissionRefused(_("This lead is in another manager's list."))
    if item.state != CallListItem.State.OPEN:
        raise Conflict(_("This lead is no longer in your list to call: its call is already logged or it was "
                         "released. The outcome does not apply."))
    if deal_id is not None and deal_id != item.deal_id:
        raise Conflict(_("This call card is for another deal: the outcome does not apply."))
    deal = deals_visible_to(actor).select_related("pipeline", "stage", "contact").filter(pk=item.deal_id).first()
    if deal is None or not deal.is_open:
        raise Conflict(_("This deal is closed or no longer yours: the outcome does not apply."))
    errors: dict[str, list[str]] = {}
    if outcome == Outcome.CALL_BACK:
        if callback_at is None:
            errors["callback_at"] = [_("Say when to call back.")]
        elif callback_at <= now:
            errors["callback_at"] = [_("The callback time must be in the future.")]
        elif callback_at > now + CALLBACK_HORIZON:
            errors["callback_at"] = [_("The callback time must be within a year.")]
    if outcome == Outcome.REFUSED:
        if lost_reason is None:
            errors["lost_reason"] = [_("Say why the candidate refused.")]
        elif lost_reason.pipeline_id != deal.pipeline_id:
            errors["lost_reason"] = [_("This reason belongs to another pipeline.")]
    if outcome == Outcome.INTERESTED and next_open_stage(deal) is None:
        errors["outcome"] = [_("The deal is on the last open stage: there is no next stage to move it to.")]
    if errors:
        raise ValidationFailed(_("The outcome has errors."), fields=errors)
    return deal


def _state_update(deal: Deal, *, actor: User, outcome: str, callback_at, pin: bool, now) -> LeadCallState:
    state, _created = LeadCallState.objects.select_for_update().get_or_create(deal=deal)
    if outcome == Outcome.NO_ANSWER:
        state.attempts += 1
        state.callback_at = now + no_answer_delay(state.attempts)
    else:
        state.attempts = 0
    if outcome == Outcome.CALL_BACK:
        state.callback_at = callback_at
        state.pinned_user = actor if pin else None
    if outcome in (Outcome.REFUSED, Outcome.INTERESTED):
        state.callback_at, state.pinned_user = None, None
    state.last_outcome, state.last_called_at = outcome, now
    state.save()
    return state


def _timeline_text(outcome: str, state: LeadCallState) -> str:
    text = _("Call from the call list: %(outcome)s") % {"outcome": Outcome(outcome).label}
    if outcome == Outcome.NO_ANSWER:
        text += " " + _("(attempt %(n)s)") % {"n": state.attempts}
    if state.callback_at is not None:
        when = formats.date_format(timezone.localtime(state.callback_at), "SHORT_DATETIME_FORMAT")
        text += ". " + _("Call back at %(when)s") % {"when": when}
        if state.pinned_user_id:
            text += " " + _("(pinned)")
    return text


@transaction.atomic
def call_item_outcome(
    *,
    item: CallListItem,
    actor: User,
    outcome: str,
    callback_at: datetime.datetime | None = None,
    pin: bool = False,
    lost_reason: LostReason | None = None,
    fields: dict | None = None,
    deal_id: int | None = None,
    direction: str = "outgoing",
    now: datetime.datetime | None = None,
) -> OutcomeResult:
    """Log the call's outcome (see the module's docstring). ``deal_id``, when given, must be the item's deal: a
    card left open on a stale page must not log a call against another lead."""
    now = now or timezone.now()
    item = CallListItem.objects.select_for_update(of=("self",)).select_related("call_list").get(pk=item.pk)
    deal = _check(item, actor=actor, outcome=outcome, callback_at=callback_at, lost_reason=lost_reason,
                  deal_id=deal_id, direction=direction, now=now)
    if fields:
        _apply_fields(deal, fields, actor)
    if outcome == Outcome.REFUSED:
        deal = deal_close_lost(deal=deal, reason=lost_reason, actor=actor)
    elif outcome == Outcome.INTERESTED:
        deal = deal_move_to_stage(deal=deal, stage=next_open_stage(deal), actor=actor)
    state = _state_update(deal, actor=actor, outcome=outcome, callback_at=callback_at, pin=pin, now=now)
    timeline_add(
        kind=TimelineEntry.Kind.CALL, deal=deal, author=actor, text=_timeline_text(outcome, state),
        data={"direction": "outgoing", "via": "call_list", "item": item.pk, "outcome": outcome,
              "attempts": state.attempts, "callback_at": state.callback_at.isoformat() if state.callback_at else None,
              "pinned": state.pinned_user_id is not None},
    )
    event_record(kind="call.logged", deal_id=deal.pk, contact_id=deal.contact_id, actor_id=actor.pk,
                 payload={"outcome": outcome, "item": item.pk, "attempts": state.attempts})
    item.state, item.outcome, item.done_at = CallListItem.State.DONE, outcome, now
    item.save(update_fields=["state", "outcome", "done_at"])
    next_item = call_item_next(item.call_list)
    new_list = next_item is None
    if new_list:
        next_item = call_item_next(call_list_build(user=actor, why=WHY_FINISHED, now=now))
    return OutcomeResult(item=item, next_item=next_item, new_list=new_list)
