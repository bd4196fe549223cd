from django.urls import path

from podbor.routing.views import callfilters, calllist, queue, rules

urlpatterns: list = [
    path("rules/", rules.rules_list, name="routing-rules"),
    path("rules/new/", rules.rule_new, name="routing-rule-new"),
    path("rules/<int:pk>/", rules.rule_edit, name="routing-rule-edit"),
    path("rules/<int:pk>/delete", rules.rule_remove, name="routing-rule-delete"),
    path("queue/", queue.queue_page, name="routing-queue"),
    path("queue/<int:deal_pk>/assign", queue.queue_assign, name="routing-queue-assign"),
    path("call-list/", calllist.call_list_page, name="routing-call-list"),
    path("call-list/rebuild", calllist.call_list_rebuild_post, name="routing-call-list-rebuild"),
    path("call-list/items/<int:pk>/", calllist.call_item_page, name="routing-call-item"),
    path("call-list/items/<int:pk>/outcome", calllist.call_item_outcome_post, name="routing-call-outcome"),
    path("call-filters/", callfilters.filters_page, name="routing-call-filters"),
    path("call-filters/shares", callfilters.filters_shares, name="routing-call-filters-shares"),
    path("call-filters/new/", callfilters.filter_new, name="routing-call-filter-new"),
    path("call-filters/<int:pk>/", callfilters.filter_edit, name="routing-call-filter-edit"),
    path("call-filters/<int:pk>/delete", callfilters.filter_delete, name="routing-call-filter-delete"),
]
