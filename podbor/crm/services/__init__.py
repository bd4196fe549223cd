"""Every write to the CRM core goes through these functions; each leaves a timeline entry."""

from podbor.crm.services.companies import company_create, company_update
from podbor.crm.services.contacts import contact_create, contact_update
from podbor.crm.services.deals import (
    deal_close_lost,
    deal_create,
    deal_create_with_contact,
    deal_link,
    deal_move_to_stage,
    deal_stage_missing_fields,
    deal_update,
)
from podbor.crm.services.duplicates import (
    contact_enrich,
    contact_merge,
    possible_duplicate_dismiss,
    possible_duplicates_find,
)
from podbor.crm.services.tasks import task_checklist_set, task_complete, task_create, task_reopen
from podbor.crm.services.timeline import note_add, timeline_add

__all__ = [
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
