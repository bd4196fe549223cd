import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    """Something a manager can do that a lead may need: a language, tenders, a region, a client."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        TEAM_LEAD = "team_lead", _("Team lead")
        MANAGER = "manager", _("Manager")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MANAGER)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    middle_name = models.CharField(_("middle name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True, related_name="users")

    class Presence(models.TextChoices):
        AT_WORK = "at_work", _("At work")
        PAUSE = "pause", _("Pause")
        OFF = "off", _("Off")

    # As the manager set it; podbor.accounts.selectors.presence_effective applies the working schedule.
    presence = models.CharField(_("presence"), max_length=8, choices=Presence.choices, default=Presence.OFF,
                                db_index=True)
    presence_since = models.DateTimeField(_("presence since"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == self.Role.ADMIN

    @property
    def is_team_lead(self) -> bool:
        return self.role == self.Role.TEAM_LEAD


class PresenceChange(models.Model):
    """Every presence switch is kept: time at work is an analytics figure."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="presence_changes")
    status = models.CharField(max_length=8, choices=User.Presence.choices)
    previous = models.CharField(max_length=8, choices=User.Presence.choices, blank=True)
    at = models.DateTimeField(db_index=True)
    via = models.CharField(max_length=20, blank=True, help_text=_("ui, api, schedule…"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("presence change")
        verbose_name_plural = _("presence changes")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.previous} → {self.status}"


class WorkSchedule(models.Model):
    """A manager's working hours on one weekday (several rows a day for split shifts). No rows: no schedule."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="work_schedule")
    weekday = models.PositiveSmallIntegerField(_("weekday"), help_text=_("0 = Monday … 6 = Sunday"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))

    class Meta:
        ordering = ["user", "weekday", "starts_at"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")

    def __str__(self) -> str:
        return f"{self.user_id} {self.weekday} {self.starts_at}-{self.ends_at}"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
