"""The URL of a Django database connection, for a subprocess (a worker, a web server) that must use the same one."""

from urllib.parse import quote


def database_url(settings_dict: dict) -> str:
    """``connection.settings_dict`` as a DATABASE_URL; a test run's database replaces the configured one there."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user, password = quote(settings_dict["USER"] or "", safe=""), quote(settings_dict["PASSWORD"] or "", safe="")
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
    return f"postgres://{user}:{password}@{host}:{port}/{settings_dict['NAME']}"
