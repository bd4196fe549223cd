from django.urls import path

from podbor.crm.views import activity, board, contacts, deal, deal_new, duplicates, tasks

urlpatterns = [
    path("", board.board, name="crm-board"),
    path("pipelines/<int:pipeline_id>/", board.board, name="crm-board-pipeline"),
    path("pipelines/<int:pipeline_id>/columns", board.board_columns_filtered, name="crm-board-columns"),
    path("pipelines/<int:pipeline_id>/stages/<int:stage_id>/cards", board.board_column_more, name="crm-board-more"),
    path("deals/new/", deal_new.deal_new, name="crm-deal-new"),
    path("deals/new/contacts", deal_new.contact_pick, name="crm-deal-new-contacts"),
    path("deals/<int:pk>/", deal.deal_detail, name="crm-deal"),
    path("deals/<int:pk>/move", board.deal_move, name="crm-deal-move"),
    path("deals/<int:pk>/parts/<slug:part>", deal.deal_part, name="crm-deal-part"),
    path("deals/<int:pk>/fields", deal.deal_fields_save, name="crm-deal-fields"),
    path("deals/<int:pk>/stage", deal.deal_stage_set, name="crm-deal-stage"),
    path("deals/<int:pk>/lost", deal.deal_lost, name="crm-deal-lost"),
    path("deals/<int:pk>/link", deal.deal_link_set, name="crm-deal-link"),
    path("deals/<int:pk>/unlink", deal.deal_unlink, name="crm-deal-unlink"),
    path("deals/<int:pk>/notes", activity.deal_note_add, name="crm-deal-note"),
    path("deals/<int:pk>/tasks", activity.deal_task_add, name="crm-deal-task"),
    path("tasks/", tasks.my_tasks, name="crm-my-tasks"),
    path("tasks/<int:pk>/checklist", activity.task_checklist_toggle, name="crm-task-checklist"),
    path("tasks/<int:pk>/complete", activity.task_done, name="crm-task-complete"),
    path("contacts/", contacts.contacts, name="crm-contacts"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="crm-contact"),
    path("contacts/<int:pk>/edit", contacts.contact_save, name="crm-contact-save"),
    path("contacts/<int:pk>/timeline", contacts.contact_timeline, name="crm-contact-timeline"),
    path("contacts/<int:pk>/merge-into/<int:into>", duplicates.contact_merge_into, name="crm-contact-merge"),
    path("contacts/<int:pk>/not-duplicate/<int:other>", duplicates.contact_not_duplicate,
         name="crm-contact-not-duplicate"),
]
