"""Distribution rules, for administrators: the list, and one page to create or edit a rule with its managers and
their weights. The form only reads the input; rule_create/rule_update decide what is valid."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from podbor.accounts.models import Skill, Team, User
from podbor.crm.forms import form_show_service_error
from podbor.crm.models import Pipeline
from podbor.lib.errors import ServiceError
from podbor.routing.models import DistributionRule
from podbor.routing.selectors import rules_list as rules_selector
from podbor.routing.services import MemberSpec, rule_create, rule_delete, rule_update


def require_admin(user: User) -> None:
    if not user.is_admin:
        raise PermissionDenied


class RuleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    pipeline = forms.ModelChoiceField(label=gettext_lazy("Pipeline"), queryset=Pipeline.objects.none())
    source = forms.CharField(label=gettext_lazy("Source"), max_length=120, required=False,
                             help_text=gettext_lazy("As written on the deal; empty: any source."))
    strategy = forms.ChoiceField(label=gettext_lazy("Strategy"), choices=DistributionRule.Strategy.choices)
    team = forms.ModelChoiceField(label=gettext_lazy("Only the team"), queryset=Team.objects.all(), required=False)
    required_skills = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Required skills"), queryset=Skill.objects.all(), required=False, to_field_name="code",
        widget=forms.CheckboxSelectMultiple)
    skill_field = forms.CharField(label=gettext_lazy("Skill from the deal field (code)"), max_length=60,
                                  required=False,
                                  help_text=gettext_lazy("The field's value is a skill code, e.g. a language."))
    max_open_untouched = forms.IntegerField(label=gettext_lazy("Limit of open untouched leads per manager"),
                                            min_value=0, max_value=100_000, required=False)
    only_present = forms.BooleanField(label=gettext_lazy("Only managers at work"), required=False)
    returning_candidate = forms.BooleanField(label=gettext_lazy("A returning candidate goes to their previous "
                                                                "manager"), required=False)
    priority = forms.IntegerField(label=gettext_lazy("Priority (lower runs first)"), min_value=0,
                                  max_value=1_000_000)
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False)

    def __init__(self, *args, managers, members: dict[int, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pipeline"].queryset = Pipeline.objects.filter(is_archived=False)
        self.managers = list(managers)
        # One checkbox and one weight per manager: the members table.
        for user in self.managers:
            self.fields[f"member_{user.pk}"] = forms.BooleanField(required=False, label=str(user))
            self.fields[f"weight_{user.pk}"] = forms.IntegerField(required=False, min_value=0, max_value=100,
                                                                  label=gettext_lazy("weight, %"))
            if members is not None and not self.is_bound:
                self.initial[f"member_{user.pk}"] = user.pk in members
                self.initial[f"weight_{user.pk}"] = members.get(user.pk, 0)

    def member_rows(self) -> list[tuple]:
        return [(user, self[f"member_{user.pk}"], self[f"weight_{user.pk}"]) for user in self.managers]

    def service_args(self) -> dict:
        data = self.cleaned_data
        members = [MemberSpec(user=user, weight=data.get(f"weight_{user.pk}") or 0)
                   for user in self.managers if data.get(f"member_{user.pk}")]
        return {
            "name": data["name"], "pipeline": data["pipeline"], "source": data["source"],
            "strategy": data["strategy"], "team": data["team"], "members": members,
            "required_skills": [s.code for s in data["required_skills"]], "skill_field": data["skill_field"],
            "only_present": data["only_present"], "max_open_untouched": data["max_open_untouched"],
            "returning_candidate": data["returning_candidate"], "priority": data["priority"],
            "is_active": data["is_active"],
        }


def _managers():
    return User.objects.filter(is_active=True).exclude(role=User.Role.ADMIN).select_related("team").order_by(
        "team__name", "last_name", "first_name", "username")


def _initial(rule: DistributionRule | None) -> dict:
    if rule is None:
        return {"only_present": True, "returning_candidate": True, "is_active": True, "priority": 100,
                "strategy": DistributionRule.Strategy.ROUND_ROBIN}
    return {"name": rule.name, "pipeline": rule.pipeline_id, "source": rule.source, "strategy": rule.strategy,
            "team": rule.team_id, "required_skills": [s.code for s in rule.required_skills.all()],
            "skill_field": rule.skill_field, "max_open_untouched": rule.max_open_untouched,
            "only_present": rule.only_present, "returning_candidate": rule.returning_candidate,
            "priority": rule.priority, "is_active": rule.is_active}


@login_required
@require_GET
def rules_list(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    return render(request, "routing/rules.html", {"rules": rules_selector()})


def _form_page(request: HttpRequest, rule: DistributionRule | None) -> HttpResponse:
    members = {m.user_id: m.weight for m in rule.members.all()} if rule else {}
    form = RuleForm(request.POST or None, managers=_managers(), members=members, initial=_initial(rule))
    if request.method == "POST" and form.is_valid():
        try:
            if rule is None:
                saved = rule_create(actor=request.user, **form.service_args())
            else:
                saved = rule_update(actor=request.user, rule=rule, **form.service_args())
        except ServiceError as exc:
            form_show_service_error(form, exc)
        else:
            messages.success(request, _("Rule “%(name)s” saved.") % {"name": saved.name})
            return redirect("routing-rules")
    return render(request, "routing/rules_form.html", {"form": form, "rule": rule})


@login_required
@require_http_methods(["GET", "POST"])
def rule_new(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    return _form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    return _form_page(request, get_object_or_404(DistributionRule, pk=pk))


@login_required
@require_POST
def rule_remove(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    rule = get_object_or_404(DistributionRule, pk=pk)
    rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("Rule “%(name)s” deleted.") % {"name": rule.name})
    return redirect("routing-rules")
