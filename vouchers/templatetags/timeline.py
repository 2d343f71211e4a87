"""`{% record_timeline record as timeline %}`: the progress timeline of the page's record for
the page's viewer (vouchers/timelines.py)."""

from __future__ import annotations

from typing import Any

from django import template

from vouchers.models import Application, Redemption, ServiceOrder
from vouchers.timelines import (
    Timeline,
    application_timeline,
    order_timeline,
    redemption_timeline,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def record_timeline(context: dict[str, Any], record: Any) -> Timeline | None:
    request = context.get("request")
    viewer = getattr(request, "user", None)
    if isinstance(record, Application):
        return application_timeline(application=record, viewer=viewer)
    if isinstance(record, ServiceOrder):
        return order_timeline(order=record, viewer=viewer)
    if isinstance(record, Redemption):
        return redemption_timeline(redemption=record, viewer=viewer)
    return None
