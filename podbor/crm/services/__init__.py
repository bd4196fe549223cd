"""Every write to the CRM core goes through these functions; each leaves a timeline entry."""

from podbor.crm.services.companies import company_create, company_update
from podbor.crm.services.contacts import ContactDraft, contact_build, contact_create, contact_update, contacts_insert
from podbor.crm.services.deals import (
    deal_build,
    deal_close_lost,
    deal_create,
    deal_create_with_contact,
    deal_link,
    deal_move_to_stage,
    deal_stage_missing_fields,
    deal_update,
    deals_insert,
)
from podbor.crm.services.duplicates import (
    contact_enrich,
    contact_merge,
    possible_duplicate_dismiss,
    possible_duplicates_find,
    possible_duplicates_find_many,
)
from podbor.crm.services.tasks import task_checklist_set, task_complete, task_create, task_reopen
from podbor.crm.services.timeline import note_add, timeline_add

__all__ = [
    "ContactDraft",
    "contact_build",
    "contacts_insert",
    "deal_build",
    "deals_insert",
    "possible_duplicates_find_many",
    "company_create",
    "company_update",
    "contact_create",
    "contact_enrich",
    "contact_merge",
    "contact_update",
    "deal_close_lost",
    "deal_create",
    "deal_create_with_contact",
    "deal_link",
    "deal_move_to_stage",
    "deal_stage_missing_fields",
    "deal_update",
    "note_add",
    "possible_duplicate_dismiss",
    "possible_duplicates_find",
    "task_checklist_set",
    "task_complete",
    "task_create",
    "task_reopen",
    "timeline_add",
]
