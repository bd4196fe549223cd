"""Who listens to which domain event kind. Consumer apps subscribe in their AppConfig.ready()."""

from collections import defaultdict
from collections.abc import Callable

Handler = Callable[..., None]
_subscribers: dict[str, dict[str, Handler]] = defaultdict(dict)


def subscribe(kind: str, name: str, handler: Handler) -> None:
    """Register ``handler(event)`` under a stable ``name`` (the name records what was handled)."""
    _subscribers[kind][name] = handler


def subscribers_for(kind: str) -> dict[str, Handler]:
    return dict(_subscribers.get(kind, {})) | dict(_subscribers.get("*", {}))


def unsubscribe(kind: str, name: str) -> None:
    """Forget a handler (tests register their own and must leave the registry as they found it)."""
    _subscribers.get(kind, {}).pop(name, None)


def heard_kinds() -> frozenset[str] | None:
    """The event kinds someone listens to; None when a subscriber listens to every kind."""
    if _subscribers.get("*"):
        return None
    return frozenset(kind for kind, handlers in _subscribers.items() if handlers)
