"""Application materials (材料清单): each submission of an application and the documents
uploaded for the program's list of materials. Nothing here is overwritten: a corrected
document is a new version, a resubmission is a new submission row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models.reference import english_active
from vouchers.models.application import Application


class MaterialFileType(models.TextChoices):
    """The file types a material may accept (all of them pass accounts.uploads' checks)."""

    PDF = "pdf", _("PDF")
    PNG = "png", _("PNG图片")
    JPEG = "jpeg", _("JPEG图片")


# The content type accounts.uploads sniffs, by the program's type name.
MATERIAL_CONTENT_TYPES = {
    MaterialFileType.PDF: "application/pdf",
    MaterialFileType.PNG: "image/png",
    MaterialFileType.JPEG: "image/jpeg",
}


class ApplicationSubmission(models.Model):
    """One sending of an application to the reviewer: the first, and each after a return."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="submissions"
    )
    number = models.PositiveSmallIntegerField(_("第几次提交"))
    amount_fen = models.BigIntegerField(_("申领金额（分）"))
    purpose = models.TextField(_("用途"), max_length=2000)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    return_reason = models.TextField(_("退回原因"), blank=True)

    class Meta:
        ordering = ["application_id", "number"]
        verbose_name = _("申领提交记录")
        verbose_name_plural = _("申领提交记录")
        constraints = [
            models.UniqueConstraint(fields=["application", "number"],
                                    name="application_submission_number_unique"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0),
                                   name="application_submission_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"申领#{self.application_id} 第{self.number}次提交"


class ApplicationDocument(models.Model):
    """A checked file for one material of the program's list, stored under a random name."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="documents"
    )
    submission = models.ForeignKey(
        ApplicationSubmission, on_delete=models.PROTECT, related_name="documents"
    )
    material_key = models.CharField(_("材料代码"), max_length=16)
    material_name = models.CharField(_("材料名称"), max_length=64)
    material_name_en = models.CharField(_("材料英文名称"), max_length=128, blank=True)
    version = models.PositiveSmallIntegerField(_("版本"))
    file = models.FileField(_("文件"), upload_to="materials/", max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=32)
    size_bytes = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        ordering = ["application_id", "material_key", "-version"]
        verbose_name = _("申领材料")
        verbose_name_plural = _("申领材料")
        constraints = [
            models.UniqueConstraint(fields=["application", "material_key", "version"],
                                    name="application_document_version_unique"),
            models.CheckConstraint(
                condition=Q(size_bytes__gt=0) & Q(size_bytes__lte=10 * 1024 * 1024),
                name="application_document_size_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.material_name} v{self.version} {self.original_name}"

    @property
    def display_material_name(self) -> str:
        return self.material_name_en if self.material_name_en and english_active() \
            else self.material_name
