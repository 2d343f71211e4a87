"""Reference data: regions, prefecture-level cities and districts."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def english_active() -> bool:
    """Whether the page speaks English: reference names then show their English form."""
    return (get_language() or "").startswith("en")


class PlaceName(models.Model):
    """A place's Chinese name and its official English (pinyin) one; `display_name` is the one
    of the active language, and `__str__` is it, so templates print a name the page speaks."""

    name = models.CharField(_("名称"), max_length=32)
    name_en = models.CharField(_("英文名称"), max_length=64, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if self.name_en and english_active() else self.name


class Region(PlaceName):
    """A provincial region of the Yangtze River Delta; its authority issues vouchers."""

    code = models.CharField(_("行政区划代码"), max_length=2, unique=True)
    short_code = models.CharField(_("简称代码"), max_length=2, unique=True)
    authority_name = models.CharField(_("科技主管部门"), max_length=64)
    authority_name_en = models.CharField(_("科技主管部门英文名称"), max_length=128, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("省级区域")
        verbose_name_plural = _("省级区域")

    @property
    def authority_display_name(self) -> str:
        english = self.authority_name_en and english_active()
        return self.authority_name_en if english else self.authority_name


class City(PlaceName):
    """A prefecture-level city (Shanghai counts as one); the unit of the common-use area."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="cities")
    code = models.CharField(_("行政区划代码"), max_length=6, unique=True)
    in_common_area = models.BooleanField(
        _("属于通用区域"),
        default=False,
        help_text=_("安徽省仅部分城市属于通用区域，名单须由平台运营方核实确认。"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("地级市")
        verbose_name_plural = _("地级市")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{4}00$"), name="city_code_is_city_level"
            ),
        ]


class District(PlaceName):
    """A county-level division, listed where the reference data names them (Shanghai)."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="districts")
    code = models.CharField(_("行政区划代码"), max_length=6, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("区县")
        verbose_name_plural = _("区县")


class HistoricalDivision(models.Model):
    """A county- or city-level division of 31–34 that no longer exists, and its successor.

    Credit codes keep the registration authority's division of the day they were issued, so a
    code may name a district merged away decades ago. Loaded from
    accounts/reference_data/historical_divisions.csv (built by `build_historical_divisions`
    from GB/T 2260 as published by the Ministry of Civil Affairs); the platform operator
    corrects or adds rows through an audited service.
    """

    class Basis(models.TextChoices):
        CURATED = "curated", _("按民政部公布的区划变更整理")
        SAME_NAME = "same_name", _("同名区划仍存在")
        RENAMED = "renamed", _("撤县（市）设区或改名")
        PREFECTURE = "prefecture", _("随原地区（地级市）并入")
        CITY = "city", _("所属地级市仍存在")
        NONE = "none", _("无单一接续区划")
        OPERATOR = "operator", _("平台运营方修订")

    code = models.CharField(_("原行政区划代码"), max_length=6, unique=True)
    name = models.CharField(_("原名称"), max_length=32)
    abolished_year = models.PositiveSmallIntegerField(_("撤销年份"))
    successor_code = models.CharField(
        _("接续行政区划代码"), max_length=6, blank=True,
        help_text=_("今天承接该区划的区划代码；留空表示无单一接续区划，机构所在城市由审核员确定"),
    )
    successor_name = models.CharField(_("接续区划名称"), max_length=32, blank=True)
    basis = models.CharField(_("依据"), max_length=16, choices=Basis.choices)
    source = models.CharField(_("来源"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("历史行政区划")
        verbose_name_plural = _("历史行政区划")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^3[1-4][0-9]{4}$"), name="historical_division_code"
            ),
            models.CheckConstraint(
                condition=Q(successor_code="") | Q(successor_code__regex=r"^3[1-4][0-9]{4}$"),
                name="historical_division_successor_code",
            ),
            models.CheckConstraint(
                condition=~Q(successor_code=models.F("code")),
                name="historical_division_not_its_own_successor",
            ),
            models.CheckConstraint(
                condition=Q(abolished_year__gte=1949) & Q(abolished_year__lte=2100),
                name="historical_division_abolished_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
