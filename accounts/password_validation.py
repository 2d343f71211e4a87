"""Django's minimum-length password validator with messages in the portal's catalogue.

Django 5.2.x changed the validator's message ids ("... at least %d characters.") while its
zh_Hans catalogue still holds the old ones ("%(min_length)d"), so in the Chinese UI the message
came out in English. The messages here are Chinese source strings like the rest of the portal,
translated to English in locale/en. The other validators' messages are translated by Django.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "密码太短，至少需要 %(min_length)d 个字符。",
            "密码太短，至少需要 %(min_length)d 个字符。",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "密码至少需要 %(min_length)d 个字符。",
            "密码至少需要 %(min_length)d 个字符。",
            self.min_length,
        ) % {"min_length": self.min_length}
