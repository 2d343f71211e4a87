from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("机构与账户")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from accounts import (
            signals,  # noqa: F401 - registers the login audit receivers
            tasks,  # noqa: F401 - services send to them by name
        )
        from config.database_roles import grant_after_migrate

        # Sent once per app after every migration ran: one sender, so one grant per migrate.
        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="grant_app_role")
