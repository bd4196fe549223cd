"""Forms of the call card and of the filters' admin page. They only parse input; the services decide."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from podbor.accounts.models import Skill
from podbor.crm.models import CustomField, Deal, LostReason, Pipeline, Stage
from podbor.crm.services.custom_fields import custom_fields_for
from podbor.routing.models import CallListFilter, CallListItem

CUSTOM_PREFIX = "custom."
_SPLIT = re.compile(r"[\n,;]+")


def split_list(text: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(text or "") if part.strip()]


class CallCardForm(forms.Form):
    """The lead's key fields, pre-filled, and the outcome. ``changes()`` gives only what the manager changed."""

    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    middle_name = forms.CharField(label=_("Middle name"), max_length=150, required=False)
    phones = forms.CharField(label=_("Phones"), required=False, max_length=500,
                             help_text=_("Several: one a line or separated by commas."),
                             widget=forms.Textarea(attrs={"rows": 2}))
    emails = forms.CharField(label=_("Emails"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 1}))
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    title = forms.CharField(label=_("Deal title"), max_length=255, required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallListItem.Outcome.choices)
    callback_at = forms.DateTimeField(label=_("Call back at"), required=False,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"])
    pin = forms.BooleanField(label=_("Pin to me"), required=False)
    lost_reason = forms.ModelChoiceField(label=_("Lost reason"), queryset=LostReason.objects.none(), required=False)
    deal = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, deal: Deal, **kwargs):
        kwargs.setdefault("auto_id", "card_%s")
        self.deal = deal
        contact = deal.contact
        self.custom_fields = sorted(custom_fields_for(CustomField.Entity.DEAL, deal.pipeline).values(),
                                    key=lambda f: (f.order, f.pk))
        self.start = {
            "last_name": contact.last_name if contact else "",
            "first_name": contact.first_name if contact else "",
            "middle_name": contact.middle_name if contact else "",
            "phones": "\n".join(p.raw for p in contact.phones.all()) if contact else "",
            "emails": "\n".join(e.raw for e in contact.emails.all()) if contact else "",
            "city": contact.city if contact else "",
            "title": deal.title,
        } | {CUSTOM_PREFIX + f.code: _text(deal.custom.get(f.code)) for f in self.custom_fields}
        kwargs.setdefault("initial", self.start | {"deal": deal.pk})
        super().__init__(*args, **kwargs)
        self.fields["lost_reason"].queryset = deal.pipeline.lost_reasons.all()
        for definition in self.custom_fields:
            widget = forms.DateInput(attrs={"type": "date"}) if definition.kind == CustomField.Kind.DATE else None
            self.fields[CUSTOM_PREFIX + definition.code] = forms.CharField(
                label=definition.name, required=False, max_length=1000, **({"widget": widget} if widget else {}))
        if contact is None:
            for name in ("last_name", "first_name", "middle_name", "phones", "emails", "city"):
                self.fields[name].disabled = True

    def contact_bound_fields(self):
        return [self[n] for n in ("last_name", "first_name", "middle_name", "phones", "emails", "city")]

    def deal_bound_fields(self):
        return [self["title"]] + [self[CUSTOM_PREFIX + f.code] for f in self.custom_fields]

    def changes(self) -> dict:
        """What the manager changed, as the outcome's ``fields`` (contact fields, title, deal custom fields)."""
        data, changed = self.cleaned_data, {}
        for name in ("last_name", "first_name", "middle_name", "city", "title"):
            if not self.fields[name].disabled and (data.get(name) or "") != self.start[name]:
                changed[name] = data.get(name) or ""
        for name in ("phones", "emails"):
            if not self.fields[name].disabled and split_list(data.get(name)) != split_list(self.start[name]):
                changed[name] = split_list(data.get(name))
        custom = {}
        for definition in self.custom_fields:
            key = CUSTOM_PREFIX + definition.code
            if (data.get(key) or "") != self.start[key]:
                custom[definition.code] = data.get(key) or None
        if custom:
            changed["custom"] = custom
        return changed


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class RebuildForm(forms.Form):
    filter = forms.ModelChoiceField(label=_("Filter"), queryset=CallListFilter.objects.none(), required=False,
                                    empty_label=_("All my filters"))

    def __init__(self, *args, filters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filter"].queryset = filters


class CallFilterForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    pipeline = forms.ModelChoiceField(label=_("Pipeline"), queryset=Pipeline.objects.none())
    stages = forms.ModelMultipleChoiceField(label=_("Stages"), queryset=Stage.objects.none(), required=False,
                                            widget=forms.CheckboxSelectMultiple,
                                            help_text=_("None chosen: every open stage."))
    sources = forms.CharField(label=_("Sources"), required=False, max_length=2000,
                              help_text=_("Deal sources, separated by commas; empty: any."))
    tags = forms.CharField(label=_("Contact tags"), required=False, max_length=2000,
                           help_text=_("Any of these tags, separated by commas; empty: any."))
    fields_text = forms.CharField(label=_("Field values"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("One a line: field code = value, e.g. shift = night."))
    weight = forms.IntegerField(label=_("Share of the list, %"), min_value=0, max_value=100)
    required_skills = forms.ModelMultipleChoiceField(
        label=_("Required skills"), queryset=Skill.objects.all(), required=False, to_field_name="code",
        widget=forms.CheckboxSelectMultiple)
    is_active = forms.BooleanField(label=_("Active"), required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=1_000_000)
    allow_empty = forms.BooleanField(label=_("Save even if it matches no lead now"), required=False)

    def __init__(self, *args, call_filter: CallListFilter | None = None, **kwargs):
        bound = (args[0] if args else kwargs.get("data")) is not None
        if call_filter is not None and not bound:
            kwargs["initial"] = {
                "name": call_filter.name, "pipeline": call_filter.pipeline_id,
                "stages": [s.pk for s in call_filter.stages.all()], "sources": ", ".join(call_filter.sources),
                "tags": ", ".join(call_filter.tags), "weight": call_filter.weight,
                "fields_text": "\n".join(f"{k} = {_text(v)}" for k, v in call_filter.fields.items()),
                "required_skills": [s.code for s in call_filter.required_skills.all()],
                "is_active": call_filter.is_active, "order": call_filter.order,
            }
        kwargs.setdefault("initial", {"weight": 100, "is_active": True, "order": 0})
        super().__init__(*args, **kwargs)
        self.fields["pipeline"].queryset = Pipeline.objects.filter(is_archived=False)
        self.fields["stages"].queryset = Stage.objects.filter(
            kind=Stage.Kind.OPEN, pipeline__is_archived=False).select_related("pipeline")
        self.fields["stages"].label_from_instance = lambda s: f"{s.pipeline.name}: {s.name}"

    def clean_fields_text(self) -> dict:
        values = {}
        for line in (self.cleaned_data.get("fields_text") or "").splitlines():
            if not line.strip():
                continue
            code, sep, value = line.partition("=")
            if not sep or not code.strip():
                raise forms.ValidationError(_("Write each line as: field code = value."))
            values[code.strip()] = value.strip()
        return values

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"], "pipeline": data["pipeline"], "stages": [s.pk for s in data["stages"]],
            "sources": split_list(data["sources"]), "tags": split_list(data["tags"]), "fields": data["fields_text"],
            "weight": data["weight"], "required_skills": [s.code for s in data["required_skills"]],
            "is_active": data["is_active"], "order": data["order"],
        }
