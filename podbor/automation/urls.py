from django.urls import path

from podbor.automation.views import deal, designer, instances, library, triggers

# The fixed paths come before <key>/: a process whose key were "new", "incidents" or "templates" would be
# shadowed, so a diagram's id is better something like onboarding_call.
urlpatterns = [
    path("", designer.process_list, name="automation-process-list"),
    path("new/", designer.designer, name="automation-designer-new"),
    path("deploy", designer.deploy, name="automation-deploy"),
    path("upload", designer.upload, name="automation-upload"),
    path("incidents/", instances.incident_list, name="automation-incidents"),
    path("templates/", library.template_list, name="automation-templates"),
    path("templates/<str:key>/", library.template_preview, name="automation-template-preview"),
    path("templates/<str:key>/install", library.template_install_post, name="automation-template-install"),
    path("instances/<int:pk>/", instances.instance_detail, name="automation-instance"),
    path("instances/<int:pk>/retry", instances.instance_retry_post, name="automation-instance-retry"),
    path("instances/<int:pk>/cancel", instances.instance_cancel_post, name="automation-instance-cancel"),
    path("deal/<int:deal_pk>/", deal.deal_processes, name="automation-deal-processes"),
    path("deal/<int:deal_pk>/start", deal.deal_process_start, name="automation-deal-start"),
    path("<str:key>/", designer.designer, name="automation-designer"),
    path("<str:key>/instances/", instances.instance_list, name="automation-instances"),
    path("<str:key>/download", designer.download, name="automation-download"),
    path("<str:key>/triggers/", triggers.triggers_panel, name="automation-triggers"),
    path("<str:key>/triggers/add", triggers.trigger_add, name="automation-trigger-add"),
    path("<str:key>/triggers/<int:pk>/", triggers.trigger_edit, name="automation-trigger-edit"),
    path("<str:key>/triggers/<int:pk>/remove", triggers.trigger_remove, name="automation-trigger-remove"),
]
