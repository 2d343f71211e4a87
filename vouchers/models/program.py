"""A year's voucher program of one region: budget, caps, ratios, dates and serving area."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import City, Region
from vouchers.models.reference import ServiceCategory, all_evidence_kinds

BASIS_POINTS = 10_000


class Program(models.Model):
    """Everything that differs between regions and years is a field here, never a code branch."""

    class PayeeMode(models.TextChoices):
        INSTITUTION = "institution", _("通兑（兑付给服务机构）")
        ENTERPRISE = "enterprise", _("通用（兑付给企业）")

    class SpotCheckCadence(models.TextChoices):
        QUARTER = "quarter", _("每季度")
        HALF_YEAR = "half_year", _("每半年")
        YEAR = "year", _("每年")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="programs")
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=128)
    budget_fen = models.BigIntegerField(_("预算（分）"))
    payee_mode = models.CharField(_("兑付模式"), max_length=16, choices=PayeeMode.choices)
    enterprise_annual_cap_fen = models.BigIntegerField(_("企业年度额度（分）"))
    group_annual_cap_fen = models.BigIntegerField(
        _("同一实际控制人年度额度（分）"), null=True, blank=True
    )
    per_claim_max_fen = models.BigIntegerField(_("单次申领上限（分）"), null=True, blank=True)
    ratio_bp = models.PositiveIntegerField(_("补贴比例（基点）"))
    same_region_ratio_bp = models.PositiveIntegerField(
        _("本地机构补贴比例（基点）"), null=True, blank=True
    )
    other_region_ratio_bp = models.PositiveIntegerField(
        _("异地机构补贴比例（基点）"), null=True, blank=True
    )
    small_order_threshold_fen = models.BigIntegerField(
        _("小额全额补贴门槛（分）"),
        null=True,
        blank=True,
        help_text=_("服务费低于此金额时，创新券可支付全部费用"),
    )
    applications_open_at = models.DateTimeField(_("申领开始时间"))
    applications_close_at = models.DateTimeField(_("申领截止时间"))
    use_by_at = models.DateTimeField(_("使用截止时间"))
    redemption_deadline_at = models.DateTimeField(_("兑付截止时间"))
    categories = models.ManyToManyField(
        ServiceCategory, through="ProgramCategory", related_name="programs"
    )
    serving_cities = models.ManyToManyField(
        City, related_name="serving_programs", verbose_name=_("服务区域（城市）")
    )
    # Two-tier review: a city reviewer recommends before the region decides (deciding without
    # a recommendation then needs a reason). Changed by program_review_tiers_change.
    application_city_review = models.BooleanField(_("申领须经市级初审"), default=False)
    redemption_city_review = models.BooleanField(_("兑付须经市级初审"), default=False)
    required_evidence = models.JSONField(_("兑付所需材料"), default=all_evidence_kinds)
    # Days a payee has to repay a claw-back, counted in Beijing dates from the claw-back.
    claw_back_due_days = models.PositiveSmallIntegerField(
        _("追回款还款期限（天）"), default=30,
        help_text=_("自登记追回之日起，收款方须在此天数内退回款项（北京时间，含当日）"),
    )
    # The spot-check programme: the share of each period's approved redemptions re-checked
    # (basis points, so 2.5 % is 250, stored exactly) and how long a period is.
    spot_check_rate_bp = models.PositiveIntegerField(
        _("抽查比例（基点）"), default=500, help_text=_("1基点 = 0.01%；如 2.5% 即 250 基点")
    )
    spot_check_cadence = models.CharField(
        _("抽查周期"), max_length=16, choices=SpotCheckCadence.choices,
        default=SpotCheckCadence.HALF_YEAR,
    )
    # 材料清单: [{"key", "name", "name_en", "required", "types"}], checked by
    # vouchers.services.program_checks.check_application_materials.
    application_materials = models.JSONField(_("申领材料清单"), default=list, blank=True)
    # Opened right after the row exists (its ledger owner is the program's pk); never null
    # once program_create has returned.
    budget_account = models.OneToOneField(
        "ledger.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        ordering = ["region__code", "-year", "pk"]
        verbose_name = _("创新券项目")
        verbose_name_plural = _("创新券项目")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "name"], name="program_unique_name",
                violation_error_code="program_name_taken",
                violation_error_message=_("本地区本年度已有同名的创新券项目，请换一个名称"),
            ),
            models.CheckConstraint(condition=Q(budget_fen__gte=0), name="program_budget_gte_0"),
            models.CheckConstraint(
                condition=Q(enterprise_annual_cap_fen__gt=0), name="program_cap_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(group_annual_cap_fen__isnull=True) | Q(group_annual_cap_fen__gt=0),
                name="program_group_cap_gt_0",
            ),
            models.CheckConstraint(
                condition=Q(per_claim_max_fen__isnull=True) | Q(per_claim_max_fen__gt=0),
                name="program_per_claim_max_gt_0",
            ),
            models.CheckConstraint(
                condition=Q(small_order_threshold_fen__isnull=True)
                | Q(small_order_threshold_fen__gt=0),
                name="program_small_order_threshold_gt_0",
            ),
            models.CheckConstraint(
                condition=Q(ratio_bp__lte=BASIS_POINTS)
                & (Q(same_region_ratio_bp__isnull=True) | Q(same_region_ratio_bp__lte=BASIS_POINTS))
                & (
                    Q(other_region_ratio_bp__isnull=True)
                    | Q(other_region_ratio_bp__lte=BASIS_POINTS)
                ),
                name="program_ratios_at_most_100_percent",
                violation_error_message=_("补贴比例不能超过100%%（10000基点）"),
            ),
            models.CheckConstraint(
                condition=Q(spot_check_rate_bp__gt=0) & Q(spot_check_rate_bp__lte=BASIS_POINTS),
                name="program_spot_check_rate_range",
                violation_error_message=_("抽查比例须大于0且不超过100%%（10000基点）"),
            ),
            models.CheckConstraint(
                condition=Q(applications_close_at__gt=F("applications_open_at"))
                & Q(use_by_at__gte=F("applications_close_at"))
                & Q(redemption_deadline_at__gte=F("use_by_at")),
                name="program_dates_in_order",
                violation_error_message=_(
                    "日期须依次为：申领开始 < 申领截止 ≤ 使用截止 ≤ 兑付截止"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year} {self.name}"


class ProgramCategory(models.Model):
    """An eligible service category of a program, with an optional ratio of its own."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="category_rules")
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="+")
    ratio_bp = models.PositiveIntegerField(_("本类别补贴比例（基点）"), null=True, blank=True)

    class Meta:
        ordering = ["program_id", "category_id"]
        verbose_name = _("项目服务类别")
        verbose_name_plural = _("项目服务类别")
        constraints = [
            models.UniqueConstraint(fields=["program", "category"], name="program_category_unique"),
            models.CheckConstraint(
                condition=Q(ratio_bp__isnull=True) | Q(ratio_bp__lte=BASIS_POINTS),
                name="program_category_ratio_at_most_100_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} · {self.category}"
