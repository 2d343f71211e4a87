"""The Celery app; tasks are discovered in each installed app's `tasks.py`."""

from __future__ import annotations

from celery import Celery

from config.entrypoints import settings_module_default

settings_module_default()

app = Celery("vouchers")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Log format, task context and outcome counters (connects Celery's signals).
import config.observability.tasks  # noqa: E402, F401
