"""Messages to users (the message centre and its e-mail copies), and who wants which by e-mail.

A Notification row is written by the service that changed the state, in its transaction: the
row is the outbox. The in-app message exists the moment the change commits; its e-mail copy is
sent afterwards by a worker (accounts.services.notifications), so a rollback sends nothing and
a broker outage delays the e-mail but never loses it. The text is not stored: the kind and its
parameters are, and each is rendered in the reader's language when shown or mailed.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models.organisations import User


class Notification(models.Model):
    class Email(models.TextChoices):
        NOT_SENT = "not_sent", _("不发送邮件")  # not wanted, or the user has no address
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="notifications",
                                  verbose_name=_("收件人"))
    kind = models.CharField(_("类型"), max_length=64)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    link = models.CharField(_("链接"), max_length=255, blank=True)
    # Reminders are sent once per (record, threshold, recipient): a rerun inserts nothing.
    once_key = models.CharField(max_length=128, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    email = models.CharField(_("邮件"), max_length=16, choices=Email.choices)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    # A worker sending the copy holds it until then; a crashed worker's claim runs out.
    email_claimed_until = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True),
                         name="notification_unread"),
            models.Index(fields=["created_at"], condition=Q(email="pending"),
                         name="notification_email_pending"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(email__in=["not_sent", "pending", "sent", "failed"]),
                name="notification_email_known",
            ),
            models.CheckConstraint(
                condition=~Q(email="sent") | Q(emailed_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """A user's choice for one kind: whether its e-mail copy is sent (the message centre always
    has it). Without a row the kind's default applies."""

    user = models.ForeignKey(User, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(max_length=64)
    by_email = models.BooleanField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {'e-mail' if self.by_email else 'in-app only'}"
