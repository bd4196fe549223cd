from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AutomationConfig(AppConfig):
    name = "podbor.automation"
    label = "automation"
    verbose_name = _("Processes")

    def ready(self) -> None:
        from podbor.automation import subscribers

        subscribers.register()
