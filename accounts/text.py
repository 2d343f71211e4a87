"""Free text from people: normalised once, and refused when it hides characters.

Names and reasons are shown to reviewers and printed in reports, so bidi overrides,
zero-width and other invisible format or control characters (used to disguise a name) are
refused with a message, not silently dropped. Text is composed (NFC) but not folded: Chinese
full-width punctuation （，：） is ordinary text here; identifiers are folded elsewhere (NFKC).
"""

from __future__ import annotations

import unicodedata

from accounts.errors import InvalidInput

ALLOWED_CONTROL = {"\n", "\t"}


def clean_text(value: str, *, field: str, label: str, max_length: int,
               multiline: bool = False, required: bool = True) -> str:
    text = unicodedata.normalize("NFC", value or "").strip()
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for character in text:
        category = unicodedata.category(character)
        allowed = multiline and character in ALLOWED_CONTROL
        if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") and not allowed:
            raise InvalidInput(
                f"{label}含有不可见或控制字符（U+{ord(character):04X}），请删除后重新输入",
                code="hidden_characters", extra={"field": field},
            )
    if required and not text:
        raise InvalidInput(f"请填写{label}", extra={"field": field})
    if len(text) > max_length:
        raise InvalidInput(f"{label}不能超过{max_length}个字符", extra={"field": field})
    return text
