"""Reads. Every query for deals, contacts and companies that a user makes goes through the ``*_visible_to``
functions here: they are the one place that scopes data to what the user may see."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from podbor.accounts.models import User
from podbor.crm.models import (
    Company,
    Contact,
    ContactEmail,
    ContactPhone,
    Deal,
    PossibleDuplicate,
    Task,
    TimelineEntry,
)
from podbor.lib.names import email_normalize, name_fold
from podbor.lib.phones import looks_like_phone, phone_normalize


def _team_scope(user: User, prefix: str = "") -> Q:
    """Deals a non-admin may see: their own, and those of their team."""
    own = Q(**{f"{prefix}responsible": user})
    if user.team_id is None:
        return own
    return own | Q(**{f"{prefix}team_id": user.team_id})


def deals_visible_to(user: User) -> QuerySet[Deal]:
    deals = Deal.objects.all()
    if not user.is_authenticated or not user.is_active:
        return deals.none()
    if user.is_admin:
        return deals
    scope = _team_scope(user)
    if user.is_team_lead:
        # A team lead also sees what nobody has picked up yet, to hand it out.
        scope |= Q(responsible__isnull=True, team__isnull=True)
    return deals.filter(scope)


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    contacts = Contact.objects.filter(merged_into__isnull=True)
    if not user.is_authenticated or not user.is_active:
        return contacts.none()
    if user.is_admin:
        return contacts
    visible_deal = deals_visible_to(user).filter(contact=OuterRef("pk"))
    scope = Q(Exists(visible_deal))
    if user.team_id is not None:
        scope |= Q(team_id=user.team_id)
    return contacts.filter(scope)


def companies_visible_to(user: User) -> QuerySet[Company]:
    companies = Company.objects.all()
    if not user.is_authenticated or not user.is_active:
        return companies.none()
    if user.is_admin:
        return companies
    visible_deal = deals_visible_to(user).filter(company=OuterRef("pk"))
    scope = Q(Exists(visible_deal)) | Q(team__isnull=True)
    if user.team_id is not None:
        scope |= Q(team_id=user.team_id)
    return companies.filter(scope)


def tasks_visible_to(user: User) -> QuerySet[Task]:
    tasks = Task.objects.all()
    if not user.is_authenticated or not user.is_active:
        return tasks.none()
    if user.is_admin:
        return tasks
    visible_deal = deals_visible_to(user).filter(pk=OuterRef("deal_id"))
    return tasks.filter(Q(assignee=user) | Q(Exists(visible_deal)))


def possible_duplicates_visible_to(user: User, contact: Contact) -> list[tuple[Contact, PossibleDuplicate]]:
    """Unresolved look-alikes of the contact (either side of a pair) that the user may see, most similar first."""
    pairs = PossibleDuplicate.objects.filter(Q(contact=contact) | Q(other=contact), resolved_at__isnull=True)
    by_other: dict[int, PossibleDuplicate] = {}
    for pair in pairs.order_by("-score", "id"):
        by_other.setdefault(pair.other_id if pair.contact_id == contact.pk else pair.contact_id, pair)
    by_other.pop(contact.pk, None)
    if not by_other:
        return []
    others = contacts_visible_to(user).filter(pk__in=by_other)
    return sorted(((other, by_other[other.pk]) for other in others), key=lambda found: -found[1].score)


def users_assignable_by(user: User) -> QuerySet[User]:
    """Whom the user may make responsible for a deal or a task."""
    users = User.objects.filter(is_active=True)
    if not user.is_authenticated or not user.is_active:
        return users.none()
    if user.is_admin:
        return users
    if user.team_id is None:
        return users.filter(pk=user.pk)
    return users.filter(team_id=user.team_id)


def contacts_search(contacts: QuerySet[Contact], q: str) -> QuerySet[Contact]:
    """A phone in any format, an email or a part of a name."""
    q = (q or "").strip()
    if not q:
        return contacts
    if "@" in q:
        return contacts.filter(
            Exists(ContactEmail.objects.filter(contact=OuterRef("pk"), normalized=email_normalize(q)))
        )
    if looks_like_phone(q):
        phone = phone_normalize(q)
        digits = "".join(ch for ch in q if ch.isdigit())
        if phone.valid:
            # A whole number in any format: one indexed lookup, no scan.
            match = Q(e164=phone.e164)
        elif len(digits) >= 4:
            # A partial number ("123-45-67") matches the end of the stored one (a scan, so only when needed).
            match = Q(e164__endswith=digits[-10:] if len(digits) >= 10 else digits)
        else:
            match = Q(e164=phone.e164) if phone.e164 else Q(pk__in=[])
        return contacts.filter(Exists(ContactPhone.objects.filter(match, contact=OuterRef("pk"))))
    words = name_fold(q).split()
    for word in words:
        contacts = contacts.filter(name_folded__contains=word)
    return contacts


def deals_search(deals: QuerySet[Deal], q: str) -> QuerySet[Deal]:
    q = (q or "").strip()
    if not q:
        return deals
    matching_contacts = contacts_search(Contact.objects.all(), q).values("pk")
    if "@" in q:
        return deals.filter(contact__in=matching_contacts)
    # A phone-like query may still be part of a title ("смена 2024-05").
    return deals.filter(Q(title__icontains=q) | Q(contact__in=matching_contacts))


def timeline_of_deal(deal: Deal) -> QuerySet[TimelineEntry]:
    return TimelineEntry.objects.filter(deal=deal).select_related("author")


def timeline_of_contact(contact: Contact, *, deals: QuerySet[Deal]) -> QuerySet[TimelineEntry]:
    """The contact's own entries and those of the deals of theirs that the reader may see."""
    # A deal's entries carry its contact too: those of deals the reader may not see must stay hidden.
    return TimelineEntry.objects.filter(
        Q(contact=contact, deal__isnull=True)
        | Q(contact=contact, deal__in=deals)
        | Q(deal__in=deals.filter(contact=contact))
    ).select_related("author", "deal")
