"""Forms of the manager's UI. They only parse input; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from podbor.accounts.models import User
from podbor.crm.models import Contact, CustomField, Deal, LostReason, Pipeline, Task
from podbor.lib.errors import ServiceError

CUSTOM_PREFIX = "custom."


def form_show_service_error(form: forms.Form, exc: ServiceError, *, rename: dict[str, str] | None = None) -> None:
    """Put a service's refusal on the form: its summary on top, each field's messages under the field.

    ``rename`` maps a service's field name to the form's (``{"phones": "contact_phone"}``).
    """
    form.add_error(None, exc.detail)
    for field, messages in exc.fields.items():
        name = field if field in form.fields else field.split(".")[0]
        name = (rename or {}).get(name, name)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


def _custom_form_field(definition: CustomField) -> forms.Field:
    label = definition.name
    kind = definition.kind
    if kind == CustomField.Kind.DATE:
        return forms.CharField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))
    if kind == CustomField.Kind.CHOICE:
        choices = [("", "—")] + [(str(c), str(c)) for c in definition.choices]
        return forms.ChoiceField(label=label, required=False, choices=choices)
    if kind == CustomField.Kind.BOOLEAN:
        choices = [("", "—"), ("true", _("Yes")), ("false", _("No"))]
        return forms.ChoiceField(label=label, required=False, choices=choices)
    if kind == CustomField.Kind.NUMBER:
        return forms.CharField(label=label, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    if kind == CustomField.Kind.PHONE:
        return forms.CharField(label=label, required=False, widget=forms.TextInput(attrs={"type": "tel"}))
    if kind == CustomField.Kind.EMAIL:
        return forms.CharField(label=label, required=False, widget=forms.TextInput(attrs={"type": "email"}))
    return forms.CharField(label=label, required=False)


def _custom_initial(definition: CustomField, value) -> str:
    if value is None:
        return ""
    if definition.kind == CustomField.Kind.BOOLEAN:
        return "true" if value else "false"
    return str(value)


class DealFieldsForm(forms.Form):
    """The deal's own fields and the custom fields of its pipeline (named ``custom.<code>``)."""

    title = forms.CharField(label=_("Title"), max_length=255)
    responsible = UserChoiceField(label=_("Responsible"), queryset=User.objects.none(), required=False)
    source = forms.CharField(label=_("Source"), max_length=120, required=False)
    budget_planned = forms.DecimalField(label=_("Planned budget"), max_digits=14, decimal_places=2, required=False)
    budget_actual = forms.DecimalField(label=_("Actual budget"), max_digits=14, decimal_places=2, required=False)

    def __init__(self, *args, deal: Deal, assignable, custom_fields: list[CustomField], **kwargs):
        self.deal = deal
        self.custom_fields = custom_fields
        if not args and "data" not in kwargs:
            kwargs["initial"] = {
                "title": deal.title,
                "responsible": deal.responsible_id,
                "source": deal.source,
                "budget_planned": deal.budget_planned,
                "budget_actual": deal.budget_actual,
            } | {CUSTOM_PREFIX + f.code: _custom_initial(f, deal.custom.get(f.code)) for f in custom_fields}
        super().__init__(*args, **kwargs)
        queryset = assignable
        if deal.responsible_id is not None:
            queryset = (assignable | User.objects.filter(pk=deal.responsible_id)).distinct()
        self.fields["responsible"].queryset = queryset
        for definition in custom_fields:
            self.fields[CUSTOM_PREFIX + definition.code] = _custom_form_field(definition)

    def custom_bound_fields(self):
        return [self[CUSTOM_PREFIX + f.code] for f in self.custom_fields]

    def builtin_bound_fields(self):
        return [self[name] for name in ("title", "responsible", "source", "budget_planned", "budget_actual")]

    def changes(self) -> dict:
        """Only what differs from the deal, so that an unchanged field is never re-checked."""
        data = self.cleaned_data
        changes: dict = {}
        for name in ("title", "source", "budget_planned", "budget_actual"):
            if data[name] != getattr(self.deal, name):
                changes[name] = data[name]
        if (data["responsible"].pk if data["responsible"] else None) != self.deal.responsible_id:
            changes["responsible"] = data["responsible"]
        custom = {}
        for definition in self.custom_fields:
            raw = data[CUSTOM_PREFIX + definition.code]
            if raw != _custom_initial(definition, self.deal.custom.get(definition.code)):
                custom[definition.code] = raw if raw != "" else None
        if custom:
            changes["custom"] = custom
        return changes


