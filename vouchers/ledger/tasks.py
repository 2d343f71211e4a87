"""Scheduled jobs of the ledger: thin, keyword-only, calling one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from vouchers.ledger import services


@shared_task(acks_late=True)
def void_expired_pending_transfers() -> int:
    """Void holds past their timeout (every 5 minutes, CELERY_BEAT_SCHEDULE)."""
    return services.ledger_void_expired(now=timezone.now())
