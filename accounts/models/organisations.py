"""Organisations, their users, and objections lodged during public notice."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models.reference import City, Region


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        INSTITUTION = "institution", _("服务机构")
        AUTHORITY = "authority", _("科技主管部门")
        OPERATOR = "operator", _("平台运营方")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        NOTICE = "notice", _("公示中")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已驳回")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=128)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="organisations")
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="organisations", null=True, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    address = models.CharField(_("地址"), max_length=256, blank=True)
    actual_controller = models.CharField(
        _("实际控制人"), max_length=128, blank=True, help_text=_("用于同一实际控制人的额度合计")
    )
    actual_controller_identifier = models.CharField(
        _("实际控制人证件号码"), max_length=18, blank=True,
        help_text=_("实际控制人的统一社会信用代码，或居民身份证号码（只保存前6位和后4位）"),
    )
    # What groups organisations under one controller (accounts.identity.controller_key):
    # "uscc:<code>" or "ric:<keyed hash>" when an identifier is given, else "name:<folded>".
    actual_controller_key = models.CharField(
        _("实际控制人识别键"), max_length=80, blank=True, db_index=True, editable=False
    )
    related_organisations = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=True,
        verbose_name=_("关联机构"),
        help_text=_("隶属、共建、产权纽带等关联关系；关联双方之间不得使用创新券"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    notice_ends_at = models.DateTimeField(_("公示截止时间"), null=True, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    # The integrity declaration (诚信承诺) as declared at registration, and when.
    integrity_statement = models.TextField(_("诚信承诺内容"), blank=True)
    integrity_declared_at = models.DateTimeField(_("诚信承诺时间"), null=True, blank=True)

    class Meta:
        ordering = ["region__code", "kind", "name"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["authority", "operator"]) | Q(credit_code__isnull=False),
                name="organisation_market_party_has_credit_code",
            ),
            # A credit code may not tell the city (a provincial authority, a division split
            # between cities): the reviewer sets it before the organisation is admitted.
            models.CheckConstraint(
                condition=Q(kind__in=["authority", "operator"])
                | Q(status__in=["pending", "rejected"])
                | Q(city__isnull=False),
                name="organisation_admitted_party_has_city",
            ),
            models.UniqueConstraint(
                fields=["region"],
                condition=Q(kind="authority"),
                name="organisation_one_authority_per_region",
            ),
        ]
        indexes = [models.Index(fields=["kind", "status", "region"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """A regional authority keeps its official English title on English pages; other
        organisations' names are their own, as registered."""
        if self.kind == self.Kind.AUTHORITY and self.name == self.region.authority_name:
            return self.region.authority_display_name
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class Objection(models.Model):
    """An objection lodged by anyone against an institution during its public notice (公示)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="objections"
    )
    lodged_by = models.CharField(_("异议人"), max_length=64)
    contact = models.CharField(_("联系方式"), max_length=64)
    text = models.TextField(_("异议内容"), max_length=2000)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(_("处理意见"), blank=True)
    created_at = models.DateTimeField(_("提出时间"))
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.lodged_by}"


class User(AbstractUser):
    """A person acting for exactly one organisation in one role."""

    class Role(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业用户")
        INSTITUTION = "institution", _("服务机构用户")
        AUTHORITY_REVIEWER = "authority_reviewer", _("主管部门审核员")
        AUTHORITY_FINANCE = "authority_finance", _("主管部门财务")
        OPERATOR = "operator", _("平台运营方")
        # First-tier review (two-tier programs): recommends on its city's applications and
        # redemptions; the region's reviewer decides (vouchers/services/recommendations.py).
        CITY_REVIEWER = "city_reviewer", _("市级初审员")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        verbose_name=_("所属机构"),
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, blank=True)
    # A city reviewer's city (a prefecture-level city of its organisation's region); empty for
    # every other role.
    review_city = models.ForeignKey(
        City, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("初审城市"),
    )
    # The language of the user's e-mails: the last one chosen on the site (blank: Chinese).
    language = models.CharField(_("语言"), max_length=16, blank=True, default="")
    linked_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="linked_users",
        verbose_name=_("利益关联机构"),
        help_text=_("审核人员须回避的机构（任职、持股、亲属关系等）；不得审核涉及这些机构的事项"),
    )

    class Meta(AbstractUser.Meta):
        # django-stubs types AbstractUser.Meta's names as str; Django takes lazy text here.
        verbose_name = _("用户")  # type: ignore[assignment]
        verbose_name_plural = _("用户")  # type: ignore[assignment]
        constraints = [
            models.CheckConstraint(
                condition=Q(role="") | Q(organisation__isnull=False),
                name="user_with_role_has_organisation",
            ),
            models.CheckConstraint(
                condition=(Q(role="city_reviewer") & Q(review_city__isnull=False))
                | (~Q(role="city_reviewer") & Q(review_city__isnull=True)),
                name="user_city_reviewer_has_one_city",
            ),
        ]

    @property
    def region_id_or_none(self) -> int | None:
        organisation = self.organisation  # no query when there is none
        return organisation.region_id if organisation is not None else None

    @property
    def is_authority(self) -> bool:
        return self.role in (self.Role.AUTHORITY_REVIEWER, self.Role.AUTHORITY_FINANCE)
