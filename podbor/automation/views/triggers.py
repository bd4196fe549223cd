"""The designer's Triggers panel: what starts a process by itself, listed, added, changed and removed by an
administrator. The panel is server-rendered and posts through HTMX (a plain form post works too); the services
decide what a valid trigger is, and their refusals come back as form errors."""

import functools

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from podbor.automation.access import require_designer
from podbor.automation.models import ProcessDefinition, ProcessTrigger
from podbor.automation.selectors import process_triggers, trigger_fields
from podbor.automation.services import definition_current, trigger_create, trigger_delete, trigger_update
from podbor.crm.forms import form_show_service_error
from podbor.crm.models import Pipeline, Stage
from podbor.lib.errors import ValidationFailed

PANEL = "automation/_triggers.html"


class TriggerForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("When"), choices=ProcessTrigger.Kind.choices)
    pipeline = forms.ModelChoiceField(label=gettext_lazy("Pipeline"), queryset=Pipeline.objects.none(),
                                      required=False, empty_label=gettext_lazy("Any pipeline"))
    stage = forms.ModelChoiceField(label=gettext_lazy("Stage"), queryset=Stage.objects.none(), required=False,
                                   empty_label=gettext_lazy("Any stage"))
    field = forms.ChoiceField(label=gettext_lazy("Field"), required=False)
    is_active = forms.BooleanField(label=gettext_lazy("On"), required=False, initial=True)

    def __init__(self, *args, fields: dict[str, str], used: list[ProcessTrigger], **kwargs):
        super().__init__(*args, **kwargs)
        # Archived pipelines are not offered, unless a trigger of this process still names one.
        pipelines = Pipeline.objects.filter(Q(is_archived=False) | Q(pk__in=[t.pipeline_id for t in used if
                                                                               t.pipeline_id]))
        self.fields["pipeline"].queryset = pipelines
        self.fields["stage"].queryset = Stage.objects.filter(pipeline__in=pipelines).select_related("pipeline")
        choices = dict(fields)
        for trigger in used:  # a custom field deleted since still shows under its code
            if trigger.field and trigger.field not in choices:
                choices[trigger.field] = trigger.field
        self.fields["field"].choices = [("", "—"), *choices.items()]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"kind": data["kind"], "pipeline": data["pipeline"], "stage": data["stage"],
                "field": data["field"] or "", "is_active": data["is_active"]}


def _initial(trigger: ProcessTrigger) -> dict:
    return {"kind": trigger.kind, "pipeline": trigger.pipeline_id, "stage": trigger.stage_id, "field": trigger.field,
            "is_active": trigger.is_active}


def triggers_context(key: str, *, bound: TriggerForm | None = None, bound_pk: int | None = None,
                     saved: str = "") -> dict:
    """The panel of one process. ``bound`` is a posted form with its errors: the new one (``bound_pk`` None) or
    that of the trigger ``bound_pk``."""
    triggers = process_triggers(key)
    fields = trigger_fields()
    rows = []
    for trigger in triggers:
        if bound is not None and bound_pk == trigger.pk:
            form = bound
        else:
            form = TriggerForm(initial=_initial(trigger), prefix=f"trigger-{trigger.pk}", fields=fields,
                               used=triggers)
        rows.append({"trigger": trigger, "form": form})
    new = bound if bound is not None and bound_pk is None else TriggerForm(prefix="new", fields=fields,
                                                                          used=triggers)
    current = definition_current(key)
    return {"key": key, "rows": rows, "new_form": new, "saved": saved,
            "start_timer": current.start_timer if current else "", "deployed": True}


def _process_or_404(key: str) -> None:
    if not ProcessDefinition.objects.filter(key=key).exists():
        raise Http404


def _answer(request: HttpRequest, key: str, context: dict, *, failed: bool) -> HttpResponse:
    """HTMX gets the panel (its errors in it, status 200 so that HTMX shows them); a plain post goes back to the
    designer, or, refused, gets the designer page again with the errors in the panel."""
    if request.headers.get("HX-Request") == "true":
        return render(request, PANEL, context)
    if failed:
        from podbor.automation.views.designer import designer_page_for

        return designer_page_for(request, key, triggers=context, status=400)
    if context["saved"]:
        messages.success(request, context["saved"])
    return redirect(reverse("automation-designer", args=[key]) + "#process-triggers")


@login_required
@require_GET
def triggers_panel(request: HttpRequest, key: str) -> HttpResponse:
    require_designer(request.user)
    _process_or_404(key)
    return render(request, PANEL, triggers_context(key))


@login_required
@require_POST
def trigger_add(request: HttpRequest, key: str) -> HttpResponse:
    require_designer(request.user)
    _process_or_404(key)
    form = TriggerForm(request.POST, prefix="new", fields=trigger_fields(), used=process_triggers(key))
    return _submit(request, key, form, functools.partial(trigger_create, process_key=key, actor=request.user),
                   saved=_("Trigger added."))


def _submit(request: HttpRequest, key: str, form: TriggerForm, save, *, saved: str,
            bound_pk: int | None = None) -> HttpResponse:
    """A valid form goes to ``save``; its refusal or the form's own errors come back on the panel."""
    if form.is_valid():
        try:
            save(**form.service_arguments())
        except ValidationFailed as exc:
            form_show_service_error(form, exc)
        else:
            return _answer(request, key, triggers_context(key, saved=saved), failed=False)
    return _answer(request, key, triggers_context(key, bound=form, bound_pk=bound_pk), failed=True)


def _trigger_or_404(key: str, pk: int) -> ProcessTrigger:
    return get_object_or_404(ProcessTrigger.objects.select_related("pipeline", "stage"), pk=pk, process_key=key)


@login_required
@require_POST
def trigger_edit(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    require_designer(request.user)
    trigger = _trigger_or_404(key, pk)
    form = TriggerForm(request.POST, prefix=f"trigger-{pk}", fields=trigger_fields(), used=process_triggers(key))
    return _submit(request, key, form, functools.partial(trigger_update, trigger=trigger, actor=request.user),
                   saved=_("Trigger saved."), bound_pk=pk)


@login_required
@require_POST
def trigger_remove(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    require_designer(request.user)
    trigger_delete(trigger=_trigger_or_404(key, pk), actor=request.user)
    return _answer(request, key, triggers_context(key, saved=_("Trigger removed.")), failed=False)
