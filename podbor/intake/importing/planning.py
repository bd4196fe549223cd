"""The dry run: what the intake pipeline would do with each row, worked out with reads only.

It follows the pipeline's own rules (phone before email, the oldest matching contact, an open deal in the target
pipeline takes a repeat) and also the rows before it in the same file: a person twice in the file is created by
the first row and joins with the second.
"""

from django.utils.translation import gettext as _

from podbor.accounts.models import User
from podbor.crm.models import ContactEmail, ContactPhone, Deal, Pipeline
from podbor.crm.selectors import contacts_visible_to, deals_visible_to
from podbor.intake.importing.report import ALREADY, CREATED, JOINED, REJECTED, REPEAT, RowResult
from podbor.intake.importing.rows import ImportRow
from podbor.intake.models import InboundEvent, Source

CHUNK = 500  # ids per IN (...): SQLite allows 999 parameters in older builds


def chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def imported_ids(source: Source | None, external_ids: list[str]) -> dict[str, int]:
    """external id -> event id, for the rows this source has already received."""
    if source is None:
        return {}
    found: dict[str, int] = {}
    for part in chunks(sorted(set(external_ids))):
        found |= dict(InboundEvent.objects.filter(source=source, external_id__in=part)
                      .values_list("external_id", "pk"))
    return found


def _owners(model, column: str, values: list[str]) -> dict[str, int]:
    """value -> the oldest live contact holding it (the pipeline's own choice)."""
    owners: dict[str, int] = {}
    for part in chunks(sorted(set(values))):
        pairs = (model.objects.filter(**{f"{column}__in": part}, contact__merged_into__isnull=True)
                 .order_by("contact_id").values_list(column, "contact_id"))
        for value, contact_id in pairs:
            owners.setdefault(value, contact_id)
    return owners


def _open_deals(pipeline: Pipeline, contact_ids: list[int]) -> dict[int, int]:
    deals: dict[int, int] = {}
    for part in chunks(sorted(set(contact_ids))):
        pairs = (Deal.objects.filter(contact_id__in=part, pipeline=pipeline, closed_at__isnull=True)
                 .order_by("id").values_list("contact_id", "pk"))
        deals |= dict(pairs)  # the newest open deal wins, as in the pipeline
    return deals


def rows_plan(*, rows: list[ImportRow], pipeline: Pipeline, source: Source | None, actor: User | None
              ) -> list[RowResult]:
    done_before = imported_ids(source, [r.external_id for r in rows if not r.reject])
    by_phone = _owners(ContactPhone, "e164", [p for r in rows for p in r.phones])
    by_email = _owners(ContactEmail, "normalized", [e for r in rows for e in r.emails])
    open_deal = _open_deals(pipeline, [*by_phone.values(), *by_email.values()])
    # Contacts this file will create are keyed ("row", n): later rows of the same person match them.
    new_phone: dict[str, tuple] = {}
    new_email: dict[str, tuple] = {}
    deal_in_file: set = set()
    first_row_of: dict[str, int] = {}
    results = []
    for row in rows:
        result = RowResult(row=row.number, outcome=CREATED, name=row.label, warnings=list(row.warnings))
        results.append(result)
        if row.reject:
            result.outcome, result.reason = REJECTED, row.reject
            continue
        if row.external_id in done_before:
            result.outcome, result.reason = ALREADY, _("This row was imported before.")
            result.event = done_before[row.external_id]
            continue
        if row.external_id in first_row_of:
            result.outcome = ALREADY
            result.reason = _("Same as row %(n)s.") % {"n": first_row_of[row.external_id]}
            continue
        first_row_of[row.external_id] = row.number
        contact, matched_by = _match(row, by_phone, by_email, new_phone, new_email)
        if contact is None:
            contact = ("row", row.number)
            deal_in_file.add(contact)
            result.reason = _("No contact has these phones or emails.")
        else:
            result.matched_by = matched_by
            if isinstance(contact, int):
                result.contact = contact
            if contact in deal_in_file or (isinstance(contact, int) and contact in open_deal):
                result.outcome = REPEAT
                result.deal = open_deal.get(contact) if isinstance(contact, int) else None
            else:
                result.outcome = JOINED
                deal_in_file.add(contact)
            result.reason = _match_reason(matched_by, contact, result.outcome)
        # Enrichment: the contact gets this row's phones and emails, so later rows find it by them.
        for phone in row.phones:
            if phone not in by_phone:
                new_phone.setdefault(phone, contact)
        for email in row.emails:
            if email not in by_email:
                new_email.setdefault(email, contact)
    results_limit_to_visible(results, actor)
    return results


def _match(row: ImportRow, by_phone, by_email, new_phone, new_email):
    for table, values, how in ((by_phone, row.phones, "phone"), (new_phone, row.phones, "phone"),
                               (by_email, row.emails, "email"), (new_email, row.emails, "email")):
        found = [table[v] for v in values if v in table]
        if found:
            existing = [c for c in found if isinstance(c, int)]
            return (min(existing) if existing else found[0]), how
    return None, ""


def _match_reason(matched_by: str, contact, outcome: str) -> str:
    how = _("by phone") if matched_by == "phone" else _("by email")
    if isinstance(contact, tuple):
        who = _("the contact row %(n)s creates") % {"n": contact[1]}
    else:
        who = _("an existing contact")
    if outcome == REPEAT:
        return _("Matched %(how)s to %(who)s, which has an open deal in this pipeline.") % {"how": how, "who": who}
    return _("Matched %(how)s to %(who)s; a new deal in this pipeline.") % {"how": how, "who": who}


def results_limit_to_visible(results: list[RowResult], actor: User | None) -> None:
    """Say that a match exists, but name the contact and the deal only to someone who may see them."""
    if actor is None:
        return
    contact_ids = [r.contact for r in results if r.contact]
    deal_ids = [r.deal for r in results if r.deal]
    visible_contacts: set[int] = set()
    for part in chunks(sorted(set(contact_ids))):
        visible_contacts |= set(contacts_visible_to(actor).filter(pk__in=part).values_list("pk", flat=True))
    visible_deals: set[int] = set()
    for part in chunks(sorted(set(deal_ids))):
        visible_deals |= set(deals_visible_to(actor).filter(pk__in=part).values_list("pk", flat=True))
    for result in results:
        if result.contact and result.contact not in visible_contacts:
            result.contact = None
        if result.deal and result.deal not in visible_deals:
            result.deal = None
