"""Call-list filters, kept by administrators: which open leads feed the lists and each filter's share of a list.

Rules checked on every write:
- the shares (weights) of the active filters add up to exactly 100 % (several filters are rebalanced at once with
  ``call_list_filter_shares_set``); inactive filters do not count;
- required skills are skill codes that exist;
- a filter that matches no open lead at all is refused as a validation error naming the criterion after which
  nothing is left (usually a typo in a source or a tag). The caller may confirm it on purpose with
  ``allow_empty=True`` (a filter prepared for leads that have not arrived yet).
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from podbor.accounts.models import Skill, User
from podbor.crm.models import Contact, CustomField, Deal, Pipeline, Stage
from podbor.crm.services.custom_fields import custom_values_clean
from podbor.lib.errors import PermissionRefused, ValidationFailed
from podbor.routing.models import CallListFilter

SHARE_TOTAL = 100
_TEXT_LIMIT = 120


def filter_deals(
    call_filter: CallListFilter, deals: QuerySet[Deal], *, stage_ids: list[int] | None = None
) -> QuerySet[Deal]:
    """The open deals of ``deals`` that the filter matches. ``stage_ids`` saves a query when already known."""
    if stage_ids is None:
        stage_ids = [s.pk for s in call_filter.stages.all()]
    return _narrowed(call_filter, deals, stage_ids)[-1][1]


def _narrowed(call_filter: CallListFilter, deals: QuerySet[Deal], stage_ids: list[int]) -> list[tuple[str, QuerySet]]:
    """The filter applied criterion by criterion: [(field, deals matching up to it)], for the "matches nothing"
    diagnosis. Only open deals of open stages."""
    steps = []
    # Open deals only: a deal on a won or lost stage has closed_at set.
    deals = deals.filter(pipeline_id=call_filter.pipeline_id, closed_at__isnull=True)
    steps.append(("pipeline", deals))
    if stage_ids:
        deals = deals.filter(stage_id__in=stage_ids)
        steps.append(("stages", deals))
    if call_filter.sources:
        deals = deals.filter(source__in=call_filter.sources)
        steps.append(("sources", deals))
    if call_filter.tags:
        tagged = Contact.tags.through.objects.filter(contact_id=OuterRef("contact_id"), tag__name__in=call_filter.tags)
        deals = deals.filter(Exists(tagged))
        steps.append(("tags", deals))
    if call_filter.fields:
        for code, value in sorted(call_filter.fields.items()):
            deals = deals.filter(**{f"custom__{code}": value})
        steps.append(("fields", deals))
    return steps


def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise PermissionRefused(_("Only administrators change call-list filters."))


def _texts(values, field: str, errors: dict) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, Iterable):
        errors[field] = [_("Expected a list.")]
        return []
    cleaned = []
    for index, value in enumerate(values):
        text = value.strip() if isinstance(value, str) else ""
        if not text or len(text) > _TEXT_LIMIT:
            errors[f"{field}.{index}"] = [_("Expected a non-empty text of at most %(n)s characters.") % {
                "n": _TEXT_LIMIT}]
        elif text not in cleaned:
            cleaned.append(text)
    return cleaned


def _skills(codes, errors: dict) -> list[Skill]:
    codes = _texts(codes, "required_skills", errors)
    found = {s.code: s for s in Skill.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors["required_skills"] = [_("Unknown skill: %(codes)s.") % {"codes": ", ".join(unknown)}]
    return [found[c] for c in codes if c in found]


def _stages(stage_ids, pipeline: Pipeline | None, errors: dict) -> list[Stage]:
    if stage_ids is None:
        return []
    if pipeline is None:
        return []
    ids = list(dict.fromkeys(stage_ids))
    found = {s.pk: s for s in Stage.objects.filter(pk__in=[i for i in ids if isinstance(i, int)], pipeline=pipeline)}
    bad = [i for i in ids if i not in found]
    if bad:
        errors["stages"] = [_("No such stage in this pipeline: %(ids)s.") % {"ids": ", ".join(map(str, bad))}]
    closed = [s.name for s in found.values() if s.is_closed]
    if closed:
        errors["stages"] = [_("Closed stages have nobody to call: %(names)s.") % {"names": ", ".join(closed)}]
    return list(found.values())


def _field_values(values, pipeline: Pipeline | None, errors: dict) -> dict:
    if not values:
        return {}
    if not isinstance(values, dict):
        errors["fields"] = [_("Expected an object.")]
        return {}
    try:
        return custom_values_clean(entity=CustomField.Entity.DEAL, values=values, pipeline=pipeline)
    except ValidationFailed as exc:
        errors |= {name.replace("custom.", "fields.", 1): messages for name, messages in exc.fields.items()}
        return {}


def _weight(value, errors: dict) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= SHARE_TOTAL:
        errors["weight"] = [_("A share is a whole number of percent from 0 to 100.")]
        return 0
    return value


def _check_shares(*, changed: dict[int | None, tuple[int, bool]], field: str, errors: dict) -> None:
    """The active filters' shares, with ``changed`` ({filter id or None for a new one: (weight, active)}) applied,
    must add up to 100 % (or there is no active filter at all)."""
    current = {pk: (w, a) for pk, w, a in CallListFilter.objects.values_list("pk", "weight", "is_active")}
    current |= changed
    active = [w for w, a in current.values() if a]
    total = sum(active)
    if active and total != SHARE_TOTAL:
        errors[field] = [_("The shares of the active filters add up to %(total)s %%; they must add up to 100 %%. "
                           "Change several shares at once on the filters page.") % {"total": total}]


def _check_matches(call_filter: CallListFilter, stages: list[Stage], errors: dict) -> None:
    if errors:
        return
    steps = _narrowed(call_filter, Deal.objects.all(), [s.pk for s in stages])
    if steps[-1][1].exists():
        return
    # Name the first criterion after which nothing is left.
    for field, deals in steps:
        if not deals.exists():
            errors[field] = [_("This filter matches no open lead (nothing is left after this criterion). "
                               "Check it, or confirm to save it anyway.")]
            return


_EDITABLE = {"name", "pipeline", "stages", "sources", "tags", "fields", "weight", "required_skills", "is_active",
             "order"}


@transaction.atomic
def call_list_filter_save(
    *, actor: User, call_filter: CallListFilter | None = None, allow_empty: bool = False, **values
) -> CallListFilter:
    """Create a filter (``call_filter`` None) or change the given fields of one. ``stages`` are stage ids,
    ``required_skills`` skill codes, ``fields`` {deal custom field code: value}."""
    _require_admin(actor)
    unknown = set(values) - _EDITABLE
    if unknown:
        raise ValidationFailed(_("Unknown fields."), fields={f: [_("Unknown field.")] for f in sorted(unknown)})
    creating = call_filter is None
    target = call_filter if call_filter is not None else CallListFilter()
    errors: dict[str, list[str]] = {}
    if "name" in values or creating:
        target.name = (values.get("name") or "").strip()[:120]
        if not target.name:
            errors["name"] = [_("Give the filter a name.")]
    if "pipeline" in values or creating:
        pipeline = values.get("pipeline")
        if pipeline is None:
            errors["pipeline"] = [_("Choose a pipeline.")]
        else:
            target.pipeline = pipeline
    pipeline = target.pipeline if target.pipeline_id else None
    if "stages" in values or (creating is False and "pipeline" in values):
        stages = _stages(values.get("stages") or [], pipeline, errors)
    else:
        stages = list(target.stages.all()) if not creating else []
    if "sources" in values:
        target.sources = _texts(values["sources"], "sources", errors)
    if "tags" in values:
        target.tags = _texts(values["tags"], "tags", errors)
    if "fields" in values or ("pipeline" in values and not creating):
        source = values.get("fields", target.fields)
        target.fields = _field_values(source, pipeline, errors)
    if "weight" in values:
        target.weight = _weight(values["weight"], errors)
    if "is_active" in values:
        target.is_active = bool(values["is_active"])
    if "order" in values:
        order = values["order"]
        if isinstance(order, bool) or not isinstance(order, int) or order < 0:
            errors["order"] = [_("Expected a whole number.")]
        else:
            target.order = order
    skills = _skills(values["required_skills"], errors) if "required_skills" in values else None
    if "weight" not in errors:
        _check_shares(changed={target.pk: (target.weight, target.is_active)}, field="weight", errors=errors)
    if not allow_empty and target.is_active:
        _check_matches(target, stages, errors)
    if errors:
        raise ValidationFailed(_("The filter has errors."), fields=errors)
    target.save()
    if "stages" in values or creating or "pipeline" in values:
        target.stages.set(stages)
    if skills is not None:
        target.required_skills.set(skills)
    return target


@transaction.atomic
def call_list_filter_delete(*, actor: User, call_filter: CallListFilter) -> None:
    """Deleting an active filter must leave the other active shares at 100 % (or none active)."""
    _require_admin(actor)
    errors: dict[str, list[str]] = {}
    if call_filter.is_active:
        _check_shares(changed={call_filter.pk: (0, False)}, field="weight", errors=errors)
    if errors:
        raise ValidationFailed(_("Rebalance the shares of the other filters first, or deactivate this one."),
                               fields=errors)
    call_filter.delete()


@transaction.atomic
def call_list_filter_shares_set(*, actor: User, shares: dict[int, tuple[int, bool]]) -> list[CallListFilter]:
    """Set several filters' shares and active flags at once ({filter id: (weight, is_active)}), so that a
    50/50 split can replace a 100 one without passing through a refused state."""
    _require_admin(actor)
    errors: dict[str, list[str]] = {}
    filters = {f.pk: f for f in CallListFilter.objects.select_for_update().filter(pk__in=list(shares))}
    for pk, (weight, _active) in shares.items():
        if pk not in filters:
            errors[f"shares.{pk}"] = [_("No such filter.")]
            continue
        field_errors: dict[str, list[str]] = {}
        _weight(weight, field_errors)
        if field_errors:
            errors[f"shares.{pk}"] = field_errors["weight"]
    if not errors:
        _check_shares(changed=dict(shares), field="shares", errors=errors)
    if errors:
        raise ValidationFailed(_("The shares have errors."), fields=errors)
    for pk, (weight, active) in shares.items():
        call_filter = filters[pk]
        call_filter.weight, call_filter.is_active = weight, bool(active)
        call_filter.save(update_fields=["weight", "is_active"])
    return list(CallListFilter.objects.all())
