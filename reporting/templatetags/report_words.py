"""A report run's parameters in words ("年度：2026；起始日期：2026年12月1日"), not its JSON."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

register = template.Library()

LABELS = {"year": _("年度"), "date_from": _("起始日期"), "date_to": _("截止日期"),
          "due_days": _("支付期限（天）")}


def _value(name: str, value) -> str:
    if name.startswith("date_") and isinstance(value, str):
        try:
            return date_format(date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    return str(value)


@register.simple_tag
def report_parameters(parameters: dict | None) -> str:
    rows = [(gettext("{title}：{value}").format(title=LABELS.get(name, name),
                                               value=_value(name, value)),)
            for name, value in (parameters or {}).items() if value is not None]
    return format_html_join(gettext("；"), "{}", rows)
