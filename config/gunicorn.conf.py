"""gunicorn's settings: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Its own lines (boot, worker start and exit) use the project's JSON format and clock; its
access log is off because our middleware writes one access line per request, with the
request id and the user. With PROMETHEUS_MULTIPROC_DIR set, an exited worker's live
gauges are dropped from the shared metrics folder (its counters stay counted).
"""

from __future__ import annotations

import os
from typing import Any

from config.observability.logs import logging_configuration

logconfig_dict = logging_configuration(
    level=os.environ.get("LOG_LEVEL", "INFO"), admins_mail=False
)
accesslog = None


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
