from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from podbor.accounts.models import User
from podbor.crm.models import (
    Company,
    Contact,
    CustomField,
    Deal,
    LostReason,
    Pipeline,
    Stage,
    StageChange,
    TimelineEntry,
)
from podbor.crm.selectors import users_assignable_by
from podbor.crm.services.contacts import contact_create
from podbor.crm.services.custom_fields import custom_fields_for, custom_values_clean
from podbor.crm.services.timeline import changed_fields_label, timeline_add
from podbor.events.models import DomainEvent
from podbor.events.services import event_record, events_record_many
from podbor.lib.errors import GuardFailed, ValidationFailed

# Built-in deal fields a stage may require, with their labels.
BUILTIN_REQUIRED = {
    "title": gettext_lazy("title"),
    "contact": gettext_lazy("contact"),
    "company": gettext_lazy("company"),
    "responsible": gettext_lazy("responsible"),
    "source": gettext_lazy("source"),
    "budget_planned": gettext_lazy("planned budget"),
    "budget_actual": gettext_lazy("actual budget"),
    "parent": gettext_lazy("parent deal"),
}


def _actor_id(actor: User | None) -> int | None:
    return actor.pk if actor is not None else None


def _check_responsible(actor: User | None, responsible: User | None, errors: dict) -> None:
    if responsible is None or actor is None:
        return
    if not users_assignable_by(actor).filter(pk=responsible.pk).exists():
        errors["responsible"] = [_("You cannot make this user responsible.")]


_BUDGET_LIMIT = Decimal("1e12")  # the column holds 14 digits, 2 of them after the point


