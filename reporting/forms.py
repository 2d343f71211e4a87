"""Forms of the reports page: they shape input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from accounts.portal_forms import PortalForm


class AnnualReportForm(PortalForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)


class SpotCheckReportForm(PortalForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100,
                              help_text=_("按抽查期间的结束日期计入年度"))


class ReconciliationForm(PortalForm):
    region = forms.ModelChoiceField(label=_("地区"), queryset=Region.objects.order_by("code"),
                                    required=False, help_text=_("主管部门只能选择本地区"))
    date_from = forms.DateField(label=_("起始日期"))
    date_to = forms.DateField(label=_("截止日期"))
    due_days = forms.IntegerField(label=_("支付期限（天）"), min_value=1, max_value=365,
                                  required=False)


class TreasuryImportForm(PortalForm):
    file = forms.FileField(label=_("国库支付文件（CSV 或 XLSX）"))


class RepaymentImportForm(PortalForm):
    file = forms.FileField(label=_("追回款到账文件（CSV 或 XLSX）"))


class ResolveForm(PortalForm):
    note = forms.CharField(label=_("处理说明"), max_length=2000,
                           widget=forms.Textarea({"rows": 2}))
