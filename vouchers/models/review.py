"""Review beyond one decision: a city's first-tier recommendation, and bulk review jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import City, Region
from vouchers.models.application import Application
from vouchers.models.redemption import Redemption


class RecommendationQuerySet(models.QuerySet["Recommendation"]):
    def current(self) -> RecommendationQuerySet:
        """The recommendations that still stand (not superseded by a return)."""
        return self.filter(superseded_at__isnull=True)


class Recommendation(models.Model):
    """A city reviewer's recommendation on one application or redemption of its city: approve
    (with an amount) or return (with a reason). One current per record (an application
    returned for correction is recommended on again once resubmitted); the region decides."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("建议批准")
        RETURN = "return", _("建议退回")

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True,
        related_name="recommendations",
    )
    redemption = models.ForeignKey(
        Redemption, on_delete=models.PROTECT, null=True, blank=True,
        related_name="recommendations",
    )
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("初审意见"), max_length=16, choices=Decision.choices)
    amount_fen = models.BigIntegerField(_("建议金额（分）"), null=True, blank=True)
    reason = models.TextField(_("初审说明"), blank=True)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recommended_at = models.DateTimeField(_("初审时间"))
    # Set when the region returns the application for correction: the resubmission is a new
    # round that the city reviews again; the earlier recommendation stays, for the record.
    superseded_at = models.DateTimeField(_("失效时间"), null=True, blank=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["recommended_at", "pk"]
        verbose_name = _("市级初审意见")
        verbose_name_plural = _("市级初审意见")
        constraints = [
            models.CheckConstraint(
                condition=Q(application__isnull=False, redemption__isnull=True)
                | Q(application__isnull=True, redemption__isnull=False),
                name="recommendation_one_record",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(application__isnull=False, superseded_at__isnull=True),
                name="recommendation_one_current_per_application",
                violation_error_message=_("该事项已有市级初审意见"),
            ),
            models.UniqueConstraint(
                fields=["redemption"], condition=Q(redemption__isnull=False),
                name="recommendation_one_per_redemption",
                violation_error_message=_("该事项已有市级初审意见"),
            ),
            models.CheckConstraint(
                condition=Q(decision="approve", amount_fen__gt=0)
                | (Q(decision="return", amount_fen__isnull=True) & ~Q(reason="")),
                name="recommendation_amount_or_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"初审#{self.pk}"


class BulkReview(models.Model):
    """One reviewer's decision on many applications or redemptions, run as a background job.

    The row is the job (as reporting's ReportRun): a worker holds its lease while it works
    through the items in order; each item is decided in its own transaction together with its
    outcome, so a job resumed after a crash skips what is done and decides nothing twice.
    """

    class Kind(models.TextChoices):
        APPLICATION = "application", _("申领")
        REDEMPTION = "redemption", _("兑付")

    class Decision(models.TextChoices):
        APPROVE = "approve", _("按申请金额批准")
        REJECT = "reject", _("驳回")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    decision = models.CharField(_("审核结果"), max_length=16, choices=Decision.choices)
    reason = models.TextField(_("意见或原因"), blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("提交时间"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    total_count = models.PositiveIntegerField(_("事项数"))
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派发时间"), null=True, blank=True)
    lease_holder = models.CharField(_("租约持有者"), max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(_("租约到期时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("心跳时间"), null=True, blank=True)
    worker = models.CharField(_("执行进程"), max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("批量审核")
        verbose_name_plural = _("批量审核")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="approve") | ~Q(reason=""),
                name="bulk_review_reject_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "lease_expires_at"], name="bulk_review_sweep")]

    def __str__(self) -> str:
        return f"批量审核#{self.pk}"

    @property
    def error_display(self) -> str:
        return gettext(self.error) if self.error else ""


class BulkReviewItem(models.Model):
    """One record of a bulk review and what became of it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("待处理")
        DONE = "done", _("已处理")
        SKIPPED = "skipped", _("已跳过")

    job = models.ForeignKey(BulkReview, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("序号"))
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    redemption = models.ForeignKey(
        Redemption, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices,
                               default=Outcome.PENDING)
    code = models.CharField(_("跳过原因代码"), max_length=64, blank=True)
    message = models.TextField(_("跳过原因"), blank=True)
    processed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["job_id", "position"]
        verbose_name = _("批量审核事项")
        verbose_name_plural = _("批量审核事项")
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="bulk_review_item_position"),
            models.UniqueConstraint(
                fields=["job", "application"], condition=Q(application__isnull=False),
                name="bulk_review_item_one_application",
            ),
            models.UniqueConstraint(
                fields=["job", "redemption"], condition=Q(redemption__isnull=False),
                name="bulk_review_item_one_redemption",
            ),
            models.CheckConstraint(
                condition=Q(application__isnull=False, redemption__isnull=True)
                | Q(application__isnull=True, redemption__isnull=False),
                name="bulk_review_item_one_record",
            ),
        ]
        indexes = [models.Index(fields=["job", "outcome", "position"],
                                name="bulk_review_item_outcome")]

    def __str__(self) -> str:
        return f"{self.job} · {self.position}"

    @property
    def message_display(self) -> str:
        """The reason in the reader's language where the catalogue has it (a reason with
        figures in it stays as the service wrote it, in Chinese)."""
        return gettext(self.message) if self.message else ""