def _budget_clean(value, field: str, errors: dict):
    """A budget as a Decimal (None clears it); "150 000,50" is accepted as people type it."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        amount = Decimal(str(value).replace(",", ".").replace(" ", "").replace("\xa0", ""))
        if not amount.is_finite() or amount < 0 or amount >= _BUDGET_LIMIT:
            raise InvalidOperation
        return amount.quantize(Decimal("0.01"))
    except InvalidOperation:
        errors[field] = [_("Expected a sum of money.")]
        return None


def deal_build(
    *,
    actor: User | None,
    title: str,
    pipeline: Pipeline,
    stage: Stage | None = None,
    contact: Contact | None = None,
    company: Company | None = None,
    responsible: User | None = None,
    source: str = "",
    budget_planned: Decimal | None = None,
    budget_actual: Decimal | None = None,
    parent: Deal | None = None,
    custom: dict | None = None,
    now=None,
) -> Deal:
    """Validate a new deal without saving it: ValidationFailed with every error, GuardFailed when its first stage
    wants fields it lacks."""
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        title = contact.full_name if contact is not None and contact.full_name else ""
    if not title:
        errors["title"] = [_("A deal needs a title.")]
    if stage is None:
        stage = pipeline.first_open_stage()
        if stage is None:
            errors["pipeline"] = [_("This pipeline has no open stage.")]
    elif stage.pipeline_id != pipeline.pk:
        errors["stage"] = [_("This stage belongs to another pipeline.")]
    elif stage.is_closed:
        errors["stage"] = [_("A new deal cannot start on a closed stage.")]
    if responsible is None and actor is not None and actor.role == User.Role.MANAGER:
        responsible = actor
    _check_responsible(actor, responsible, errors)
    budget_planned = _budget_clean(budget_planned, "budget_planned", errors)
    budget_actual = _budget_clean(budget_actual, "budget_actual", errors)
    custom_clean = {}
    if custom:
        try:
            custom_clean = custom_values_clean(entity=CustomField.Entity.DEAL, values=custom, pipeline=pipeline)
        except ValidationFailed as exc:
            errors |= exc.fields
    if errors:
        raise ValidationFailed(_("The deal has errors."), fields=errors)
    now = now or timezone.now()
    team = responsible.team if responsible is not None else (actor.team if actor is not None else None)
    deal = Deal(
        title=title,
        pipeline=pipeline,
        stage=stage,
        contact=contact,
        company=company,
        responsible=responsible,
        team=team,
        source=(source or "").strip(),
        budget_planned=budget_planned,
        budget_actual=budget_actual,
        parent=parent,
        custom=custom_clean,
        stage_entered_at=now,
        created_by=actor,
    )
    # Starting on a guarded stage must not be a way around its guard.
    missing = deal_stage_missing_fields(deal=deal, stage=stage)
    if missing:
        raise GuardFailed(
            _("Fill in these fields before moving to “%(stage)s”: %(fields)s")
            % {"stage": stage.name, "fields": ", ".join(m["label"] for m in missing)},
            missing=missing,
        )
    return deal


def _created_text(deal: Deal) -> str:
    return _("Deal created in “%(pipeline)s”, stage “%(stage)s”") % {
        "pipeline": deal.pipeline.name, "stage": deal.stage.name}


def _created_payload(deal: Deal) -> dict:
    return {"pipeline": deal.pipeline_id, "stage": deal.stage_id, "source": deal.source}


@transaction.atomic
def deal_create(*, actor: User | None, **fields) -> Deal:
    """Create a deal; ``fields`` are those of ``deal_build``."""
    deal = deal_build(actor=actor, **fields)
    deal.save()
    StageChange.objects.create(deal=deal, from_stage=None, to_stage=deal.stage, actor=actor, at=deal.stage_entered_at)
    contact = deal.contact
    if contact is not None and contact.team_id is None and deal.team_id is not None:
        Contact.objects.filter(pk=contact.pk).update(team=deal.team_id)
    timeline_add(kind=TimelineEntry.Kind.SYSTEM, deal=deal, author=actor, text=_created_text(deal),
                 data={"stage": deal.stage_id})
    event_record(kind="deal.created", deal_id=deal.pk, contact_id=deal.contact_id, actor_id=_actor_id(actor),
                 payload=_created_payload(deal))
    return deal


def deals_insert(*, deals: list[Deal], actor: User | None = None) -> list[Deal]:
    """Save many built deals at once with what ``deal_create`` writes for each (the first stage change, the
    timeline entry, the domain event, the contact's team), in a handful of INSERTs. Call inside
    transaction.atomic()."""
    if not deals:
        return []
    deals = Deal.objects.bulk_create(deals)
    author_id = _actor_id(actor)
    StageChange.objects.bulk_create(
        StageChange(deal=d, from_stage=None, to_stage_id=d.stage_id, actor_id=author_id, at=d.stage_entered_at)
        for d in deals
    )
    for deal in deals:
        if deal.contact is not None and deal.contact.team_id is None and deal.team_id is not None:
            Contact.objects.filter(pk=deal.contact_id).update(team=deal.team_id)
    TimelineEntry.objects.bulk_create(
        TimelineEntry(kind=TimelineEntry.Kind.SYSTEM, deal=d, contact_id=d.contact_id, author_id=author_id,
                      text=_created_text(d), data={"stage": d.stage_id}, created_at=d.stage_entered_at)
        for d in deals
    )
    events_record_many([
        DomainEvent(kind="deal.created", deal_id=d.pk, contact_id=d.contact_id, actor_id=author_id,
                    payload=_created_payload(d)) for d in deals
    ])
    return deals


_DEAL_FIELDS = {"title", "contact", "company", "responsible", "source", "budget_planned", "budget_actual", "custom"}


@transaction.atomic
def deal_update(*, deal: Deal, actor: User | None, **changes) -> Deal:
    """Change only the given fields; ``custom`` merges into the current values."""
    unknown = set(changes) - _DEAL_FIELDS
    if unknown:
        raise ValidationFailed(_("Unknown fields."), fields={f: [_("Unknown field.")] for f in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()
        if not changes["title"]:
            errors["title"] = [_("A deal needs a title.")]
    if "source" in changes:
        changes["source"] = (changes["source"] or "").strip()
    if "responsible" in changes:
        _check_responsible(actor, changes["responsible"], errors)
    for field in ("budget_planned", "budget_actual"):
        if field in changes:
            changes[field] = _budget_clean(changes[field], field, errors)
    if "custom" in changes:
        try:
            changes["custom"] = custom_values_clean(
                entity=CustomField.Entity.DEAL, values=changes["custom"] or {}, current=deal.custom,
                pipeline=deal.pipeline,
            )
        except ValidationFailed as exc:
            errors |= exc.fields
    if errors:
        raise ValidationFailed(_("The deal has errors."), fields=errors)

    changed: dict[str, object] = {}
    for field, value in changes.items():
        old = getattr(deal, field)
        if field == "custom":
            diff = sorted(k for k in set(old) | set(value) if old.get(k) != value.get(k))
            if diff:
                changed["custom"] = {k: old.get(k) for k in diff}
                deal.custom = value
            continue
        if old != value:
            changed[field] = str(old) if old is not None else None
            setattr(deal, field, value)
    update_fields = list(changed)
    if "responsible" in changed:
        if deal.responsible is not None:
            deal.team = deal.responsible.team
            update_fields.append("team")
        # A reassigned lead is untouched again, for its new manager.
        deal.touched_at = None
        update_fields.append("touched_at")
    if not changed:
        return deal
    # Only what changed: a stale instance must not write back a stage, closed_at or parent set meanwhile.
    deal.save(update_fields=[*update_fields, "updated_at"])
    timeline_add(
        kind=TimelineEntry.Kind.SYSTEM,
        deal=deal,
        author=actor,
        text=_("Deal changed: %(fields)s") % {"fields": changed_fields_label(
            Deal, changed, {c: f.name for c, f in custom_fields_for(CustomField.Entity.DEAL, deal.pipeline).items()})},
        data={"before": changed},
    )
    event_record(
        kind="deal.updated",
        deal_id=deal.pk,
        contact_id=deal.contact_id,
        actor_id=_actor_id(actor),
        payload={"fields": sorted(changed), "custom": sorted(changed.get("custom", {}))},
    )
    return deal


def deals_set_responsible(*, changes: list[tuple[Deal, int]], actor: User | None = None) -> list[Deal]:
    """``deal_update(deal=…, actor=…, responsible=…)`` for many deals at once (routing hands out leads in batches):
    the same row changes (the team follows the responsible; the lead is untouched again unless the actor takes it),
    the same "changed" timeline entries and ``deal.updated`` events, in four statements for the lot instead of about
    six a deal. A deal whose responsible stays is left alone, as deal_update leaves it. The instances are updated;
    answers those that changed. Call inside transaction.atomic(), with the deals locked."""
    changes = [(deal, user_id) for deal, user_id in changes if deal.responsible_id != user_id]
    if not changes:
        return []
    new_ids = {user_id for deal, user_id in changes}
    if actor is not None and new_ids - set(users_assignable_by(actor).filter(pk__in=new_ids).values_list(
            "pk", flat=True)):
        raise ValidationFailed(_("The deal has errors."),
                               fields={"responsible": [_("You cannot make this user responsible.")]})
    old_ids = {deal.responsible_id for deal, user_id in changes if deal.responsible_id is not None}
    users = {pk: (team_id, f"{first} {last}".strip() or username)  # (team, str(user))
             for pk, team_id, first, last, username in User.objects.filter(pk__in=new_ids | old_ids).values_list(
                 "pk", "team_id", "first_name", "last_name", "username")}
    now = timezone.now()
    author_id = _actor_id(actor)
    befores = []
    for deal, user_id in changes:
        befores.append(users[deal.responsible_id][1] if deal.responsible_id is not None else None)
        deal.responsible_id, deal.team_id = user_id, users[user_id][0]
        # timeline_add's rule: the responsible's own entry touches the lead.
        deal.touched_at = now if user_id == author_id else None
        deal.updated_at = now
    _deals_save([Deal._meta.get_field(name) for name in ("responsible", "team", "touched_at", "updated_at")],
                [deal for deal, user_id in changes])
    text = _("Deal changed: %(fields)s") % {"fields": changed_fields_label(Deal, {"responsible": None})}
    TimelineEntry.objects.bulk_create(
        TimelineEntry(kind=TimelineEntry.Kind.SYSTEM, deal=deal, contact_id=deal.contact_id, author_id=author_id,
                      text=text, data={"before": {"responsible": before}}, created_at=now)
        for (deal, user_id), before in zip(changes, befores, strict=True)
    )
    events_record_many([
        DomainEvent(kind="deal.updated", deal_id=deal.pk, contact_id=deal.contact_id, actor_id=author_id,
                    payload={"fields": ["responsible"], "custom": []}) for deal, user_id in changes
    ])
    return [deal for deal, user_id in changes]


def _deals_save(fields: list, deals: list[Deal]) -> None:
    """Write these fields of many deals, each its own values, in one statement: PostgreSQL takes many as arrays (a
    prepared UPDATE per row costs psycopg a round trip each), SQLite runs one prepared UPDATE per row (in process,
    cheap). ``bulk_update`` builds a CASE expression per field and row, which costs more than the rest together."""
    qn = connection.ops.quote_name
    table, pk = qn(Deal._meta.db_table), qn(Deal._meta.pk.column)
    values = [[f.get_db_prep_save(getattr(deal, f.attname), connection) for deal in deals] for f in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(deals) > 1:
            arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
            sets = ", ".join(f"{qn(f.column)} = v.c{i}" for i, f in enumerate(fields))
            names = ", ".join(f"c{i}" for i in range(len(fields)))
            cursor.execute(f"UPDATE {table} SET {sets} FROM unnest(%s::bigint[], {arrays}) AS v(id, {names}) "  # noqa: S608
                           f"WHERE {table}.{pk} = v.id", [[deal.pk for deal in deals], *values])
        else:
            cursor.executemany(f"UPDATE {table} SET {', '.join(f'{qn(f.column)} = %s' for f in fields)} "  # noqa: S608
                               f"WHERE {pk} = %s", [[*row, deal.pk] for *row, deal in zip(*values, deals, strict=True)])


def _is_filled(value) -> bool:
    return value not in (None, "", [], {})


def deal_stage_missing_fields(*, deal: Deal, stage: Stage) -> list[dict[str, str]]:
    """What the stage's guard wants that the deal lacks: ``[{"field", "label", "message"}]``."""
    missing = []
    custom_defs = None
    for code in stage.required_fields or []:
        if code in BUILTIN_REQUIRED:
            if not _is_filled(getattr(deal, code if code not in ("contact", "company", "responsible", "parent")
                                      else f"{code}_id")):
                label = str(BUILTIN_REQUIRED[code])
                missing.append({"field": code, "label": label, "message": _("Fill in “%s”.") % label})
            continue
        if custom_defs is None:
            custom_defs = custom_fields_for(CustomField.Entity.DEAL, deal.pipeline)
        if not _is_filled(deal.custom.get(code)):
            label = custom_defs[code].name if code in custom_defs else code
            missing.append({"field": f"custom.{code}", "label": label, "message": _("Fill in “%s”.") % label})
    return missing


@transaction.atomic
def deal_move_to_stage(
    *, deal: Deal, stage: Stage, actor: User | None, lost_reason: LostReason | None = None
) -> Deal:
    """Move the deal; refused with the missing fields when the stage's guard fails (nothing changes)."""
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    if stage.kind != Stage.Kind.LOST:
        lost_reason = None  # a reason only means something on a lost stage
    if stage.pipeline_id != deal.pipeline_id:
        raise ValidationFailed(_("This stage belongs to another pipeline."),
                               fields={"stage": [_("This stage belongs to another pipeline.")]})
    if stage.pk == deal.stage_id:
        return deal
    if stage.kind == Stage.Kind.LOST:
        if lost_reason is None:
            raise ValidationFailed(_("Say why the deal is lost."), fields={"lost_reason": [_("Required.")]})
        if lost_reason.pipeline_id != deal.pipeline_id:
            raise ValidationFailed(_("This reason belongs to another pipeline."),
                                   fields={"lost_reason": [_("This reason belongs to another pipeline.")]})
    else:
        missing = deal_stage_missing_fields(deal=deal, stage=stage)
        if missing:
            raise GuardFailed(
                _("Fill in these fields before moving to “%(stage)s”: %(fields)s")
                % {"stage": stage.name, "fields": ", ".join(m["label"] for m in missing)},
                missing=missing,
            )
    now = timezone.now()
    previous = deal.stage
    StageChange.objects.create(
        deal=deal,
        from_stage=previous,
        to_stage=stage,
        actor=actor,
        at=now,
        seconds_on_previous=max(0, int((now - deal.stage_entered_at).total_seconds())),
    )
    deal.stage = stage
    deal.stage_entered_at = now
    deal.closed_at = now if stage.is_closed else None
    deal.lost_reason = lost_reason if stage.kind == Stage.Kind.LOST else None
    deal.save()
    text = _("Stage: “%(from)s” → “%(to)s”") % {"from": previous.name, "to": stage.name}
    if lost_reason is not None:
        text += " — " + lost_reason.name
    timeline_add(
        kind=TimelineEntry.Kind.STAGE,
        deal=deal,
        author=actor,
        text=text,
        data={"from": previous.pk, "to": stage.pk, "lost_reason": lost_reason.pk if lost_reason else None},
    )
    event_record(
        kind="deal.stage_changed",
        deal_id=deal.pk,
        contact_id=deal.contact_id,
        actor_id=_actor_id(actor),
        payload={"from": previous.pk, "to": stage.pk, "pipeline": deal.pipeline_id, "kind": stage.kind},
    )
    return deal


@transaction.atomic
def deal_close_lost(*, deal: Deal, reason: LostReason | None, actor: User | None, stage: Stage | None = None) -> Deal:
    """Close as lost on the pipeline's lost stage (or the given one); a reason is required."""
    if reason is None:
        raise ValidationFailed(_("Say why the deal is lost."), fields={"lost_reason": [_("Required.")]})
    if stage is None:
        stage = deal.pipeline.stages.filter(kind=Stage.Kind.LOST).order_by("order", "id").first()
        if stage is None:
            raise ValidationFailed(_("This pipeline has no lost stage."), fields={"stage": [_("No lost stage.")]})
    elif stage.kind != Stage.Kind.LOST:
        raise ValidationFailed(_("Not a lost stage."), fields={"stage": [_("Not a lost stage.")]})
    return deal_move_to_stage(deal=deal, stage=stage, actor=actor, lost_reason=reason)


@transaction.atomic
def deal_link(*, deal: Deal, parent: Deal | None, actor: User | None) -> Deal:
    """Make ``parent`` the deal's parent (None unlinks). A deal cannot be its own ancestor."""
    if parent is not None:
        # Walk the stored chain, not the in-memory one: the caller's instances may be stale.
        ancestor_id, seen = parent.pk, set()
        while ancestor_id is not None and ancestor_id not in seen:
            if ancestor_id == deal.pk:
                raise ValidationFailed(_("A deal cannot be linked under itself."),
                                       fields={"parent": [_("That would make a loop.")]})
            seen.add(ancestor_id)
            ancestor_id = Deal.objects.filter(pk=ancestor_id).values_list("parent_id", flat=True).first()
    old = deal.parent
    if (old.pk if old else None) == (parent.pk if parent else None):
        return deal
    deal.parent = parent
    deal.save(update_fields=["parent", "updated_at"])
    if parent is not None:
        text = _("Linked to deal “%(title)s”") % {"title": parent.title}
        timeline_add(kind=TimelineEntry.Kind.SYSTEM, deal=parent, author=actor,
                     text=_("Linked deal added: “%(title)s”") % {"title": deal.title},
                     data={"child": deal.pk, "action": "linked"})
    else:
        text = _("Unlinked from deal “%(title)s”") % {"title": old.title}
        timeline_add(kind=TimelineEntry.Kind.SYSTEM, deal=old, author=actor,
                     text=_("Linked deal removed: “%(title)s”") % {"title": deal.title},
                     data={"child": deal.pk, "action": "unlinked"})
    timeline_add(kind=TimelineEntry.Kind.SYSTEM, deal=deal, author=actor, text=text,
                 data={"parent": parent.pk if parent else None})
    event_record(kind="deal.linked", deal_id=deal.pk, actor_id=_actor_id(actor),
                 payload={"parent": parent.pk if parent else None})
    return deal


@transaction.atomic
def deal_create_with_contact(
    *,
    actor: User | None,
    title: str,
    pipeline: Pipeline,
    contact: Contact | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    responsible: User | None = None,
    source: str = "",
) -> Deal:
    """A deal for an existing contact, or for a new one made from a name and a phone. Both or neither: a refused deal
    leaves no stray new contact behind."""
    if contact is None and ((contact_name or "").strip() or (contact_phone or "").strip()):
        phone = (contact_phone or "").strip()
        contact = contact_create(actor=actor, full_name=contact_name, phones=[phone] if phone else [], source=source)
    return deal_create(actor=actor, title=title, pipeline=pipeline, contact=contact, responsible=responsible,
                       source=source)
