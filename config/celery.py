"""The Celery app; tasks are discovered in each installed app's `tasks.py`."""

from __future__ import annotations

from celery import Celery

from config.entrypoints import settings_module_default

settings_module_default()

app = Celery("vouchers")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
