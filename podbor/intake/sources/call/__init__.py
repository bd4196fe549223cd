"""Telephony: Zadarma's call notifications (webhooks of its cloud PBX), form-encoded POSTs.

Shape from Zadarma's API documentation (zadarma.com/support/api, "Notifications about calls to the PBX"; the same
text is in its partners' copies): the PBX posts `application/x-www-form-urlencoded` fields per event:

    NOTIFY_START      event, call_start, pbx_call_id, caller_id, called_did          an incoming call begins
    NOTIFY_ANSWER     event, caller_id, destination, call_start, pbx_call_id, internal
    NOTIFY_END        event, call_start, pbx_call_id, caller_id, called_did, internal, duration, disposition,
                      status_code, is_recorded (1/0), call_id_with_rec               an incoming call ended
    NOTIFY_OUT_START  event, call_start, pbx_call_id, destination, caller_id, internal
    NOTIFY_OUT_END    event, call_start, pbx_call_id, caller_id, destination, internal, duration, disposition,
                      status_code, is_recorded, call_id_with_rec                     an outgoing call ended
    NOTIFY_RECORD     event, call_id_with_rec, pbx_call_id                           a recording is ready

`disposition` is one of answered, busy, cancel, no answer, failed, no money, unallocated number, no limit,
no day limit, line limit, no money no limit. The person is `caller_id` on incoming events and `destination` on
outgoing ones. A Lead of kind "call" with CallInfo (call id `pbx_call_id`, direction, status ringing / answered /
missed, duration, the recording's `call_id_with_rec`: Zadarma gives no link, the recording is fetched through its
API `GET /v1/pbx/record/request/?call_id=…`). External id: `pbx_call_id` + event, so each event of a call is taken
once and NOTIFY_START then NOTIFY_END of one call are two events: an unknown caller becomes a lead at the first one
and the end lands on the timeline. NOTIFY_RECORD and NOTIFY_INTERNAL name no outside person and are marked
rejected (nothing to do).

Zadarma checks the notification URL with a GET `?zd_echo=…` that must be echoed: the intake endpoint does it.
Zadarma also signs with a `Signature` header (HMAC-SHA1 with the account's API secret); Podbor relies on the
source token in the URL instead.
"""
