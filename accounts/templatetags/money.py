"""Money in templates: integer fen shown as yuan, ¥12,345.60."""

from __future__ import annotations

from django import template

register = template.Library()


def format_yuan(fen: int | None) -> str:
    if fen is None or fen == "":
        return "—"
    fen = int(fen)
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


@register.filter(name="yuan")
def yuan(fen: int | None) -> str:
    return format_yuan(fen)


@register.filter(name="basis_points")
def basis_points(value: int | None) -> str:
    """5000 → 50%, 3750 → 37.5%."""
    if value is None:
        return "—"
    percent = int(value) / 100
    return f"{percent:g}%"