class StageMoveForm(forms.Form):
    stage = forms.IntegerField()
    lost_reason = forms.IntegerField(required=False)


class LostForm(forms.Form):
    lost_reason = forms.ModelChoiceField(label=_("Lost reason"), queryset=LostReason.objects.none())

    def __init__(self, *args, pipeline: Pipeline, **kwargs):
        kwargs.setdefault("auto_id", "lost_%s")
        super().__init__(*args, **kwargs)
        self.fields["lost_reason"].queryset = pipeline.lost_reasons.all()


class LinkForm(forms.Form):
    parent = forms.IntegerField(label=_("Parent deal number"), min_value=1)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=Task.Kind.choices, initial=Task.Kind.CALL)
    due_at = forms.DateTimeField(
        label=_("Due at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    assignee = UserChoiceField(label=_("Assignee"), queryset=User.objects.none(), required=False)
    checklist = forms.CharField(
        label=_("Checklist"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("One item a line")}),
    )

    def __init__(self, *args, assignable, **kwargs):
        kwargs.setdefault("auto_id", "task_%s")  # the deal card also has the deal's own "title"
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable

    def checklist_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["checklist"].splitlines() if line.strip()]


class TaskCompleteForm(forms.Form):
    result = forms.CharField(label=_("Result"), required=False, max_length=5000)


class ChecklistToggleForm(forms.Form):
    item = forms.IntegerField()
    done = forms.BooleanField(required=False)


class DealCreateForm(forms.Form):
    pipeline = forms.ModelChoiceField(label=_("Pipeline"), queryset=Pipeline.objects.filter(is_archived=False),
                                      empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=255, required=False,
                            help_text=_("Leave empty to use the contact's name."))
    source = forms.CharField(label=_("Source"), max_length=120, required=False)
    responsible = UserChoiceField(label=_("Responsible"), queryset=User.objects.none(), required=False)
    contact = forms.IntegerField(required=False)  # rendered as the radio buttons of the contact search
    contact_name = forms.CharField(label=_("New contact: full name"), max_length=460, required=False)
    contact_phone = forms.CharField(label=_("New contact: phone"), max_length=60, required=False)

    def __init__(self, *args, assignable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = assignable


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ContactForm(forms.Form):
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    middle_name = forms.CharField(label=_("Middle name"), max_length=150, required=False)
    phones = forms.CharField(label=_("Phones"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("One number a line, in any format."))
    emails = forms.CharField(label=_("Emails"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("One address a line."))
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    address = forms.CharField(label=_("Address"), max_length=500, required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=Contact.Gender.choices, required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False,
                                 input_formats=["%Y-%m-%d", "%d.%m.%Y"],
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    source = forms.CharField(label=_("Source"), max_length=120, required=False)

    @classmethod
    def initial_of(cls, contact: Contact) -> dict:
        return {
            "last_name": contact.last_name,
            "first_name": contact.first_name,
            "middle_name": contact.middle_name,
            "phones": "\n".join(p.raw for p in contact.phones.all()),
            "emails": "\n".join(e.raw for e in contact.emails.all()),
            "city": contact.city,
            "address": contact.address,
            "gender": contact.gender,
            "birth_date": contact.birth_date,
            "source": contact.source,
        }

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data["phones"] = _lines(data["phones"])
        data["emails"] = _lines(data["emails"])
        return data


class ContactSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    page = forms.IntegerField(min_value=1, required=False)


class BoardFilterForm(forms.Form):
    responsible = forms.IntegerField(required=False)
    source = forms.CharField(max_length=120, required=False)
    q = forms.CharField(max_length=200, required=False)
