"""An enterprise's application (申领) for a voucher under a program."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from vouchers.models.program import Program
from vouchers.models.reference import ServiceCategory


class Application(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")
        # Sent back to the enterprise for correction; it resubmits the same application.
        RETURNED = "returned", _("退回修改")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="applications")
    enterprise = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="voucher_applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amount_fen = models.BigIntegerField(_("申领金额（分）"))
    approved_fen = models.BigIntegerField(_("批准金额（分）"), null=True, blank=True)
    purpose = models.TextField(_("用途"), max_length=2000)
    planned_categories = models.ManyToManyField(ServiceCategory, related_name="+")
    state = models.CharField(_("状态"), max_length=16, choices=State.choices)
    reason = models.TextField(_("审核意见"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("申领")
        verbose_name_plural = _("申领")
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="application_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(approved_fen__isnull=True)
                | (Q(approved_fen__gt=0) & Q(approved_fen__lte=models.F("amount_fen"))),
                name="application_approved_within_requested",
            ),
            # One application per enterprise and program awaits review at a time: going back
            # and submitting again must not create a second, identical claim on the quota. A
            # returned one is still open: it is corrected and resubmitted, not applied anew.
            models.UniqueConstraint(
                fields=["program", "enterprise"],
                condition=Q(state__in=["submitted", "returned"]),
                name="application_one_pending_per_enterprise",
                violation_error_message=_("您已有一份待审核的申请"),
            ),
        ]
        indexes = [models.Index(fields=["program", "state"])]

    def __str__(self) -> str:
        return f"申领#{self.pk} {self.enterprise}"
