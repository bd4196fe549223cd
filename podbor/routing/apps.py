from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "podbor.routing"
    label = "routing"
    verbose_name = _("Routing")

    def ready(self) -> None:
        from podbor.events.registry import subscribe
        from podbor.routing.calllists import subscribers as call_lists
        from podbor.routing.services import on_presence_changed

        # Queued deals first: a manager who comes to work gets them before their call list is built.
        subscribe("presence.changed", "routing.queue", on_presence_changed)
        subscribe("presence.changed", call_lists.SUBSCRIBER, call_lists.on_presence_changed)
