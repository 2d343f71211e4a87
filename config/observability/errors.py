"""Error reporting: ADMINS from the environment, and Sentry when SENTRY_DSN is set."""

from __future__ import annotations

from email.utils import getaddresses
from typing import Any


def parse_admins(value: str) -> list[tuple[str, str]]:
    """`"Name <a@example.cn>, b@example.cn"` as Django's ADMINS: (name, address) pairs."""
    return [(name, address) for name, address in getaddresses([value]) if "@" in address]


def configure_sentry(
    *, dsn: str, environment: str, release: str | None, traces_sample_rate: float,
    **overrides: Any,
) -> bool:
    """Starts the Sentry SDK (Django and Celery integrations) if a DSN is given.

    No personal data is sent (`send_default_pii=False`): no user names, addresses, cookies
    or request bodies. `overrides` are further `sentry_sdk.init` options (a test transport).
    """
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        **overrides,
    )
    return True
