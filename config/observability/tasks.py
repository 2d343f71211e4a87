"""Celery's side: logging in the project's format, the task in hand in each line, and one
outcome line and counter per task (success, failure, retry)."""

from __future__ import annotations

import logging
import logging.config
from typing import Any

from celery.signals import (
    before_task_publish,
    setup_logging,
    task_failure,
    task_postrun,
    task_prerun,
    task_retry,
    task_success,
)

from config.observability import metrics
from config.observability.context import WorkContext, current_work

logger = logging.getLogger("vouchers.tasks")
_tokens: dict[str, Any] = {}


@setup_logging.connect
def use_the_project_logging(*, loglevel: Any = None, **kwargs: Any) -> None:
    """Connected, this keeps Celery from installing its own handlers and format; the
    worker's `--loglevel` still sets the root level."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)


@before_task_publish.connect
def carry_the_request_id(*, headers: dict[str, Any], **kwargs: Any) -> None:
    """A task sent while a request is handled carries its id to the worker's lines."""
    work = current_work.get()
    if work is not None and work.request_id is not None:
        headers.setdefault("request_id", work.request_id)


@task_prerun.connect
def enter_task(*, task_id: str, task: Any, **kwargs: Any) -> None:
    # The sender's request id: from the message, or, run eagerly, from the request in hand.
    outer = current_work.get()
    request_id = getattr(task.request, "request_id", None) or (
        outer.request_id if outer else None
    )
    work = WorkContext(request_id=request_id, task_id=task_id, task_name=task.name)
    _tokens[task_id] = current_work.set(work)


@task_postrun.connect
def leave_task(*, task_id: str, **kwargs: Any) -> None:
    token = _tokens.pop(task_id, None)
    if token is not None:
        current_work.reset(token)


@task_success.connect
def count_success(*, sender: Any, **kwargs: Any) -> None:
    _outcome(sender, "success")


@task_failure.connect
def count_failure(*, sender: Any, exception: BaseException, **kwargs: Any) -> None:
    # Celery's own error line carries the traceback; this one is the countable outcome.
    _outcome(sender, "failure", error=type(exception).__name__)


@task_retry.connect
def count_retry(*, sender: Any, reason: Any, **kwargs: Any) -> None:
    _outcome(sender, "retry", error=str(reason)[:200])


def _outcome(task: Any, outcome: str, **details: str) -> None:
    metrics.observe_task(task=task.name, outcome=outcome)
    level = logging.INFO if outcome == "success" else logging.WARNING
    logger.log(level, "task %s: %s", task.name, outcome, extra={"outcome": outcome, **details})
