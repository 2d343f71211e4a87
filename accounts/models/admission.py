"""A region's admission and notice rules for service institutions, and the documents an
institution registers with."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models.organisations import Organisation
from accounts.models.reference import Region


class RegionRules(models.Model):
    """Set by the region's authority; a region without a row has the defaults (no minimum
    age, no declaration, no documents, the global notice period, nothing published)."""

    region = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="rules")
    min_years_in_operation = models.PositiveSmallIntegerField(_("最低成立年限（年）"), default=0)
    integrity_declaration_required = models.BooleanField(_("须作诚信承诺"), default=False)
    integrity_statement = models.TextField(_("诚信承诺内容"), max_length=2000, blank=True)
    required_documents = models.JSONField(_("注册所需材料"), default=list, blank=True)
    notice_days = models.PositiveSmallIntegerField(
        _("公示期（天）"), null=True, blank=True,
        help_text=_("留空即采用平台统一的公示期"),
    )
    publish_redemption_results = models.BooleanField(_("公示兑付结果"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("地区准入与公示规则")
        verbose_name_plural = _("地区准入与公示规则")
        constraints = [
            models.CheckConstraint(condition=Q(min_years_in_operation__lte=50),
                                   name="region_rules_min_years_at_most_50"),
            models.CheckConstraint(
                condition=Q(notice_days__isnull=True)
                | (Q(notice_days__gte=1) & Q(notice_days__lte=90)),
                name="region_rules_notice_days_1_to_90"),
        ]

    def __str__(self) -> str:
        return f"{self.region} 准入规则"

    @property
    def effective_notice_days(self) -> int:
        return self.notice_days or settings.INSTITUTION_NOTICE_DAYS


class RegistrationDocument(models.Model):
    """A checked PDF, PNG or JPEG an institution registered with, under a random name."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="registration_documents"
    )
    name = models.CharField(_("材料名称"), max_length=64)
    file = models.FileField(_("文件"), upload_to="registration/", max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=32)
    size_bytes = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        ordering = ["organisation_id", "name", "pk"]
        verbose_name = _("注册材料")
        verbose_name_plural = _("注册材料")
        constraints = [
            models.CheckConstraint(
                condition=Q(size_bytes__gt=0) & Q(size_bytes__lte=10 * 1024 * 1024),
                name="registration_document_size_within_limit"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.original_name}"
