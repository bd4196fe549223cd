"""The template library (administrators): the processes Podbor ships, each with its diagram to preview and an
Install button. template_install deploys the diagram and switches its triggers on; these views only carry it."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from podbor.automation.access import require_designer
from podbor.automation.library import TEMPLATES, Template
from podbor.automation.models import ProcessDefinition, ProcessTrigger
from podbor.automation.services import template_install
from podbor.crm.models import CustomField, Pipeline
from podbor.lib.errors import ValidationFailed
from podbor.lib.ids import id_from_text


@dataclass
class TemplateCard:
    template: Template
    starts_when: list[str]  # what installing switches on, in words
    installed: ProcessDefinition | None = None  # the newest version of the template's key
    edited: bool = False  # that version is not the shipped diagram (changed in the designer since)
    triggers: list[str] = field(default_factory=list)  # the active triggers of the key, in words


def trigger_spec_words(spec: dict, field_names: dict[str, str]) -> str:
    """A template's trigger as the card says it: "A deal enters any stage"."""
    if spec["kind"] == ProcessTrigger.Kind.STAGE_ENTERED and spec.get("stage_with_field"):
        code = spec["stage_with_field"]
        return _("A deal enters a stage that requires the field “%(field)s”") % {"field": field_names.get(code, code)}
    if spec["kind"] == ProcessTrigger.Kind.STAGE_ENTERED and spec.get("all_stages"):
        return _("A deal enters any stage")
    return str(ProcessTrigger.Kind(spec["kind"]).label)


def _starts_by_itself(template: Template) -> str:
    if "timeCycle" in template.xml:
        return _("By the timer in its diagram, with no deal")
    return _("By hand from a deal card, or through the API")


def trigger_words(trigger: ProcessTrigger) -> str:
    """A switched-on trigger with where it applies: "A deal is created · Кандидаты"."""
    when = str(ProcessTrigger.Kind(trigger.kind).label)
    if trigger.kind == ProcessTrigger.Kind.STAGE_ENTERED and trigger.stage is None:
        when = _("A deal enters any stage")
    where = [trigger.pipeline.name if trigger.pipeline else _("every pipeline")]
    if trigger.stage:
        where.append(trigger.stage.name)
    if trigger.field:
        where.append(trigger.field)
    return f"{when} · {' · '.join(where)}"


def _deal_field_names() -> dict[str, str]:
    return dict(CustomField.objects.filter(entity=CustomField.Entity.DEAL).values_list("code", "name"))


def _starts_when(template: Template, field_names: dict[str, str] | None = None) -> list[str]:
    names = _deal_field_names() if field_names is None else field_names
    return [trigger_spec_words(spec, names) for spec in template.triggers] or [_starts_by_itself(template)]


def template_cards() -> list[TemplateCard]:
    field_names = _deal_field_names()
    cards = {key: TemplateCard(template=t, starts_when=_starts_when(t, field_names)) for key, t in TEMPLATES.items()}
    for definition in ProcessDefinition.objects.filter(key__in=cards).order_by("key", "version").defer("spec"):
        cards[definition.key].installed = definition  # ordered by version: the newest one stays
    for card in cards.values():
        card.edited = card.installed is not None and card.installed.bpmn_xml != card.template.xml
    triggers = (ProcessTrigger.objects.filter(process_key__in=cards, is_active=True)
                .select_related("pipeline", "stage").order_by("id"))
    for trigger in triggers:
        cards[trigger.process_key].triggers.append(trigger_words(trigger))
    return list(cards.values())


def _pipelines() -> list[Pipeline]:
    return list(Pipeline.objects.filter(is_archived=False).order_by("order", "id"))


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    require_designer(request.user)
    return render(request, "automation/templates.html", {"cards": template_cards(), "pipelines": _pipelines()})


@login_required
@require_GET
def template_preview(request: HttpRequest, key: str) -> HttpResponse:
    """The shipped diagram, read-only (the viewer lays it out: the templates carry no diagram interchange)."""
    require_designer(request.user)
    card = next((c for c in template_cards() if c.template.key == key), None)
    if card is None:
        raise Http404
    return render(request, "automation/template_preview.html", {
        "card": card, "pipelines": _pipelines(),
        "viewer": {"xml": card.template.xml, "taken": [], "waiting": [], "incident": None},
    })


@login_required
@require_POST
def template_install_post(request: HttpRequest, key: str) -> HttpResponse:
    require_designer(request.user)
    template = TEMPLATES.get(key)
    if template is None:
        raise Http404
    back = reverse("automation-templates") + f"#template-{key}"
    pipeline = None
    chosen = request.POST.get("pipeline", "")
    if chosen:
        pipeline = Pipeline.objects.filter(pk=id_from_text(chosen) or 0, is_archived=False).first()
        if pipeline is None:
            messages.error(request, _("No such pipeline: choose one from the list."))
            return redirect(back)
    before = _installed_state(key)
    try:
        definition = template_install(key=key, actor=request.user, pipeline=pipeline)
    except ValidationFailed as exc:
        messages.error(request, exc.detail)
        return redirect(back)
    values = {"name": template.name, "version": definition.version}
    if template.triggers and not ProcessTrigger.objects.filter(process_key=key, is_active=True).exists():
        # e.g. the interview reminders when no stage requires the interview date yet
        messages.warning(request, _("“%(name)s” is installed (version %(version)s), but no trigger could be switched "
                                    "on: no stage matches “%(when)s”. Set the stage up, then install again.")
                         % {**values, "when": "; ".join(_starts_when(template))})
    elif _installed_state(key) == before:
        messages.info(request, _("“%(name)s” is already installed (version %(version)s): nothing changed.") % values)
    else:
        messages.success(request, _("“%(name)s” is installed: version %(version)s, its triggers are on.") % values)
    return redirect(back)


def _installed_state(key: str) -> tuple[int, int]:
    """The newest version and the number of triggers of a key: what an install may change."""
    newest = ProcessDefinition.objects.filter(key=key).order_by("-version").values_list("version", flat=True).first()
    return newest or 0, ProcessTrigger.objects.filter(process_key=key).count()
