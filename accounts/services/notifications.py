"""Messages: written with the state change that causes them, e-mailed after it commits.

`notify` is a building block, not a use case: it joins the caller's transaction, so a message
exists exactly when its change committed (the rows are the outbox). After the commit one task
message asks a worker to send the pending e-mail copies; if the broker is away that message is
lost but the rows are not, and the periodic sweep (`notifications-send-emails` in
CELERY_BEAT_SCHEDULE) sends them when it runs again. A worker claims the rows it sends
(`email_claimed_until`), so two workers never send one copy twice; a worker that dies between
sending and recording a copy may send it again after the claim runs out (at least once).
Reading a message sets its `read_at`, which is its own record of who read it and when; it
moves no money and is not audited.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.urls import reverse

from accounts.errors import InvalidInput
from accounts.models import Notification, NotificationPreference, Objection, Organisation, User
from accounts.notifications import KINDS, render
from accounts.selectors import organisation_members, region_reviewers
from accounts.transactions import service_transaction

SEND_TASK = "accounts.tasks.send_notification_emails"
CLAIM = timedelta(minutes=10)
MAX_EMAIL_ATTEMPTS = 5
logger = logging.getLogger(__name__)


def notify(
    *, kind: str, recipients: Iterable[User], params: dict[str, Any], link: str,
    now: datetime, once_key: str | None = None,
) -> int:
    """Write one message per recipient in the caller's transaction; the number written.

    With `once_key` (a reminder's record and threshold) each recipient gets the message once
    ever: a rerun, or two runs at once, write nothing more (a unique key per recipient).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not connection.in_atomic_block:
        raise RuntimeError("notify() joins the transaction of the change it reports")
    users = {user.pk: user for user in _with_email_choice(recipients, kind) if user.is_active}
    if not users:
        return 0
    wanted = _by_email(kind, users.values())
    rows = [
        Notification(
            recipient=user, kind=kind, params=params, link=link, created_at=now,
            once_key=f"{once_key}:{user.pk}" if once_key else None,
            email=Notification.Email.PENDING if wanted[user.pk] else Notification.Email.NOT_SENT,
        )
        for user in users.values()
    ]
    if once_key:
        taken = set(Notification.objects.filter(
            once_key__in=[row.once_key for row in rows]).values_list("once_key", flat=True))
        rows = [row for row in rows if row.once_key not in taken]
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(once_key))
    if any(row.email == Notification.Email.PENDING for row in rows):
        transaction.on_commit(notification_emails_dispatch, robust=True)
    return len(rows)


_NOT_READ = object()  # a recipient read without its e-mail choice


def _with_email_choice(recipients: Iterable[User], kind: str) -> Iterable[User]:
    """Recipients given as a query read each one's e-mail choice for `kind` in that query
    (one statement, not two); `email_choice` is None where the user never chose."""
    if not isinstance(recipients, QuerySet):
        return recipients
    choice = NotificationPreference.objects.filter(kind=kind, user=OuterRef("pk"))
    annotated: QuerySet[User] = recipients.annotate(
        email_choice=Subquery(choice.values("by_email")[:1]))
    return annotated


def _by_email(kind: str, users: Iterable[User]) -> dict[int, bool]:
    users = list(users)
    choices = {user.pk: vars(user).get("email_choice", _NOT_READ) for user in users}
    if _NOT_READ not in choices.values():  # each read with its choice (_with_email_choice)
        chosen = {pk: choice for pk, choice in choices.items() if choice is not None}
    else:
        chosen = dict(NotificationPreference.objects.filter(
            kind=kind, user__in=users).values_list("user_id", "by_email"))
    default = KINDS[kind].by_email_by_default
    return {user.pk: bool(user.email) and chosen.get(user.pk, default) for user in users}


def notification_emails_dispatch() -> bool:
    """Ask a worker to send the pending copies; False (logged) if that fails.

    Called after the commit, so nothing may fail the change it follows: whatever the broker
    (or Celery with its result store away) raises is logged, and the sweep sends the copies.
    """
    try:
        current_app.tasks[SEND_TASK].apply_async()
    except Exception as error:  # any failure: the outbox rows are the guarantee
        logger.warning("notification e-mails not dispatched, the sweep will send them: %r",
                       error)
        return False
    return True


def notification_emails_send(*, now: datetime, limit: int = 200) -> int:
    """Send the pending e-mail copies not claimed by another worker; the number sent."""
    sent = 0
    for notification in _claim_pending(now=now, limit=limit):
        try:
            _email(notification)
        except OSError as error:  # SMTP refused or unreachable: retried by a later sweep
            _record_failure(notification, now=now, error=error)
            continue
        Notification.objects.filter(pk=notification.pk, email=Notification.Email.PENDING).update(
            email=Notification.Email.SENT, emailed_at=now, email_claimed_until=None)
        sent += 1
    return sent


