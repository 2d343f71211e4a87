"""Spot checks, claw-backs and blacklistings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Region
from vouchers.models.program import BASIS_POINTS, Program
from vouchers.models.redemption import Redemption


class SpotCheck(models.Model):
    """A reproducible random sample: the same seed over the same population draws the same.

    A draw of the programme (`program` set, `drawn_by` empty) is made by the sweep once per
    program and period; a manual draw (`program` empty) covers the region's redemptions.
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="spot_checks")
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, null=True, blank=True, related_name="spot_checks",
        verbose_name=_("项目"),
    )
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    rate_bp = models.PositiveIntegerField(_("抽查比例（基点）"))
    seed = models.BigIntegerField(_("随机种子"))
    population_count = models.PositiveIntegerField(_("总体数量"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    drawn_at = models.DateTimeField(_("抽取时间"))

    class Meta:
        ordering = ["-drawn_at", "-pk"]
        verbose_name = _("抽查")
        verbose_name_plural = _("抽查")
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_bp__gt=0) & Q(rate_bp__lte=BASIS_POINTS),
                name="spot_check_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="spot_check_period_in_order",
            ),
            # The sweep draws a program's period once: a re-run, or a second worker, finds
            # this row (or waits for it and then fails to insert) and draws nothing.
            models.UniqueConstraint(
                fields=["program", "period_start"], condition=Q(program__isnull=False),
                name="spot_check_once_per_program_period",
            ),
            # Who drew: a reviewer's manual draw, or the sweep for a program.
            models.CheckConstraint(
                condition=Q(program__isnull=False) | Q(drawn_by__isnull=False),
                name="spot_check_drawn_by_reviewer_or_sweep",
            ),
        ]

    def __str__(self) -> str:
        return f"抽查#{self.pk} {self.period_start}–{self.period_end}"

    @property
    def is_automatic(self) -> bool:
        return self.program_id is not None


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
    # The checker the draw chose among the region's reviewers who did not approve the
    # redemption; empty when nobody qualified (`needs_checker`: a reviewer must be found).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="spot_check_items", verbose_name=_("核查人"),
    )
    needs_checker = models.BooleanField(_("无合格核查人"), default=False)

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


class OversightCase(models.Model):
    """核查问题: a failed spot check, followed up until it is closed with an outcome."""

    class State(models.TextChoices):
        OPEN = "open", _("处理中")
        CLOSED = "closed", _("已结案")

    class Outcome(models.TextChoices):
        NO_ACTION = "no_action", _("不予处理")
        CLAW_BACK = "claw_back", _("追回资金")
        BLACKLISTING = "blacklisting", _("列入黑名单")

    item = models.OneToOneField(
        SpotCheckItem, on_delete=models.PROTECT, related_name="case", verbose_name=_("抽查明细")
    )
    redemption = models.ForeignKey(Redemption, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=16, choices=State.choices)
    outcome = models.CharField(_("处理结果"), max_length=16, choices=Outcome.choices, blank=True)
    reason = models.TextField(_("结案说明"), blank=True)
    opened_at = models.DateTimeField(_("立案时间"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("核查问题")
        verbose_name_plural = _("核查问题")
        constraints = [
            # Open: no outcome yet; closed: an outcome, a reason and who closed it, when.
            models.CheckConstraint(
                condition=(Q(state="open") & Q(outcome="") & Q(closed_at__isnull=True))
                | (Q(state="closed") & ~Q(outcome="") & ~Q(reason="")
                   & Q(closed_at__isnull=False) & Q(closed_by__isnull=False)),
                name="oversight_case_closed_with_outcome",
            ),
        ]
        indexes = [models.Index(fields=["region", "state"])]

    def __str__(self) -> str:
        return f"核查问题#{self.pk} 兑付#{self.redemption_id}"


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
