"""{% site_navigation %}: the role's navigation groups, resolved to URLs for the header."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from accounts.navigation import ACCOUNT, navigation_for

register = template.Library()


@register.simple_tag(takes_context=True)
def site_navigation(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    path = getattr(request, "path", "")

    def resolve(group):
        links = [{"label": label, "url": reverse(name)} for label, name in group.links]
        for link in links:
            link["current"] = link["url"] == path
        return {"name": group.name, "links": links}

    signed_in = bool(user and user.is_authenticated)
    groups = navigation_for(getattr(user, "role", None)) if signed_in else navigation_for(None)
    return {"groups": [resolve(group) for group in groups],
            "account": resolve(ACCOUNT) if signed_in else None}


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(*parts: Any) -> dict[str, Any]:
    """Alternating label, link, ...; the last label (the current page) without a link."""
    crumbs = []
    for index in range(0, len(parts), 2):
        label = parts[index]
        target = parts[index + 1] if index + 1 < len(parts) else None
        if target and not str(target).startswith("/"):
            target = reverse(str(target))
        crumbs.append((label, target or None))
    return {"crumbs": crumbs}
