"""Processes: BPMN definitions (immutable versions), their running instances, and what an instance waits for."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from podbor.crm.models import Contact, Deal, Pipeline, Stage, Task


class ProcessDefinition(models.Model):
    """One deployed version of a diagram. A changed diagram is a new version; instances stay on theirs."""

    key = models.CharField(_("key"), max_length=100, help_text=_("The process id in the diagram."))
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"))
    bpmn_xml = models.TextField(_("BPMN XML"))
    # JSON as text, not jsonb: PostgreSQL's jsonb reorders keys, and SpiffWorkflow restores in the stored order.
    spec = models.TextField(editable=False, help_text="The parsed spec (JSON), serialised once for every instance.")
    start_timer = models.CharField(_("start timer"), max_length=100, blank=True,
                                   help_text=_("A timer start event's cycle, e.g. R/PT20M: one instance per tick."))
    next_tick_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    start_messages = models.JSONField(default=list, blank=True, editable=False)
    deployed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    deployed_at = models.DateTimeField(_("deployed at"), auto_now_add=True)
    is_active = models.BooleanField(_("active"), default=True,
                                    help_text=_("Only the newest active version of a key starts new instances."))

    class Meta:
        ordering = ["key", "-version"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="process_definition_version_once")]
        verbose_name = _("process definition")
        verbose_name_plural = _("process definitions")

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ProcessTrigger(models.Model):
    """When a process of this key starts by itself (its newest active version)."""

    class Kind(models.TextChoices):
        DEAL_CREATED = "deal_created", _("A deal is created")
        STAGE_ENTERED = "stage_entered", _("A deal enters a stage")
        FIELD_CHANGED = "field_changed", _("A deal field changes")
        MESSAGE_RECEIVED = "message_received", _("A message arrives for a deal")
        CALL_RECEIVED = "call_received", _("A call arrives for a deal")

    process_key = models.CharField(_("process"), max_length=100, db_index=True)
    kind = models.CharField(_("when"), max_length=20, choices=Kind.choices)
    pipeline = models.ForeignKey(Pipeline, verbose_name=_("pipeline"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+")
    field = models.CharField(_("field"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["process_key", "id"]
        verbose_name = _("process trigger")
        verbose_name_plural = _("process triggers")

    def __str__(self) -> str:
        return f"{self.process_key}: {self.get_kind_display()}"


class ProcessInstance(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        WAITING = "waiting", _("Waiting")
        COMPLETED = "completed", _("Completed")
        INCIDENT = "incident", _("Incident")
        CANCELLED = "cancelled", _("Cancelled")

    definition = models.ForeignKey(ProcessDefinition, verbose_name=_("process"), on_delete=models.PROTECT,
                                   related_name="instances")
    deal = models.ForeignKey(Deal, verbose_name=_("deal"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="process_instances")
    contact = models.ForeignKey(Contact, verbose_name=_("contact"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="process_instances")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING,
                              db_index=True)
    state = models.TextField(default="", editable=False, help_text="The engine's state (JSON, without the spec).")
    variables = models.JSONField(_("variables"), default=dict, blank=True, editable=False)
    waiting_at = models.JSONField(default=list, blank=True, editable=False)
    # When the instance must be advanced next: its earliest timer, or the retry of a failed step.
    next_timer_at = models.DateTimeField(_("next timer at"), null=True, blank=True, editable=False)
    incident = models.JSONField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    trigger = models.CharField(_("started by"), max_length=100, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["next_timer_at"], name="process_instance_due_idx",
                         condition=Q(next_timer_at__isnull=False)),
            models.Index(fields=["definition", "status"], name="process_instance_status_idx"),
        ]
        verbose_name = _("process instance")
        verbose_name_plural = _("process instances")

    def __str__(self) -> str:
        return f"{self.definition} #{self.pk} ({self.status})"


class ProcessStep(models.Model):
    """The path taken: one row per element an instance went through, for the viewer and the audit."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="steps")
    element_id = models.CharField(max_length=200)
    element_type = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=20)
    at = models.DateTimeField(db_index=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.element_id} {self.state}"


class ProcessSubscription(models.Model):
    """A waiting instance listens for a message about its deal (e.g. the candidate replied)."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="subscriptions")
    message = models.CharField(max_length=200)
    deal = models.ForeignKey(Deal, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["message", "deal"], name="process_subscription_idx")]

    def __str__(self) -> str:
        return f"{self.instance_id} waits for {self.message}"


class ProcessUserTask(models.Model):
    """A BPMN user task is a Podbor task: completing the task advances the instance."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="user_tasks")
    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="process_link")
    engine_task_id = models.CharField(max_length=64)
    element_id = models.CharField(max_length=200)
    handled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.element_id} → task {self.task_id}"
