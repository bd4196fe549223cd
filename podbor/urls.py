from django.contrib import admin
from django.urls import include, path, re_path

from podbor.api.delivery import intake_delivery
from podbor.api.urls import api

urlpatterns = [
    path("admin/", admin.site.urls),
    # The intake endpoint's hot path, ahead of the API (see api/delivery.py); "events" is the event log.
    re_path(r"^api/v1/intake/(?!events$)(?P<slug>[-a-zA-Z0-9_]+)$", intake_delivery, name="intake-delivery"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("podbor.accounts.urls")),
    path("", include("podbor.crm.urls")),
    path("intake/", include("podbor.intake.urls")),
    path("routing/", include("podbor.routing.urls")),
    path("processes/", include("podbor.automation.urls")),
]
