import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from podbor.crm.models import Contact, Deal, Pipeline, Stage


class Source(models.Model):
    """A channel responses come from: a job board, the site form, WhatsApp, telephony, an import."""

    class Kind(models.TextChoices):
        GENERIC = "generic", _("Podbor JSON")
        HH = "hh", _("hh.ru")
        SUPERJOB = "superjob", _("SuperJob")
        RABOTA = "rabota", _("Rabota.ru")
        VK = "vk", _("VK Работа")
        SITE = "site", _("Site form")
        WHATSAPP = "whatsapp", _("WhatsApp")
        CALL = "call", _("Telephony")
        IMPORT = "import", _("Spreadsheet import")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    pipeline = models.ForeignKey(Pipeline, verbose_name=_("pipeline"), on_delete=models.PROTECT)
    stage = models.ForeignKey(Stage, verbose_name=_("first stage"), null=True, blank=True, on_delete=models.PROTECT,
                              help_text=_("Empty: the pipeline's first stage."))
    token_digest = models.CharField(max_length=64, editable=False)
    token_prefix = models.CharField(max_length=8, editable=False)
    hmac_secret = models.CharField(_("HMAC secret"), max_length=100, editable=False)
    relevance = models.JSONField(
        _("relevance rules"), default=dict, blank=True,
        help_text=_('{"allowed_cities": [...], "lost_reason": "...", "auto_reply": "...", '
                    '"auto_reply_channel": "sms"}'),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class InboundEvent(models.Model):
    """One delivery from a source, stored raw before anything else happens: nothing is ever lost or deleted."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSED = "processed", _("Processed")
        DUPLICATE = "duplicate", _("Repeat response")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")

    class MatchedBy(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")
        NONE = "none", _("No match")

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="events")
    external_id = models.CharField(max_length=200, null=True, blank=True)
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    matched_by = models.CharField(max_length=5, choices=MatchedBy.choices, blank=True)
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    deal = models.ForeignKey(Deal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    contact_created = models.BooleanField(default=False)
    deal_created = models.BooleanField(default=False)
    decision = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], condition=Q(external_id__isnull=False),
                                    name="inbound_event_external_id_once"),
            models.UniqueConstraint(fields=["source", "idempotency_key"], condition=Q(idempotency_key__isnull=False),
                                    name="inbound_event_idempotency_once"),
        ]
        indexes = [models.Index(fields=["status", "received_at"], name="inbound_event_pending_idx")]
        verbose_name = _("inbound event")
        verbose_name_plural = _("inbound events")

    def __str__(self) -> str:
        return f"{self.source} #{self.pk} ({self.status})"


class ImportBatch(models.Model):
    """One uploaded spreadsheet: kept between the mapping/dry-run step and the commit, then its report.

    The file itself is erased once committed: from then on its rows live on as inbound events.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        COMMITTED = "committed", _("Imported")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    pipeline = models.ForeignKey(Pipeline, verbose_name=_("pipeline"), on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="imports")
    filename = models.CharField(_("file"), max_length=255)
    size = models.PositiveIntegerField(_("size, bytes"), default=0)
    content = models.BinaryField(blank=True, editable=False)
    headers = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=list, blank=True, help_text="One field name per column.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"
