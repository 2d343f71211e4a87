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
    # The number's year (the Shanghai date of creation) and its place in the region's run.
    year = models.PositiveSmallIntegerField(_("批次年度"))
    sequence = models.PositiveIntegerField(_("年度序号"))
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
            models.UniqueConstraint(
                fields=["region", "year", "sequence"], name="batch_sequence_unique_per_region_year"
            ),
            models.CheckConstraint(
                condition=~Q(state="paid") | ~Q(payment_reference=""),
                name="batch_paid_has_reference",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class PaymentBatchCounter(models.Model):
    """The last batch sequence given out per region and year; locked while a batch is numbered.

    Numbering under this row's lock makes the run consecutive and race-free: a rolled-back
    batch rolls its increment back too, so no number is skipped or given twice.
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    last_sequence = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("支付批次编号计数")
        verbose_name_plural = _("支付批次编号计数")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"], name="batch_counter_per_region_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}: {self.last_sequence}"
