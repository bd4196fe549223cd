"""Who gets which lead, and why; call lists and the state of calling a lead."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from podbor.accounts.models import Skill, Team
from podbor.crm.models import Deal, Pipeline, Stage


class DistributionRule(models.Model):
    """How new deals of a pipeline (optionally of one source) are handed out. The first matching active rule by
    priority decides."""

    class Strategy(models.TextChoices):
        ROUND_ROBIN = "round_robin", _("Round robin")
        WEIGHTED = "weighted", _("Weighted shares")
        LEAST_LOADED = "least_loaded", _("Least loaded")

    name = models.CharField(_("name"), max_length=120)
    pipeline = models.ForeignKey(Pipeline, verbose_name=_("pipeline"), on_delete=models.CASCADE,
                                 related_name="distribution_rules")
    source = models.CharField(_("source"), max_length=120, blank=True,
                              help_text=_("A deal's source as written on the deal; empty: any source."))
    strategy = models.CharField(_("strategy"), max_length=12, choices=Strategy.choices,
                                default=Strategy.ROUND_ROBIN)
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL,
                             help_text=_("Only members of this team."))
    required_skills = models.ManyToManyField(Skill, verbose_name=_("required skills"), blank=True,
                                             related_name="+")
    skill_field = models.CharField(
        _("skill from deal field"), max_length=60, blank=True,
        help_text=_("A deal custom field whose value is a skill code the manager must have (e.g. language)."),
    )
    only_present = models.BooleanField(_("only managers at work"), default=True)
    max_open_untouched = models.PositiveIntegerField(_("limit of open untouched leads"), null=True, blank=True)
    returning_candidate = models.BooleanField(
        _("returning candidate goes to their previous manager"), default=True
    )
    priority = models.PositiveIntegerField(_("priority"), default=100, help_text=_("Lower runs first."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("distribution rule")
        verbose_name_plural = _("distribution rules")

    def __str__(self) -> str:
        return self.name


class RuleMember(models.Model):
    """A manager taking part in a rule; ``weight`` is the share in percent for the weighted strategy."""

    rule = models.ForeignKey(DistributionRule, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("manager"), on_delete=models.CASCADE,
                             related_name="+")
    weight = models.PositiveSmallIntegerField(_("weight, %"), default=0)
    # Smooth weighted round robin state (nginx's): exact shares over any run of assignments.
    current_weight = models.IntegerField(default=0, editable=False)
    assigned_count = models.PositiveIntegerField(default=0, editable=False)
    last_assigned_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["rule", "id"]
        constraints = [models.UniqueConstraint(fields=["rule", "user"], name="rule_member_once")]
        verbose_name = _("rule member")
        verbose_name_plural = _("rule members")

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.user_id} ({self.weight}%)"


class Assignment(models.Model):
    """One decision: who got the deal (or nobody: queued), under which rule, and why each manager was skipped."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="assignments")
    rule = models.ForeignKey(DistributionRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    strategy = models.CharField(max_length=20, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    # [{"user": id, "name": "…", "eligible": bool, "reason": "paused"}]
    considered = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", help_text=_("Set when a person assigned by hand."))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"deal {self.deal_id} → {self.user_id} ({self.strategy})"


class QueuedDeal(models.Model):
    """A deal nobody eligible could take; handed out in arrival order when someone eligible comes to work."""

    deal = models.OneToOneField(Deal, on_delete=models.CASCADE, related_name="routing_queue")
    rule = models.ForeignKey(DistributionRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    queued_at = models.DateTimeField(db_index=True)
    reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["queued_at", "id"]
        verbose_name = _("unassigned deal")
        verbose_name_plural = _("unassigned deals")

    def __str__(self) -> str:
        return f"queued deal {self.deal_id}"


class ManagerLoad(models.Model):
    """A manager's open untouched leads (open, assigned to them, not yet acted on), kept by database triggers on
    the deals table (migration 0003), so that every write path — services, bulk updates, imports — keeps it right.

    The assignment decision reads one row per manager instead of counting index entries: counting 200 managers'
    backlogs cost about 0.85 ms of each decision on PostgreSQL, this read 0.08 ms.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE,
                                related_name="+")
    open_untouched = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("manager load")
        verbose_name_plural = _("manager loads")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.open_untouched} untouched"


class CallListFilter(models.Model):
    """A saved lead filter feeding call lists; ``weight`` is its share of every list."""

    name = models.CharField(_("name"), max_length=120)
    pipeline = models.ForeignKey(Pipeline, verbose_name=_("pipeline"), on_delete=models.CASCADE, related_name="+")
    stages = models.ManyToManyField(Stage, verbose_name=_("stages"), blank=True, related_name="+")
    sources = models.JSONField(_("sources"), default=list, blank=True)
    tags = models.JSONField(_("contact tags"), default=list, blank=True)
    fields = models.JSONField(_("field values"), default=dict, blank=True,
                              help_text=_('Deal custom fields that must equal: {"shift": "night"}'))
    weight = models.PositiveSmallIntegerField(_("share of the list, %"), default=100)
    required_skills = models.ManyToManyField(Skill, verbose_name=_("required skills"), blank=True, related_name="+")
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("call list filter")
        verbose_name_plural = _("call list filters")

    def __str__(self) -> str:
        return self.name


class LeadCallState(models.Model):
    """How calling a lead goes: attempts, the callback time and the manager it is pinned to."""

    deal = models.OneToOneField(Deal, on_delete=models.CASCADE, related_name="call_state")
    attempts = models.PositiveSmallIntegerField(_("call attempts"), default=0)
    callback_at = models.DateTimeField(_("call back at"), null=True, blank=True, db_index=True)
    pinned_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("pinned manager"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    last_outcome = models.CharField(_("last outcome"), max_length=20, blank=True)
    last_called_at = models.DateTimeField(_("last called at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lead call state")
        verbose_name_plural = _("lead call states")

    def __str__(self) -> str:
        return f"deal {self.deal_id}: {self.attempts} attempts"


class CallList(models.Model):
    """A manager's current list of leads to call (default 20)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_lists")
    built_at = models.DateTimeField(db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    size = models.PositiveSmallIntegerField(default=20)
    why = models.CharField(max_length=60, blank=True, help_text=_("came to work, filter changed, list finished…"))
    # The manager's choice, carried from list to list: every later build uses it until they choose another.
    chosen_filter = models.ForeignKey(
        CallListFilter, verbose_name=_("chosen filter"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("Empty: all the manager's filters by their shares."),
    )

    class Meta:
        ordering = ["-built_at", "-id"]
        verbose_name = _("call list")
        verbose_name_plural = _("call lists")

    def __str__(self) -> str:
        return f"call list {self.pk} of {self.user_id}"


class CallListItem(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("To call")
        DONE = "done", _("Done")
        RELEASED = "released", _("Released")

    class Outcome(models.TextChoices):
        NO_ANSWER = "no_answer", _("No answer")
        CALL_BACK = "call_back", _("Call back later")
        REFUSED = "refused", _("Refused")
        INTERESTED = "interested", _("Interested")

    call_list = models.ForeignKey(CallList, on_delete=models.CASCADE, related_name="items")
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="+")
    source_filter = models.ForeignKey(CallListFilter, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    is_callback = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["call_list", "position", "id"]
        constraints = [
            # One lead is never in two managers' open lists at once.
            models.UniqueConstraint(fields=["deal"], condition=Q(state="open"), name="call_item_open_once"),
        ]
        verbose_name = _("call list item")
        verbose_name_plural = _("call list items")

    def __str__(self) -> str:
        return f"{self.call_list_id}#{self.position}: deal {self.deal_id}"
