"""Deliveries logged by institutions, and the evidence files behind them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vouchers.invoices import InvoiceDisplay
from vouchers.models.order import ServiceOrder
from vouchers.models.reference import EvidenceKind


class Delivery(InvoiceDisplay, models.Model):
    class State(models.TextChoices):
        LOGGED = "logged", _("待企业确认")
        CONFIRMED = "confirmed", _("企业已确认")
        DISPUTED = "disputed", _("企业有异议")

    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="deliveries")
    delivered_on = models.DateField(_("交付日期"))
    description = models.TextField(_("交付内容"), max_length=2000)
    # 数电票: 20-digit number, no code; older VAT invoice: 10/12-digit code + 8-digit number.
    invoice_code = models.CharField(_("发票代码"), max_length=12, blank=True)
    invoice_number = models.CharField(_("发票号码"), max_length=64)
    invoice_key = models.CharField(_("发票（规范化）"), max_length=80, db_index=True)
    report_number = models.CharField(_("报告或证书编号"), max_length=64)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices)
    dispute_reason = models.TextField(_("异议原因"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(_("登记时间"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        ordering = ["-logged_at", "-pk"]
        verbose_name = _("服务交付")
        verbose_name_plural = _("服务交付")
        constraints = [
            # One open or confirmed delivery per order; a disputed one may be logged again.
            models.UniqueConstraint(
                fields=["order"],
                condition=~Q(state="disputed"),
                name="delivery_one_live_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"交付#{self.pk} 订单#{self.order_id}"


class EvidenceFile(models.Model):
    """A checked PDF, PNG or JPEG stored under MEDIA_ROOT with a random name."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(_("材料类型"), max_length=16, choices=EvidenceKind.choices)
    file = models.FileField(_("文件"), upload_to="evidence/", max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=32)
    size_bytes = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        ordering = ["order_id", "kind", "pk"]
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
        constraints = [
            models.CheckConstraint(
                condition=Q(size_bytes__gt=0) & Q(size_bytes__lte=10 * 1024 * 1024),
                name="evidence_size_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"
