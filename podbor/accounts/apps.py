from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "podbor.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from podbor.accounts import checks  # noqa: F401  (registers the system checks)
