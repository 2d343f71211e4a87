"""The kinds of message the platform sends, and how one is put into words.

Each app registers its kinds (accounts here, vouchers in vouchers/notifications.py) so that
this module needs to import none of them. A kind has a title and a body with named
placeholders, translated like any other text; a message stores only its kind and parameters
and is rendered in the reader's language: the page's language in the message centre, the
user's language (User.language) in its e-mail. Parameters are JSON scalars; a name ending in
`_fen` is an amount shown in yuan, one ending in `_at` or `_on` an ISO date shown as a date,
`reason` a reviewer's reason (with its label, or nothing when empty), and a kind's `choices`
turn a code (`approved`) into words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.templatetags.money import format_yuan


@dataclass(frozen=True)
class NotificationKind:
    code: str
    label: str | Promise  # on the preferences page
    title: str | Promise
    body: str | Promise
    by_email_by_default: bool = True
    # Parameters that hold a code, each with its words: {"decision": {"approved": _("通过")}}
    choices: dict[str, dict[str, str | Promise]] | None = None


KINDS: dict[str, NotificationKind] = {}


def register(*kinds: NotificationKind) -> None:
    for kind in kinds:
        KINDS[kind.code] = kind


def render(kind_code: str, params: dict[str, Any], *, language: str | None = None
           ) -> tuple[str, str]:
    """(title, body) of a message, in `language` (default: the active one)."""
    kind = KINDS.get(kind_code)
    with translation.override(language or translation.get_language()):
        if kind is None:  # a kind since retired: its record is still linked
            return str(_("消息")), ""
        choices = kind.choices or {}
        shown = {
            name: str(choices[name].get(value, value)) if name in choices
            else _shown(name, value)
            for name, value in params.items()
        }
        return _fill(kind.title, shown), _fill(kind.body, shown)


def _fill(text: str | Promise, values: dict[str, str]) -> str:
    try:
        return str(text) % values
    except (KeyError, ValueError, TypeError):  # a parameter renamed since: the bare text
        return str(text)


def _shown(name: str, value: Any) -> str:
    if name == "reason":  # the decision's reason, as the reviewer typed it, if any
        return str(_("原因：%(reason)s")) % {"reason": value} if value else ""
    if value is None:
        return "—"
    if name.endswith("_fen"):
        return format_yuan(int(value))
    if name.endswith(("_at", "_on")) and isinstance(value, str):
        try:  # a date or a date-time: the day it names, in its own offset
            day = datetime.fromisoformat(value).date()
        except ValueError:
            return value
        return formats.date_format(day, "DATE_FORMAT")
    return str(value)


DECISIONS: dict[str, str | Promise] = {
    "approved": pgettext_lazy("decision", "通过"), "rejected": pgettext_lazy("decision", "驳回"),
    "notice": pgettext_lazy("decision", "审核通过，进入公示"),
    "upheld": pgettext_lazy("decision", "异议成立"),
    "dismissed": pgettext_lazy("decision", "异议不成立"),
    "returned": pgettext_lazy("decision", "退回修改"),
}

register(
    NotificationKind(
        code="registration_decided",
        label=_("注册审核结果"),
        title=_("机构注册审核结果：%(decision)s"),
        body=_("%(organisation)s 的注册申请审核结果为：%(decision)s。%(reason)s"),
        choices={"decision": DECISIONS},
    ),
    NotificationKind(
        code="objection_lodged",
        label=_("公示异议"),
        title=_("公示收到异议：%(organisation)s"),
        body=_("%(organisation)s 的公示收到一条异议，请在「公示与异议」中处理。"),
        choices={"decision": DECISIONS},
    ),
    NotificationKind(
        code="objection_resolved",
        label=_("异议处理结果"),
        title=_("您提出的异议已处理：%(decision)s"),
        body=_("您对 %(organisation)s 公示提出的异议处理结果为：%(decision)s。%(reason)s"),
        choices={"decision": DECISIONS},
    ),
)
