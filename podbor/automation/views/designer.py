"""The process list and the designer (bpmn-js in the browser), for administrators: deploy from the modeler or from a
.bpmn file, download a version. process_deploy decides what a valid diagram is; these views only carry it."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from podbor.accounts.models import User
from podbor.automation.access import can_design, require_designer, require_operator
from podbor.automation.engine.catalogue import catalogue_as_json
from podbor.automation.models import ProcessDefinition
from podbor.automation.selectors import processes_overview
from podbor.automation.services import MAX_DIAGRAM_BYTES, process_deploy
from podbor.automation.views.triggers import triggers_context
from podbor.crm.models import Task
from podbor.lib.errors import ValidationFailed
from podbor.lib.ids import id_from_text


@login_required
@require_GET
def process_list(request: HttpRequest) -> HttpResponse:
    require_operator(request.user)
    return render(request, "automation/processes.html", {
        "rows": processes_overview(request.user), "can_design": can_design(request.user),
    })


def _versions_or_404(key: str) -> list[ProcessDefinition]:
    versions = list(ProcessDefinition.objects.filter(key=key).order_by("-version").defer("spec"))
    if not versions:
        raise Http404
    return versions


@login_required
@require_GET
def designer(request: HttpRequest, key: str | None = None) -> HttpResponse:
    require_designer(request.user)
    versions: list[ProcessDefinition] = _versions_or_404(key) if key else []
    shown = versions[0] if versions else None
    if versions and id_from_text(request.GET.get("version")):
        shown = next((v for v in versions if v.version == id_from_text(request.GET["version"])), shown)
    return _designer_page(request, xml=shown.bpmn_xml if shown else "", shown=shown, versions=versions,
                          triggers=triggers_context(key) if key else None)


def designer_page_for(request: HttpRequest, key: str, *, triggers: dict, status: int) -> HttpResponse:
    """The designer on the newest version of ``key``, with the Triggers panel as given (e.g. with a form's errors)."""
    versions = _versions_or_404(key)
    return _designer_page(request, xml=versions[0].bpmn_xml, shown=versions[0], versions=versions, triggers=triggers,
                          status=status)


def _designer_page(request: HttpRequest, *, xml: str, shown: ProcessDefinition | None,
                   versions: list[ProcessDefinition], errors: list[dict] | None = None,
                   triggers: dict | None = None, status: int = 200) -> HttpResponse:
    return render(request, "automation/designer.html", {
        "shown": shown, "versions": versions, "errors": errors or [],
        "config": designer_config(xml=xml, errors=errors or []),
        "triggers": triggers or {"deployed": False},
    }, status=status)


def designer_config(*, xml: str, errors: list[dict]) -> dict:
    """What designer.js needs: the catalogue, the choices of a user task and its texts in the reader's language."""
    users = User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")
    return {
        "lang": "ru" if (get_language() or "").startswith("ru") else "en",
        "catalogue": list(catalogue_as_json().values()),
        "taskKinds": [{"value": value, "label": str(label)} for value, label in Task.Kind.choices],
        "assignees": [{"value": "responsible", "label": _("The deal's responsible")},
                      {"value": "team_lead", "label": _("The team lead")}]
                     + [{"value": f"user:{u.pk}", "label": str(u)} for u in users],
        "deployUrl": reverse("automation-deploy"),
        "xml": xml,
        "errors": errors,
        "texts": designer_texts(),
    }


def designer_texts() -> dict[str, str]:
    return {
        "operator": _("Operation"),
        "operatorHelp": _("What this step does in Podbor."),
        "noOperator": _("— choose —"),
        "resultVariable": _("Result variable"),
        "resultVariableHelp": _("The operation's answer is kept under this name for the next steps."),
        "badVariable": _("Latin letters, digits and _ only, not starting with a digit."),
        "expressionHelp": _("Start with = to give a Python expression instead, e.g. =deal['title']."),
        "listHelp": _("Separate the items with ;."),
        "expectedInt": _("A whole number is expected."),
        "expectedNumber": _("A number is expected."),
        "prop_title": _("Task title"),
        "prop_title_help": _("What the person sees in their tasks."),
        "prop_kind": _("Task kind"),
        "prop_due_in": _("Due in"),
        "prop_due_in_help": _("ISO 8601 duration from the moment the task appears: PT90S, PT2H, P1D."),
        "prop_checklist": _("Checklist"),
        "prop_checklist_help": _("Items separated by ;."),
        "prop_assignee": _("Assignee"),
        "prop_assignee_help": _("Empty: the deal's responsible."),
        "badDuration": _("Not an ISO 8601 duration: write e.g. PT90S, PT2H or P1D."),
        "condition": _("Condition"),
        "conditionHelp": _("A Python expression, e.g. result == 'yes' or deal['budget_planned'] > 1000."),
        "script": _("Script"),
        "scriptHelp": _("Python; deal and contact are read-only, variables you set stay with the instance."),
        "cannotOpen": _("The diagram could not be opened:"),
        "deployFailed": _("The diagram cannot be deployed."),
        "document": _("Document"),
        "line": _("line %(line)s"),
        "instances": _("Instances"),
    }


def deploy_errors(exc: ValidationFailed) -> list[dict]:
    """The service's errors by element, each with a message in the reader's language."""
    found = exc.extra.get("errors") or []
    if not found:
        return [{"id": "", "tag": "", "line": None, "message": m} for m in (exc.fields.get("bpmn") or [exc.detail])]
    return [{"id": e.get("id") or "", "tag": e.get("tag") or "", "line": e.get("line"),
             "message": e.get("message") or e.get("reason") or exc.detail} for e in found]


def _deployed_message(definition: ProcessDefinition, *, new: bool) -> str:
    if not new:
        return _("No changes: version %(version)s of “%(name)s” stays current.") % {
            "version": definition.version, "name": definition.name}
    return _("Deployed “%(name)s”, version %(version)s.") % {"version": definition.version, "name": definition.name}


@login_required
@require_POST
def deploy(request: HttpRequest) -> JsonResponse:
    """The designer's Deploy button: the diagram's XML as the request body; JSON back."""
    if not can_design(request.user):
        return JsonResponse({"detail": _("Only administrators deploy processes.")}, status=403)
    try:
        xml = request.body
    except RequestDataTooBig:
        return _refused(_("The diagram is too large."), status=413)
    if not xml.strip():
        return _refused(_("The diagram is empty."))
    started = timezone.now()
    try:
        definition = process_deploy(xml=xml, actor=request.user)
    except ValidationFailed as exc:
        return JsonResponse({"detail": exc.detail, "errors": deploy_errors(exc)}, status=400)
    return JsonResponse({
        "key": definition.key, "name": definition.name, "version": definition.version,
        "changed": _is_new(definition, started),
        "message": _deployed_message(definition, new=_is_new(definition, started)),
        "url": reverse("automation-instances", args=[definition.key]),
        "designer_url": reverse("automation-designer", args=[definition.key]),
        "triggers_url": reverse("automation-triggers", args=[definition.key]),
    })


def _is_new(definition: ProcessDefinition, started) -> bool:
    """process_deploy answers the current version for a diagram that did not change."""
    return definition.deployed_at >= started


def _refused(message: str, *, status: int = 400) -> JsonResponse:
    return JsonResponse({"detail": message, "errors": [{"id": "", "tag": "", "line": None, "message": message}]},
                        status=status)


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    """A .bpmn file from Camunda Modeler or bpmn.io: deployed at once; when it has errors it opens in the designer
    with them, so nothing of it is lost."""
    require_designer(request.user)
    back = request.POST.get("key") or ""
    if back and not ProcessDefinition.objects.filter(key=back).exists():
        back = ""  # a form posted by hand: back to a new diagram
    upload_file = request.FILES.get("bpmn_file")
    if upload_file is None:
        messages.error(request, _("Choose a .bpmn file."))
        return redirect(reverse("automation-designer", args=[back]) if back else reverse("automation-designer-new"))
    if upload_file.size > MAX_DIAGRAM_BYTES:
        messages.error(request, _("The file is too large (at most 2 MB)."))
        return redirect(reverse("automation-designer", args=[back]) if back else reverse("automation-designer-new"))
    xml = upload_file.read()
    started = timezone.now()
    try:
        definition = process_deploy(xml=xml, actor=request.user)
    except ValidationFailed as exc:
        text = xml.decode("utf-8", errors="replace")
        return _designer_page(request, xml=text, shown=None, versions=[], errors=deploy_errors(exc), status=400)
    messages.success(request, _deployed_message(definition, new=_is_new(definition, started)))
    return redirect("automation-designer", key=definition.key)


@login_required
@require_GET
def download(request: HttpRequest, key: str) -> HttpResponse:
    require_designer(request.user)
    versions = _versions_or_404(key)
    shown = versions[0]
    if id_from_text(request.GET.get("version")):
        shown = next((v for v in versions if v.version == id_from_text(request.GET["version"])), None)
        if shown is None:
            raise Http404
    response = HttpResponse(shown.bpmn_xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{key}-v{shown.version}.bpmn"'
    return response
