from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("机构与账户")

    def ready(self) -> None:
        from accounts import signals  # noqa: F401 - registers the login audit receivers
