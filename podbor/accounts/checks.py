from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def secret_key_from_environment(app_configs, **kwargs):
    """In production the secret comes from SECRET_KEY or SECRET_KEY_FILE, not the generated development file."""
    dev_file = settings.VAR_DIR / "secret_key"
    if dev_file.exists() and dev_file.read_text().strip() == settings.SECRET_KEY:
        return [
            checks.Warning(
                "SECRET_KEY is the one generated for development in var/secret_key.",
                hint="Set SECRET_KEY or SECRET_KEY_FILE in the environment for production.",
                id="podbor.W001",
            )
        ]
    return []