def _claim_pending(*, now: datetime, limit: int) -> list[Notification]:
    with transaction.atomic(durable=True):
        pending = (
            Notification.objects.filter(email=Notification.Email.PENDING)
            .exclude(email_claimed_until__gt=now)
            .order_by("created_at", "pk")
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")[:limit]
        )
        claimed = list(pending)
        Notification.objects.filter(pk__in=[row.pk for row in claimed]).update(
            email_claimed_until=now + CLAIM, email_attempts=F("email_attempts") + 1)
    return claimed


def _email(notification: Notification) -> None:
    recipient = notification.recipient
    language = recipient.language or settings.LANGUAGE_CODE
    title, body = render(notification.kind, notification.params, language=language)
    link = f"{settings.SITE_URL.rstrip('/')}{notification.link}" if notification.link else ""
    text = f"{body}\n\n{link}".strip() if link else body
    EmailMessage(
        subject=f"{settings.EMAIL_SUBJECT_PREFIX}{title}", body=text,
        from_email=settings.DEFAULT_FROM_EMAIL, to=[recipient.email],
    ).send()


def _record_failure(notification: Notification, *, now: datetime, error: OSError) -> None:
    attempts = notification.email_attempts + 1
    logger.warning("notification %s not e-mailed (attempt %s): %r", notification.pk, attempts,
                   error)
    if attempts >= MAX_EMAIL_ATTEMPTS:
        Notification.objects.filter(pk=notification.pk).update(
            email=Notification.Email.FAILED, email_claimed_until=None)
    else:  # the claim doubles as the time of the next try: 2, 4, 8, 16 minutes on
        Notification.objects.filter(pk=notification.pk).update(
            email_claimed_until=now + timedelta(minutes=2 ** attempts))


@service_transaction
def notification_mark_read(*, actor: User, notification_id: int, now: datetime) -> Notification:
    """The recipient opens a message; reading it again changes nothing."""
    notification = Notification.objects.select_for_update().get(pk=notification_id,
                                                                recipient=actor)
    if notification.read_at is None:
        notification.read_at = now
        notification.save(update_fields=["read_at"])
    return notification


@service_transaction
def notifications_mark_all_read(*, actor: User, now: datetime) -> int:
    """Every unread message of the actor, read now; the number marked."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=now)


@service_transaction
def notification_preferences_set(
    *, actor: User, by_email: dict[str, bool], now: datetime, language: str | None = None,
) -> None:
    """The user's choice, per kind, of an e-mail copy, and the language of its e-mails."""
    unknown = sorted(set(by_email) - set(KINDS))
    if unknown:
        raise InvalidInput("未知的消息类型：" + "、".join(unknown), extra={"field": "kinds"})
    for kind, wanted in by_email.items():
        NotificationPreference.objects.update_or_create(
            user=actor, kind=kind, defaults={"by_email": wanted, "updated_at": now})
    if language is not None:
        _set_language(actor, language)


@service_transaction
def user_language_set(*, actor: User, language: str) -> None:
    """The language a user chose on the site: that of their e-mails from now on."""
    _set_language(actor, language)


def _set_language(actor: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput("不支持的语言", extra={"field": "language"})
    User.objects.filter(pk=actor.pk).update(language=language)
    actor.language = language


def notify_registration_decided(organisation: Organisation, *, reason: str, now: datetime
                                ) -> None:
    """The registering organisation's users: admitted, in public notice, or refused."""
    notify(
        kind="registration_decided",
        recipients=organisation_members(organisation_id=organisation.pk),
        params={"decision": organisation.status, "organisation": organisation.name,
                "reason": reason.strip()},
        link=reverse("home"), now=now,
    )


def notify_objection_lodged(objection: Objection, *, now: datetime) -> None:
    """The region's reviewers, who resolve it (the objector is anyone, not a user)."""
    organisation = objection.organisation
    notify(
        kind="objection_lodged",
        recipients=region_reviewers(region_id=organisation.region_id),
        params={"organisation": organisation.name},
        link=reverse("accounts:notice_review"), now=now,
    )


def notify_objection_resolved(objection: Objection, *, now: datetime) -> None:
    """The institution under notice, whose admission the decision bears on."""
    organisation = objection.organisation
    notify(
        kind="objection_resolved",
        recipients=organisation_members(organisation_id=organisation.pk),
        params={"decision": objection.status, "organisation": organisation.name,
                "reason": objection.resolution},
        link=reverse("accounts:notice_detail", args=[organisation.pk]), now=now,
    )
