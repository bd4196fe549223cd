"""Sources: the channels deliveries come from, and their credentials."""

import hashlib
import hmac
import secrets
import threading
import time

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from podbor.crm.models import Pipeline, Stage
from podbor.intake.models import Source
from podbor.lib.errors import ValidationFailed
from podbor.messaging.models import OutboundMessage


@transaction.atomic
def source_create(
    *, name: str, kind: str, pipeline: Pipeline, stage: Stage | None = None, relevance: dict | None = None,
    slug: str = "",
) -> tuple[Source, str]:
    """Create a source; returns it with its URL token in clear (only a digest is kept)."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Required.")]
    if kind not in Source.Kind.values:
        errors["kind"] = [_("Unknown kind. Choose one of: %s.") % ", ".join(Source.Kind.values)]
    if stage is not None and (stage.pipeline_id != pipeline.pk or stage.is_closed):
        errors["stage"] = [_("Choose an open stage of this pipeline.")]
    relevance = relevance or {}
    errors |= _relevance_errors(relevance)
    if errors:
        raise ValidationFailed(_("The source has errors."), fields=errors)
    base = slugify(slug or name, allow_unicode=False) or kind
    unique, n = base, 1
    while unique in _RESERVED_SLUGS or Source.objects.filter(slug=unique).exists():
        n += 1
        unique = f"{base}-{n}"
    token = secrets.token_urlsafe(24)
    source = Source.objects.create(
        name=name, kind=kind, pipeline=pipeline, stage=stage, slug=unique, relevance=relevance,
        token_digest=Source.digest_of(token), token_prefix=token[:8], hmac_secret=secrets.token_hex(32),
    )
    _forget_delivery_sources()
    return source, token


# "/api/v1/intake/events" is the event log.
_RESERVED_SLUGS = {"events"}


def _relevance_errors(relevance) -> dict[str, list[str]]:
    if not isinstance(relevance, dict):
        return {"relevance": [_("Expected an object.")]}
    errors: dict[str, list[str]] = {}
    cities = relevance.get("allowed_cities")
    if cities is not None and not (isinstance(cities, list) and all(isinstance(c, str) for c in cities)):
        errors["relevance.allowed_cities"] = [_("Expected a list of cities.")]
    channel = relevance.get("auto_reply_channel")
    if channel and channel not in OutboundMessage.Channel.values:
        errors["relevance.auto_reply_channel"] = [
            _("Unknown channel. Choose one of: %s.") % ", ".join(OutboundMessage.Channel.values)
        ]
    return errors


@transaction.atomic
def source_update(
    *, source: Source, name: str, is_active: bool, stage: Stage | None, relevance: dict
) -> Source:
    """Change what may change after creation: the name, whether it accepts deliveries, the first stage and the
    relevance rules. The kind, the pipeline and the credentials stay (``source_token_rotate`` renews the token)."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Required.")]
    if stage is not None and (stage.pipeline_id != source.pipeline_id or stage.is_closed):
        errors["stage"] = [_("Choose an open stage of this pipeline.")]
    errors |= _relevance_errors(relevance)
    if errors:
        raise ValidationFailed(_("The source has errors."), fields=errors)
    source.name, source.is_active, source.stage, source.relevance = name, is_active, stage, relevance
    source.save(update_fields=["name", "is_active", "stage", "relevance"])
    _forget_delivery_sources()
    return source


@transaction.atomic
def source_token_rotate(*, source: Source) -> str:
    """A new URL token in clear (shown once); the old one stops working at once. The HMAC secret stays."""
    token = secrets.token_urlsafe(24)
    source.token_digest, source.token_prefix = Source.digest_of(token), token[:8]
    source.save(update_fields=["token_digest", "token_prefix"])
    _forget_delivery_sources()
    return token


def source_check_credentials(*, source: Source, body: bytes, token: str | None, signature: str | None) -> bool:
    """A URL token, or an HMAC-SHA256 of the body (hex, optionally prefixed 'sha256=')."""
    if token and hmac.compare_digest(Source.digest_of(token), source.token_digest):
        return True
    if signature:
        expected = hmac.new(source.hmac_secret.encode(), body, hashlib.sha256).hexdigest()
        given = signature.strip().removeprefix("sha256=")
        return given.isascii() and hmac.compare_digest(expected, given)  # compare_digest refuses non-ASCII text
    return False


# --- the sources deliveries name ------------------------------------------------------------------------------------
# Every delivery names its source; reading the row each time was a third of the endpoint's cost. Each process keeps
# the active sources it has seen for a few seconds: a change made here is seen at once in this process (and when its
# transaction commits), and in the other web processes within DELIVERY_SOURCE_SECONDS.
DELIVERY_SOURCE_SECONDS = 5.0
_delivery_sources: dict[str, tuple[float, Source]] = {}
_delivery_sources_lock = threading.Lock()


def source_for_delivery(slug: str) -> Source | None:
    """The active source with this slug, or None (an unknown slug is looked up every time, never remembered)."""
    now = time.monotonic()
    remembered = _delivery_sources.get(slug)
    if remembered is not None and remembered[0] > now:
        return remembered[1]
    source = Source.objects.filter(slug=slug, is_active=True).first()
    with _delivery_sources_lock:
        if source is None:
            _delivery_sources.pop(slug, None)
        else:
            if len(_delivery_sources) >= 1000:  # slugs are few; this only bounds a probe for many fake ones
                _delivery_sources.clear()
            _delivery_sources[slug] = (now + DELIVERY_SOURCE_SECONDS, source)
    return source


def _forget_delivery_sources() -> None:
    with _delivery_sources_lock:
        _delivery_sources.clear()
    transaction.on_commit(_forget_delivery_sources_now)


def _forget_delivery_sources_now() -> None:
    with _delivery_sources_lock:
        _delivery_sources.clear()
