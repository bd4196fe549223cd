from django.db import transaction
from django.utils.translation import gettext as _

from podbor.crm.models import Contact, Deal, TimelineEntry
from podbor.crm.services import timeline_add
from podbor.messaging.models import OutboundMessage


@transaction.atomic
def message_queue(
    *, channel: str, to: str, text: str, contact: Contact | None = None, deal: Deal | None = None, reason: str = ""
) -> OutboundMessage:
    """Write the message row (the outbox) and note it on the timeline; a channel transport sends it later."""
    message = OutboundMessage.objects.create(
        channel=channel, to=to, text=text, contact=contact, deal=deal, reason=reason
    )
    timeline_add(
        kind=TimelineEntry.Kind.MESSAGE,
        deal=deal,
        contact=contact,
        text=_("Outgoing %(channel)s message queued: %(text)s") % {"channel": message.get_channel_display(),
                                                                   "text": text},
        data={"message": message.pk, "direction": "out", "channel": channel},
    )
    return message
