from django.urls import path  # noqa: F401  (each page group adds its lines below)

from podbor.intake.views import imports
from podbor.intake.views import log as log_views
from podbor.intake.views import sources as source_views

urlpatterns: list = [
    path("log/", log_views.intake_log, name="intake-log"),
    path("log/<int:pk>/", log_views.intake_event, name="intake-event"),
    path("log/<int:pk>/retry", log_views.intake_event_retry, name="intake-event-retry"),
    path("sources/", source_views.sources_list, name="intake-sources"),
    path("sources/new/", source_views.source_new, name="intake-source-new"),
    path("sources/<int:pk>/", source_views.source_edit, name="intake-source-edit"),
    path("sources/<int:pk>/token", source_views.source_token_new, name="intake-source-token"),
    path("imports/new/", imports.import_new, name="intake-import-new"),
    path("imports/<uuid:uuid>/", imports.import_detail, name="intake-import"),
    path("imports/<uuid:uuid>/commit", imports.import_commit, name="intake-import-commit"),
]
