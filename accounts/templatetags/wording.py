"""Phrases that join a value to words, written whole in the page's language: Chinese puts a
detail in full-width brackets and a title before a full-width colon, English in "( )" and ": ".
A built-in library (settings TEMPLATES builtins), so templates need no load."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def aside(value, detail) -> str:
    """`苏州精密制造有限公司（苏州市）` / `… (Suzhou)`."""
    return format_html(gettext("{value}（{detail}）"), value=value, detail=detail)


@register.filter
def or_english(name: str, name_en: str) -> str:
    """A reference name read by values(): its English form on English pages, if it has one."""
    from accounts.models.reference import english_active

    return name_en if name_en and english_active() else name


@register.simple_tag
def titled(title, value) -> str:
    """`申领创新券：2026年度项目` / `Apply for a voucher: …`."""
    return format_html(gettext("{title}：{value}"), title=title, value=value)


@register.filter
def audit_action(action: str) -> str:
    from accounts.audit_labels import action_label

    return action_label(action)


@register.filter
def record_kind(object_type: str) -> str:
    from accounts.audit_labels import record_kind as kind

    return kind(object_type)


@register.simple_tag
def audit_changes(entry) -> str:
    """What an audit line changed: "状态：已提交 → 已批准" per field, in the page's language."""
    from accounts.audit_labels import changes

    before = dict(changes(entry.object_type, entry.before))
    after = changes(entry.object_type, entry.after)
    parts = [format_html(gettext("{title}：{value}"), title=label,
                         value=f"{before[label]} → {value}" if label in before else value)
             for label, value in after]
    parts += [format_html(gettext("{title}：{value}"), title=label, value=f"{value} → —")
              for label, value in before.items() if label not in dict(after)]
    return format_html("; ".join(["{}"] * len(parts)), *parts) if parts else ""
