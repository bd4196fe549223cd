"""Podbor's settings: one file, read from the environment. The defaults run on SQLite with no other service."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from podbor.lib.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PODBOR_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret("SECRET_KEY", dev_file=VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "huey.contrib.djhuey",
    "ninja",
    "podbor.accounts",
    "podbor.events",
    "podbor.crm",
    "podbor.messaging",
    "podbor.intake",
    "podbor.routing",
    "podbor.automation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "podbor.lib.locale_middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "podbor.urls"
WSGI_APPLICATION = "podbor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "podbor" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'podbor.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web server read while the other writes; IMMEDIATE avoids
    # "database is locked" on write-after-read inside a transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not shared-cache memory: concurrency tests need SQLite's real locking and busy timeout. One per
    # process, so that parallel test runs do not share it; the test runner deletes it at the end.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
elif env_bool("DB_PREPARED_STATEMENTS", True):
    # Django's own statements are never prepared; this lets podbor.lib.statements prepare the few hot ones it runs.
    # Off (false) behind a pooler in transaction mode that cannot keep prepared statements (PgBouncer before 1.21).
    # Generic plans for them: planned once, not for each run (left to choose, PostgreSQL keeps planning a statement
    # with an array of ids for each run). Only prepared statements have plans to keep: Django's own are not.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["prepare_threshold"] = 2**31 - 1
    options["options"] = f"{options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts-login"
LOGIN_REDIRECT_URL = "crm-board"
LOGOUT_REDIRECT_URL = "accounts-login"

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "ru")
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "podbor" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "podbor" / "static"]
WHITENOISE_USE_FINDERS = DEBUG  # runserver in development serves from the app folders, no collectstatic needed

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the board's drag-and-drop reads it for its fetch() calls
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_COOKIES", not DEBUG and env_bool("HTTPS", False)):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None

# Background work: the Django Tasks API on Huey. SqliteHuey in its own file by default; in production
# HUEY_DATABASE_URL puts the queue on PostgreSQL (Huey's PostgresHuey on psycopg 3: SKIP LOCKED claims, and
# LISTEN/NOTIFY wakes an idle worker at once), or HUEY_REDIS_URL on Redis.
HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", False)
# Threads, the periodic sweepers, and idle polls at most every 0.5 s (a timer's job is taken within that).
_HUEY_CONSUMER = {"workers": env_int("HUEY_WORKERS", 2), "worker_type": "thread", "periodic": True, "max_delay": 0.5}
_huey_database_url = env_secret("HUEY_DATABASE_URL")
if _huey_database_url:
    if not _huey_database_url.startswith(("postgres://", "postgresql://")) or env_str("HUEY_REDIS_URL"):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("HUEY_DATABASE_URL takes a postgres:// URL, and HUEY_REDIS_URL must then be unset")
    _huey_db = dj_database_url.parse(_huey_database_url)
    # libpq keywords rather than the URL: Django's error pages hide a "password" key, not a password in a URL.
    _huey_connection = {"host": _huey_db["HOST"], "port": _huey_db["PORT"], "dbname": _huey_db["NAME"],
                        "user": _huey_db["USER"], "password": _huey_db["PASSWORD"], **_huey_db.get("OPTIONS", {})}
    HUEY = {
        "huey_class": "huey.PostgresHuey",
        "name": "podbor",
        "connection": {key: value for key, value in _huey_connection.items() if value not in ("", None)},
        "immediate": HUEY_IMMEDIATE,
        "consumer": _HUEY_CONSUMER,
    }
elif env_str("HUEY_REDIS_URL"):
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": "podbor",
        "url": env_str("HUEY_REDIS_URL"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": _HUEY_CONSUMER,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "podbor",
        "filename": str(Path(env_str("HUEY_SQLITE_FILE", str(VAR_DIR / "huey.sqlite3")))),
        "immediate": HUEY_IMMEDIATE,
        "consumer": _HUEY_CONSUMER,
    }
TASKS = {
    "default": {
        "BACKEND": "podbor.lib.tasks_backend.HueyBackend",  # huey's, without result records
        "ENQUEUE_ON_COMMIT": True,
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # run_huey installs its own handler on "huey"; without this every line prints twice.
        "huey": {"level": "INFO", "propagate": False},
        # SpiffWorkflow logs every task state change at INFO: the step history is kept on the instance instead.
        "spiff": {"level": "WARNING"},
    },
}

# How many cards a board column shows before "show more".
BOARD_COLUMN_PAGE = env_int("BOARD_COLUMN_PAGE", 30)
API_PAGE_SIZE_MAX = 500
PHONE_DEFAULT_REGION = env_str("PHONE_DEFAULT_REGION", "RU")
# A manager left "At work" outside their working hours counts as Off after this many minutes.
PRESENCE_GRACE_MINUTES = env_int("PRESENCE_GRACE_MINUTES", 15)
# Leads in a manager's call list; a due callback pinned to one manager goes to anyone this many minutes later.
CALL_LIST_SIZE = env_int("CALL_LIST_SIZE", 20)
CALL_LIST_PIN_MINUTES = env_int("CALL_LIST_PIN_MINUTES", 30)
CALL_LIST_RELEASE_HOURS = env_int("CALL_LIST_RELEASE_HOURS", 2)  # leads held by a manager Off this long go back
