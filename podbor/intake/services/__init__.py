"""Intake: store every delivery first, then turn it into the right contact and deal exactly once."""

from podbor.intake.services.batch import inbound_events_drain, inbound_events_process_batch, inbound_events_sweep
from podbor.intake.services.events import (
    _contact_match,
    inbound_event_process,
    inbound_event_receive,
    inbound_event_retry,
    payload_decode,
)
from podbor.intake.services.sources import (
    source_check_credentials,
    source_create,
    source_for_delivery,
    source_token_rotate,
    source_update,
)

__all__ = [
    "_contact_match",
    "inbound_event_process",
    "inbound_event_receive",
    "inbound_event_retry",
    "inbound_events_drain",
    "inbound_events_process_batch",
    "inbound_events_sweep",
    "payload_decode",
    "source_check_credentials",
    "source_create",
    "source_for_delivery",
    "source_token_rotate",
    "source_update",
]
