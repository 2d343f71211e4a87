from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("统计与对账")

    def ready(self) -> None:
        # Registers the report tasks in every process, so that the services can enqueue
        # them by name (reporting.services.runs.EXECUTE_TASK) without importing them.
        from reporting import tasks  # noqa: F401
