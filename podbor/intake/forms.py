"""Forms of the intake pages. They only parse input; podbor.intake.services decides what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from podbor.crm.models import Pipeline, Stage
from podbor.intake.models import InboundEvent, Source
from podbor.messaging.models import OutboundMessage

# Spreadsheet imports make their own source; nobody posts to it.
_KINDS_WITH_ENDPOINT = [(value, label) for value, label in Source.Kind.choices if value != Source.Kind.IMPORT]


class LogFilterForm(forms.Form):
    """The log's filters travel in the URL: a status and a source, never anything about a person."""

    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *InboundEvent.Status.choices])
    source = forms.ModelChoiceField(label=_("Source"), required=False, queryset=Source.objects.all(),
                                    empty_label=_("All sources"))
    page = forms.IntegerField(required=False, min_value=1)


class StageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Stage) -> str:
        return f"{obj.pipeline.name} — {obj.name}"


class RelevanceForm(forms.Form):
    """The relevance rules, as people write them; ``relevance()`` turns them into the source's JSON."""

    allowed_cities = forms.CharField(
        label=_("Allowed cities"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One city a line. A response from any other city is closed as lost. Empty: every city."),
    )
    lost_reason = forms.CharField(label=_("Lost reason for other cities"), required=False, max_length=120,
                                  help_text=_("Empty: “Not relevant”."))
    auto_reply = forms.CharField(
        label=_("Auto-reply text"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to a person from another city. Empty: no reply."),
    )
    auto_reply_channel = forms.ChoiceField(label=_("Auto-reply channel"), choices=OutboundMessage.Channel.choices,
                                           initial=OutboundMessage.Channel.SMS)

    @staticmethod
    def initial_of(relevance: dict) -> dict:
        return {
            "allowed_cities": "\n".join(relevance.get("allowed_cities") or []),
            "lost_reason": relevance.get("lost_reason") or "",
            "auto_reply": relevance.get("auto_reply") or "",
            "auto_reply_channel": relevance.get("auto_reply_channel") or OutboundMessage.Channel.SMS,
        }

    def relevance(self, existing: dict | None = None) -> dict:
        """The rules from the form; keys this form does not know (set through the API) are kept."""
        data = self.cleaned_data
        cities = [line.strip() for line in data["allowed_cities"].splitlines() if line.strip()]
        rules = dict(existing or {})
        for key in ("allowed_cities", "lost_reason", "auto_reply", "auto_reply_channel"):
            rules.pop(key, None)
        if cities:
            rules["allowed_cities"] = list(dict.fromkeys(cities))
        if data["lost_reason"].strip():
            rules["lost_reason"] = data["lost_reason"].strip()
        if data["auto_reply"].strip():
            rules["auto_reply"] = data["auto_reply"].strip()
            rules["auto_reply_channel"] = data["auto_reply_channel"]
        return rules


class SourceCreateForm(RelevanceForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=_KINDS_WITH_ENDPOINT, initial=Source.Kind.GENERIC)
    pipeline = forms.ModelChoiceField(label=_("Pipeline"), queryset=Pipeline.objects.filter(is_archived=False))
    stage = StageChoiceField(
        label=_("First stage"), required=False, empty_label=_("The pipeline's first stage"),
        queryset=Stage.objects.filter(kind=Stage.Kind.OPEN, pipeline__is_archived=False).select_related("pipeline"),
    )

    field_order = ["name", "kind", "pipeline", "stage"]


class SourceEditForm(RelevanceForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    is_active = forms.BooleanField(label=_("Accepts deliveries"), required=False)
    stage = StageChoiceField(label=_("First stage"), required=False, queryset=Stage.objects.none(),
                             empty_label=_("The pipeline's first stage"))

    field_order = ["name", "is_active", "stage"]

    def __init__(self, *args, source: Source, **kwargs):
        kwargs.setdefault("initial", {"name": source.name, "is_active": source.is_active, "stage": source.stage_id,
                                      **self.initial_of(source.relevance or {})})
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = (
            Stage.objects.filter(pipeline=source.pipeline, kind=Stage.Kind.OPEN).select_related("pipeline")
        )
