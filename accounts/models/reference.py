"""Reference data: regions, prefecture-level cities and districts."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A provincial region of the Yangtze River Delta; its authority issues vouchers."""

    code = models.CharField(_("行政区划代码"), max_length=2, unique=True)
    short_code = models.CharField(_("简称代码"), max_length=2, unique=True)
    name = models.CharField(_("名称"), max_length=32)
    authority_name = models.CharField(_("科技主管部门"), max_length=64)

    class Meta:
        ordering = ["code"]
        verbose_name = _("省级区域")
        verbose_name_plural = _("省级区域")

    def __str__(self) -> str:
        return self.name


class City(models.Model):
    """A prefecture-level city (Shanghai counts as one); the unit of the common-use area."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="cities")
    code = models.CharField(_("行政区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=32)
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

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """A county-level division, listed where the reference data names them (Shanghai)."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="districts")
    code = models.CharField(_("行政区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=32)

    class Meta:
        ordering = ["code"]
        verbose_name = _("区县")
        verbose_name_plural = _("区县")

    def __str__(self) -> str:
        return self.name
