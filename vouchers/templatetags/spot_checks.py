"""A spot-check rate in basis points as the percent a reader types: 250 → 2.5%."""

from __future__ import annotations

from django import template

from vouchers.services.spot_check_sampling import rate_percent_text

register = template.Library()


@register.filter
def rate_percent(rate_bp: int | None) -> str:
    return "" if rate_bp is None else rate_percent_text(rate_bp)
