"""Payment batches: approved redemptions paid to one payee through the treasury."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Region


class PaymentBatch(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("待支付")
        PAID = "paid", _("已支付")
        CANCELLED = "cancelled", _("已撤销")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="payment_batches")
    payee = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("批次号"), max_length=32, unique=True)
    total_fen = models.BigIntegerField(_("合计（分）"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_at = models.DateTimeField(_("登记支付时间"), null=True, blank=True)
    paid_on = models.DateField(_("国库支付日期"), null=True, blank=True)
    payment_reference = models.CharField(_("国库支付凭证号"), max_length=64, blank=True)
    reason = models.TextField(_("撤销原因"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("支付批次")
        verbose_name_plural = _("支付批次")
        constraints = [
            models.CheckConstraint(condition=Q(total_fen__gt=0), name="batch_total_gt_0"),
            models.CheckConstraint(
                condition=~Q(state="paid") | ~Q(payment_reference=""),
                name="batch_paid_has_reference",
            ),
        ]

    def __str__(self) -> str:
        return self.number
