"""Spot checks, claw-backs and blacklistings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Region
from vouchers.models.redemption import Redemption


class SpotCheck(models.Model):
    """A reproducible random sample: the same seed over the same population draws the same."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="spot_checks")
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    percentage = models.PositiveSmallIntegerField(_("抽查比例（%）"))
    seed = models.BigIntegerField(_("随机种子"))
    population_count = models.PositiveIntegerField(_("总体数量"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(_("抽取时间"))

    class Meta:
        ordering = ["-drawn_at", "-pk"]
        verbose_name = _("抽查")
        verbose_name_plural = _("抽查")
        constraints = [
            models.CheckConstraint(
                condition=Q(percentage__gte=1) & Q(percentage__lte=100),
                name="spot_check_percentage_range",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="spot_check_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"抽查#{self.pk} {self.period_start}–{self.period_end}"


class SpotCheckItem(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待核查")
        PASSED = "passed", _("核查通过")
        FAILED = "failed", _("发现问题")

    spot_check = models.ForeignKey(SpotCheck, on_delete=models.PROTECT, related_name="items")
    redemption = models.ForeignKey(Redemption, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=16, choices=State.choices)
    note = models.TextField(_("核查结果"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("核查时间"), null=True, blank=True)

    class Meta:
        ordering = ["spot_check_id", "redemption_id"]
        verbose_name = _("抽查明细")
        verbose_name_plural = _("抽查明细")
        constraints = [
            models.UniqueConstraint(
                fields=["spot_check", "redemption"], name="spot_check_item_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"抽查#{self.spot_check_id} 兑付#{self.redemption_id}"


class ClawBack(models.Model):
    """Money paid on a fraudulent redemption, reclaimed by a compensating ledger entry."""

    redemption = models.OneToOneField(
        Redemption, on_delete=models.PROTECT, related_name="claw_back"
    )
    amount_fen = models.BigIntegerField(_("追回金额（分）"))
    reason = models.TextField(_("原因"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"))
    # The last Beijing date on which the payee may repay without being overdue.
    due_on = models.DateField(_("还款截止日"))
    # The sum of the repayments, kept beside them (written only by the repayment service,
    # under the claw-back's row lock) so that outstanding amounts and ageing are one query.
    repaid_fen = models.BigIntegerField(_("已退回金额（分）"), default=0)

    class Meta:
        verbose_name = _("追回")
        verbose_name_plural = _("追回")
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="claw_back_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(repaid_fen__gte=0) & Q(repaid_fen__lte=F("amount_fen")),
                name="claw_back_repaid_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["due_on"], name="claw_back_due_on")]

    def __str__(self) -> str:
        return f"追回 兑付#{self.redemption_id}"

    @property
    def outstanding_fen(self) -> int:
        return self.amount_fen - self.repaid_fen

    @property
    def reference(self) -> str:
        """The number the payee quotes when repaying and the treasury's file carries."""
        return f"CB-{self.pk}"


class ClawBackRepayment(models.Model):
    """Money a payee paid back on a claw-back: typed by the region's finance officer or read
    from the treasury's receipts file. Append-only; the ledger moves it CLAWBACK → FUNDING."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("财务人员登记")
        TREASURY = "treasury", _("国库到账文件")

    claw_back = models.ForeignKey(ClawBack, on_delete=models.PROTECT, related_name="repayments")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    amount_fen = models.BigIntegerField(_("退回金额（分）"))
    received_on = models.DateField(_("到账日期"))
    bank_reference = models.CharField(_("银行流水号"), max_length=64)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    source_name = models.CharField(_("来源文件"), max_length=200, blank=True)
    line_number = models.PositiveIntegerField(_("行号"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["received_on", "pk"]
        verbose_name = _("追回款退回")
        verbose_name_plural = _("追回款退回")
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="repayment_amount_gt_0"),
            # One bank transfer is one repayment: a file imported twice records nothing twice.
            models.UniqueConstraint(
                fields=["region", "bank_reference"], name="repayment_bank_reference_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claw_back} {self.bank_reference}"


class Blacklisting(models.Model):
    """A sanction: the organisation can no longer apply, order or redeem anywhere."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="blacklistings"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("原因"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("黑名单")
        verbose_name_plural = _("黑名单")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "region"], name="blacklisting_once_per_region"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}（{self.region}）"
