import pytest
from django.conf import settings

# Tests of what only PostgreSQL does (row claims, its job queue); CI runs the whole suite on PostgreSQL too.
needs_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs DATABASE_URL=postgres://… (CI runs the suite on PostgreSQL)",
)
