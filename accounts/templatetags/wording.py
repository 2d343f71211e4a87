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
