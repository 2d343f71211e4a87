"""The audit trail in words on any page: `{% described_entries trail as entries %}`."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.audit_display import describe_entries
from accounts.audit_labels import action_label

register = template.Library()


@register.simple_tag(takes_context=True)
def described_entries(context: dict[str, Any], entries: Any) -> list[Any]:
    """The lines with their labels, changes and object links for the page's viewer."""
    request = context.get("request")
    return describe_entries(entries or [], viewer=getattr(request, "user", None))


@register.filter(name="action_label")
def action_label_filter(code: str) -> str:
    return action_label(code)
