"""An institution's record for a year (信用与绩效): the figures, one score and a grade.

Derived, never typed: `vouchers.services.records` recomputes a row from the orders,
deliveries, redemptions, spot checks, claw-backs, sanctions and ratings (docs/lifecycle.md,
"The institution's record", has the formula), nightly and after each change that bears on it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation


class InstitutionRecord(models.Model):
    class Grade(models.TextChoices):
        A = "A", _("A（优秀）")
        B = "B", _("B（良好）")
        C = "C", _("C（一般）")
        D = "D", _("D（较差）")

    institution = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                    related_name="records")
    year = models.PositiveSmallIntegerField(_("年度"))
    orders = models.PositiveIntegerField(_("订单数"))
    deliveries = models.PositiveIntegerField(_("交付数"))
    deliveries_on_time = models.PositiveIntegerField(_("按时交付"))
    disputes = models.PositiveIntegerField(_("交付异议"))
    redemptions_decided = models.PositiveIntegerField(_("已审核兑付"))
    redemptions_rejected_or_reduced = models.PositiveIntegerField(_("驳回或核减的兑付"))
    spot_check_findings = models.PositiveIntegerField(_("抽查发现问题"))
    claw_backs = models.PositiveIntegerField(_("追回"))
    sanctioned = models.BooleanField(_("列入黑名单"))
    rating_count = models.PositiveIntegerField(_("评价数"))
    rating_mean_centi = models.PositiveSmallIntegerField(_("平均评分"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("信用与绩效得分"))
    grade = models.CharField(_("等级"), max_length=1, choices=Grade.choices)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("服务机构信用与绩效")
        verbose_name_plural = _("服务机构信用与绩效")
        ordering = ["-year", "score", "institution_id"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"],
                                    name="institution_record_once_per_year"),
            models.CheckConstraint(condition=Q(score__lte=100), name="record_score_0_to_100"),
            models.CheckConstraint(condition=Q(deliveries_on_time__lte=models.F("deliveries")),
                                   name="record_on_time_within_deliveries"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.year} {self.grade}"

    @property
    def rating_mean(self) -> float | None:
        return None if self.rating_mean_centi is None else self.rating_mean_centi / 100
