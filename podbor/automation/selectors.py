"""Reads for the process pages: every instance query a person makes is scoped here, through the deals they may see."""

from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Count, Q, QuerySet
from django.utils.text import capfirst
from lxml import etree

from podbor.accounts.models import User
from podbor.automation.models import ProcessDefinition, ProcessInstance, ProcessTrigger
from podbor.crm.models import CustomField, Deal
from podbor.crm.selectors import deals_visible_to

OPEN_STATUSES = (ProcessInstance.Status.RUNNING, ProcessInstance.Status.WAITING, ProcessInstance.Status.INCIDENT)


def instances_visible_to(user: User) -> QuerySet[ProcessInstance]:
    """An administrator sees every instance; anyone else those of the deals they may see. A team lead also sees
    the instances that run without a deal (timer-started processes), to handle their incidents."""
    instances = ProcessInstance.objects.all()
    if not user.is_authenticated or not user.is_active:
        return instances.none()
    if user.is_admin:
        return instances
    scope = Q(deal__in=deals_visible_to(user))
    if user.is_team_lead:
        scope |= Q(deal__isnull=True)
    return instances.filter(scope)


@dataclass
class ProcessRow:
    """One process (a key) in the list: its newest version and how many of its instances are where."""

    latest: ProcessDefinition
    versions: int
    current: ProcessDefinition | None  # the newest active version: the one that starts
    counts: dict[str, int] = field(default_factory=dict)


def processes_overview(user: User) -> list[ProcessRow]:
    rows: dict[str, ProcessRow] = {}
    for definition in ProcessDefinition.objects.order_by("key", "-version"):
        row = rows.get(definition.key)
        if row is None:
            rows[definition.key] = ProcessRow(latest=definition, versions=1,
                                              current=definition if definition.is_active else None)
            continue
        row.versions += 1
        if row.current is None and definition.is_active:
            row.current = definition
    counted = (instances_visible_to(user).filter(status__in=OPEN_STATUSES)
               .values_list("definition__key", "status").annotate(n=Count("id")).order_by())
    for key, status, n in counted:
        if key in rows:
            rows[key].counts[status] = n
    return sorted(rows.values(), key=lambda r: r.latest.name.lower())


def definitions_startable() -> list[ProcessDefinition]:
    """The newest active version of every key: what "Start process" offers."""
    seen: set[str] = set()
    startable = []
    for definition in ProcessDefinition.objects.filter(is_active=True).order_by("key", "-version"):
        if definition.key not in seen:
            seen.add(definition.key)
            startable.append(definition)
    return sorted(startable, key=lambda d: d.name.lower())


# The deal fields a "field changes" trigger can wait for: those crm's deal_update names in its deal.updated event
# (a custom field is named there by its code).
DEAL_TRIGGER_FIELDS = ("title", "contact", "company", "responsible", "source", "budget_planned", "budget_actual")


def trigger_fields() -> dict[str, str]:
    """Field name or custom field code -> its label, in the order the designer offers them."""
    fields = {name: capfirst(str(Deal._meta.get_field(name).verbose_name)) for name in DEAL_TRIGGER_FIELDS}
    for custom in CustomField.objects.filter(entity=CustomField.Entity.DEAL).select_related("pipeline"):
        label = f"{custom.name} ({custom.pipeline})" if custom.pipeline_id else custom.name
        fields.setdefault(custom.code, label)
    return fields


def process_triggers(key: str) -> list[ProcessTrigger]:
    return list(ProcessTrigger.objects.filter(process_key=key).select_related("pipeline", "stage")
                .order_by("id"))


def instance_path(instance: ProcessInstance) -> list[str]:
    """The element ids the instance went through, in order, each once."""
    seen: dict[str, None] = {}
    for element_id in instance.steps.order_by("at", "id").values_list("element_id", flat=True):
        seen.setdefault(element_id, None)
    return list(seen)


BPMN_MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@lru_cache(maxsize=128)
def _names(definition_id: int, xml: str) -> dict[str, str]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(xml.encode("utf-8"), parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return {}
    return {node.get("id"): node.get("name") or "" for node in root.iter(f"{{{BPMN_MODEL}}}*") if node.get("id")}


def element_names(definition: ProcessDefinition) -> dict[str, str]:
    """Element id -> its name in the diagram (versions never change, so each is parsed once)."""
    return _names(definition.pk, definition.bpmn_xml)


def waiting_described(instance: ProcessInstance) -> list[dict]:
    """What the instance waits at, with the element names people gave them."""
    names = element_names(instance.definition)
    return [{**w, "name": names.get(w.get("id"), "")} for w in (instance.waiting_at or []) if isinstance(w, dict)]
