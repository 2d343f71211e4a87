"""The actual controller (实际控制人) of an organisation: one identity however it is typed.

Group caps and related-party checks compare a stored key, never raw text: a trailing space, a
full-width letter or a different middle dot must not make the same person a new group. With an
identifier the key is the identifier (the controller's own credit code, or a keyed hash of a
resident ID number: only its first 6 and last 4 characters are kept, for the reviewer's eyes);
without one it is the folded name.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc

from accounts.credit_codes import hidden_characters
from accounts.errors import InvalidInput
from accounts.models import Organisation
from accounts.text import clean_text

# Middle dots of minority and foreign names (阿依古丽·买买提) typed with different characters.
_MIDDLE_DOTS = dict.fromkeys(map(ord, "・･•‧∙⋅•"), "·")
_KEY_SALT = "accounts.identity.resident_id"


@dataclass(frozen=True)
class ControllerIdentity:
    name: str
    identifier: str  # shown to reviewers: a credit code, or a masked resident ID number
    key: str  # "" when no controller is declared


def controller_identity(*, name: str, identifier: str) -> ControllerIdentity:
    """Clean and validate a declared actual controller. Raises InvalidInput (field named)."""
    name = clean_text(name, field="actual_controller", label="实际控制人", max_length=128,
                      required=False)
    raw_identifier = (identifier or "").strip()
    if raw_identifier and not name:
        raise InvalidInput(_("填写实际控制人证件号码时，请同时填写实际控制人名称"),
                           extra={"field": "actual_controller"})
    if not raw_identifier:
        return ControllerIdentity(name=name, identifier="", key=_name_key(name))
    shown, key = _identifier_key(raw_identifier)
    return ControllerIdentity(name=name, identifier=shown, key=key)


def _name_key(name: str) -> str:
    if not name:
        return ""
    folded = unicodedata.normalize("NFKC", name).translate(_MIDDLE_DOTS).casefold()
    return "name:" + "".join(folded.split())[:70]


def _identifier_key(raw: str) -> tuple[str, str]:
    if hidden_characters(raw):
        raise InvalidInput(
            _("实际控制人证件号码中含有不可见字符，请删除后重新输入"),
            code="hidden_characters", extra={"field": "actual_controller_identifier"},
        )
    number = "".join(unicodedata.normalize("NFKC", raw).split()).replace("-", "").upper()
    if uscc.is_valid(number):
        return number, f"uscc:{number}"
    if ric.is_valid(number):
        digest = salted_hmac(
            _KEY_SALT, number, secret=settings.IDENTITY_KEY_SECRET, algorithm="sha256"
        ).hexdigest()
        return f"{number[:6]}{'*' * 8}{number[-4:]}", f"ric:{digest[:64]}"
    raise InvalidInput(
        _("实际控制人证件号码应为有效的统一社会信用代码或18位居民身份证号码，请核对"),
        code="invalid_controller_identifier", extra={"field": "actual_controller_identifier"},
    )


def under_one_controller(first: Organisation, second: Organisation) -> bool:
    """The same actual controller on both sides, or one side controls the other (the
    controller's credit code is the other organisation's own)."""
    keys = (first.actual_controller_key, second.actual_controller_key)
    if keys[0] and keys[0] == keys[1]:
        return True
    return f"uscc:{second.credit_code}" == keys[0] or f"uscc:{first.credit_code}" == keys[1]
