from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VouchersConfig(AppConfig):
    name = "vouchers"
    verbose_name = _("创新券")

    def ready(self) -> None:
        # Registers the voucher flow's message kinds, for every process that renders one.
        from vouchers import (
            notifications,  # noqa: F401
            tasks,  # noqa: F401 - services send the record refresh by name
        )
        from vouchers.audit_links import register

        register()  # the audit trail's links to voucher records, and their value words
