"""Scheduled jobs of accounts: thin, keyword-only, calling one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from accounts import services
from accounts.idempotency import idempotency_purge


@shared_task(acks_late=True)
def conclude_due_notices() -> int:
    return services.notices_conclude_due(now=timezone.now())


@shared_task(acks_late=True)
def purge_idempotency_keys() -> int:
    return idempotency_purge(now=timezone.now())


@shared_task
def ping(*, value: str) -> str:
    """Round trip through the broker and a worker; used by health checks and CI."""
    return f"pong:{value}"
