from django.db import models
from django.utils.translation import gettext_lazy as _


class DomainEvent(models.Model):
    """An outbox row: something happened in the core that other contexts may react to.

    Written in the same transaction as the change it describes, so nothing is lost on a crash.
    """

    kind = models.CharField(max_length=60, db_index=True)
    deal_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    contact_id = models.BigIntegerField(null=True, blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["dispatched_at", "id"], name="event_pending_idx")]
        verbose_name = _("domain event")
        verbose_name_plural = _("domain events")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class EventHandled(models.Model):
    """A subscriber has handled an event: a replay does nothing twice."""

    event = models.ForeignKey(DomainEvent, on_delete=models.CASCADE, related_name="handled")
    subscriber = models.CharField(max_length=120)
    handled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "subscriber"], name="event_handled_once")]

    def __str__(self) -> str:
        return f"{self.subscriber} handled {self.event_id}"
