"""The materials list (材料清单) of a program, as a short line for a table cell."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vouchers.services.application_materials import material_label

register = template.Library()


@register.filter
def materials_line(materials: list[dict]) -> str:
    """"营业执照（必需）、研发需求说明（可选）" in the page's language; "—" if none."""
    if not materials:
        return "—"
    return pgettext("list separator", "、").join(
        (_("%(name)s（必需）") if m["required"] else _("%(name)s（可选）"))
        % {"name": material_label(m)} for m in materials
    )
