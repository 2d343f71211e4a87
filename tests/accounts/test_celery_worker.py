"""Tasks travel through the configured broker to a real worker (filesystem or Redis)."""

from __future__ import annotations

from django.conf import settings


def test_task_round_trip_through_the_broker(live_celery_worker):
    from accounts.tasks import ping

    result = ping.delay(value="broker")

    assert result.get(timeout=30) == "pong:broker"
    assert live_celery_worker.conf.broker_url == settings.CELERY_BROKER_URL
