"""Report runs (jobs as records), the treasury's payment records and reconciliation findings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Region


class ReportRun(models.Model):
    """One computation of a report for given parameters over a given version of the data.

    `fingerprint` (kind + parameters + data version) is unique: asking again for the same
    report over the same data returns this row instead of computing twice.

    The row is the job, not the broker's message: `dispatched_at` says when a message was
    last sent, and the process computing it holds a lease (`lease_holder` until
    `lease_expires_at`, renewed at `heartbeat_at`). The sweep re-sends what has no live
    message or lease (reporting/services/recovery.py).
    """

    class Kind(models.TextChoices):
        ANNUAL_TOTALS = "annual_totals", _("年度统计")
        RECONCILIATION = "reconciliation", _("对账")
        SPOT_CHECKS = "spot_checks", _("抽查结果与处罚")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=_("空表示全部地区"),
    )
    parameters = models.JSONField(_("参数"))
    data_version = models.CharField(_("数据版本"), max_length=200)
    fingerprint = models.CharField(_("指纹"), max_length=64, unique=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    progress_percent = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    result = models.JSONField(_("结果"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派发时间"), null=True, blank=True)
    lease_holder = models.CharField(_("租约持有者"), max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(_("租约到期时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("心跳时间"), null=True, blank=True)
    worker = models.CharField(_("执行进程"), max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("报表任务")
        verbose_name_plural = _("报表任务")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="report_run_progress_at_most_100"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "region", "requested_at"]),
            models.Index(fields=["status", "lease_expires_at"], name="report_run_sweep"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}#{self.pk}"

    @property
    def error_display(self) -> str:
        """The error in the reader's language: a reason the platform wrote is a catalogue
        message (translated); an exception's text is shown as it is."""
        return gettext(self.error) if self.error else ""


class ReportFile(models.Model):
    """A rendered download of a finished run (CSV, XLSX or PDF), written once per format."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        PDF = "pdf", "PDF"

    run = models.ForeignKey(ReportRun, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(_("格式"), max_length=8, choices=Format.choices)
    file = models.FileField(_("文件"), upload_to="reports/", max_length=200)
    size_bytes = models.BigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["run_id", "format"]
        verbose_name = _("报表文件")
        verbose_name_plural = _("报表文件")
        constraints = [
            models.UniqueConstraint(fields=["run", "format"], name="report_file_one_per_format"),
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.format}"


class TreasuryPayment(models.Model):
    """One line of the treasury's payment file: the money really left the treasury."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    batch_reference = models.CharField(_("支付批次号"), max_length=64, db_index=True)
    credit_code = models.CharField(_("收款单位统一社会信用代码"), max_length=18)
    amount_fen = models.BigIntegerField(_("支付金额（分）"))
    paid_on = models.DateField(_("支付日期"))
    bank_reference = models.CharField(_("银行流水号"), max_length=64)
    source_name = models.CharField(_("来源文件"), max_length=200)
    line_number = models.PositiveIntegerField(_("行号"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("导入时间"))

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = _("国库支付记录")
        verbose_name_plural = _("国库支付记录")
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="treasury_amount_gt_0"),
            # A bank transaction is imported once; importing the same file twice is refused.
            models.UniqueConstraint(
                fields=["region", "bank_reference"], name="treasury_bank_reference_once"
            ),
        ]
        indexes = [models.Index(fields=["region", "paid_on"])]

    def __str__(self) -> str:
        return f"{self.batch_reference} {self.bank_reference}"


class Discrepancy(models.Model):
    """One finding of a reconciliation run; an authority user resolves it with a note."""

    class Kind(models.TextChoices):
        UNPAID_OVERDUE = "unpaid_overdue", _("已批准逾期未支付")
        AMOUNT_MISMATCH = "amount_mismatch", _("支付金额与核定金额不符")
        UNMATCHED_PAYMENT = "unmatched_payment", _("支付无对应批次或兑付")
        DUPLICATE_PAYMENT = "duplicate_payment", _("重复支付")
        POSTING_WITHOUT_RECORD = "posting_without_record", _("总账记账无业务记录")
        RECORD_WITHOUT_POSTING = "record_without_posting", _("业务记录无总账记账")
        CLAW_BACK_OVERDUE = "claw_back_overdue", _("追回款逾期未退回")

    run = models.ForeignKey(ReportRun, on_delete=models.PROTECT, related_name="discrepancies")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    subject = models.CharField(_("对象"), max_length=100)
    description = models.CharField(_("说明"), max_length=255)
    expected_fen = models.BigIntegerField(_("应为（分）"), null=True, blank=True)
    actual_fen = models.BigIntegerField(_("实为（分）"), null=True, blank=True)
    details = models.JSONField(_("明细"), default=dict)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    resolution_note = models.TextField(_("处理说明"), blank=True)

    class Meta:
        ordering = ["run_id", "kind", "subject", "pk"]
        verbose_name = _("对账差异")
        verbose_name_plural = _("对账差异")
        constraints = [
            # A retried run writes its findings once: the same finding cannot appear twice.
            models.UniqueConstraint(
                fields=["run", "kind", "subject"], name="discrepancy_once_per_run"
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution_note=""),
                name="discrepancy_resolution_has_note",
            ),
        ]
        indexes = [models.Index(fields=["region", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject}"
