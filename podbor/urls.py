from django.contrib import admin
from django.urls import include, path

from podbor.api.urls import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("podbor.accounts.urls")),
    path("", include("podbor.crm.urls")),
    path("intake/", include("podbor.intake.urls")),
    path("routing/", include("podbor.routing.urls")),
    path("processes/", include("podbor.automation.urls")),
]
