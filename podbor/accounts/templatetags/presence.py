"""The presence switch in the header of every page."""

from django import template

from podbor.accounts.selectors import presence_effective

register = template.Library()


def presence_context(user) -> dict:
    return {"presence_user": user, "presence_status": user.presence, "presence_effective": presence_effective(user),
            "presence_choices": user.Presence.choices}


@register.inclusion_tag("accounts/_presence.html", takes_context=True)
def presence_switch(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return {"presence_user": None}
    return {**presence_context(user), "csrf_token": context.get("csrf_token"), "request": request}
