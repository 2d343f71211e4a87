"""Logins and failed logins go to the audit trail (Django sends these signals, we record them);
saved users and organisations drop their cached API tokens."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import Organisation, User
from accounts.token_cache import forget_tokens_of


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


# Cached API tokens carry their user and organisation (accounts/token_cache.py). Any save of
# either, the admin's included (deactivating a user, changing a role), tombstones the cached
# tokens in the saving transaction: a receiver, because no save path may be forgotten.
@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def forget_user_tokens(sender, instance: User, update_fields=None, **kwargs) -> None:
    if kwargs.get("created"):
        return  # a new user has no token yet
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in changes nothing a token grants
    forget_tokens_of(user_ids=[instance.pk])


@receiver(post_save, sender=Organisation)
@receiver(post_delete, sender=Organisation)
def forget_organisation_tokens(sender, instance: Organisation, **kwargs) -> None:
    if not kwargs.get("created"):
        forget_tokens_of(organisation_id=instance.pk)
