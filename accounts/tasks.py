"""Scheduled jobs of accounts: thin, keyword-only, calling one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from accounts import services
from accounts.idempotency import idempotency_purge
from accounts.services.notifications import notification_emails_send


@shared_task(acks_late=True)
def conclude_due_notices() -> int:
    return services.notices_conclude_due(now=timezone.now())


@shared_task(acks_late=True)
def purge_idempotency_keys() -> int:
    return idempotency_purge(now=timezone.now())


# No result: the sender never waits for one, and the result store may be away with the broker.
@shared_task(acks_late=True, ignore_result=True)
def send_notification_emails() -> int:
    """The pending e-mail copies of messages: after each commit that wrote some, and by beat."""
    return notification_emails_send(now=timezone.now())


@shared_task
def ping(*, value: str) -> str:
    """Round trip through the broker and a worker; used by health checks and CI."""
    return f"pong:{value}"
