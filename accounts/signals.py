"""Logins and failed logins go to the audit trail (Django sends these signals, we record them)."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from accounts.audit import audit_record


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs) -> None:
    audit_record(actor=user, action="login", target=user, now=timezone.now())


@receiver(user_login_failed)
def record_failed_login(sender, credentials, request=None, **kwargs) -> None:
    audit_record(
        actor=None,
        action="login_failed",
        after={"username": str(credentials.get("username", ""))[:150]},
        now=timezone.now(),
    )


@receiver(user_locked_out)
def record_lockout(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    audit_record(
        actor=None, action="login_locked_out",
        after={"username": str(username or "")[:150], "ip_address": ip_address},
        now=timezone.now(),
    )
