"""Forms of the authority pages: reviews, batches, programs, oversight."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import City
from vouchers.forms.fields import (
    DayField,
    OnceForm,
    PercentField,
    YuanField,
    reason_field,
    yuan_initial,
)
from vouchers.models import EvidenceKind, Program, ServiceCategory

CHINA = ZoneInfo("Asia/Shanghai")
DECISIONS = [("approve", _("批准")), ("reject", _("驳回"))]


class DecisionForm(OnceForm):
    decision = forms.ChoiceField(label=_("审核结论"), choices=DECISIONS,
                                 widget=forms.RadioSelect)
    amount_fen = YuanField(label=_("核定金额（元）"), required=False,
                           help_text=_("留空即按申请金额批准；核减时须填写原因"))
    reason = reason_field(_("意见或原因"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("驳回时必须填写原因"))
        return data


class BatchCreateForm(OnceForm):
    payee = forms.IntegerField(widget=forms.HiddenInput)


class BatchPayForm(OnceForm):
    payment_reference = forms.CharField(label=_("国库支付凭证号"), max_length=64)
    paid_on = DayField(label=_("国库支付日期"))


class BatchCancelForm(OnceForm):
    reason = reason_field(_("撤销原因"))


class ProgramForm(OnceForm):
    name = forms.CharField(label=_("项目名称"), max_length=128)
    year = forms.IntegerField(label=_("年度"), min_value=2020, max_value=2100)
    budget_fen = YuanField(label=_("预算（元）"))
    payee_mode = forms.ChoiceField(label=_("兑付模式"), choices=Program.PayeeMode.choices)
    enterprise_annual_cap_fen = YuanField(label=_("企业年度额度（元）"))
    group_annual_cap_fen = YuanField(label=_("同一实际控制人年度额度（元）"), required=False)
    per_claim_max_fen = YuanField(label=_("单次申领上限（元）"), required=False)
    ratio_bp = PercentField(label=_("补贴比例（%）"))
    same_region_ratio_bp = PercentField(label=_("本地机构补贴比例（%）"), required=False)
    other_region_ratio_bp = PercentField(label=_("异地机构补贴比例（%）"), required=False)
    small_order_threshold_fen = YuanField(label=_("小额全额补贴门槛（元）"), required=False)
    applications_open_at = DayField(label=_("申领开始日期"))
    applications_close_at = DayField(label=_("申领截止日期"), help_text=_("当日0时截止"))
    use_by_at = DayField(label=_("使用截止日期"))
    redemption_deadline_at = DayField(label=_("兑付截止日期"))
    categories = forms.ModelMultipleChoiceField(
        label=_("支持的服务类别"), queryset=ServiceCategory.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个服务类别")},
    )
    required_evidence = forms.MultipleChoiceField(
        label=_("兑付所需材料"), choices=EvidenceKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    serving_cities = forms.ModelMultipleChoiceField(
        label=_("服务区域（接受本项目创新券的服务机构所在城市）"),
        queryset=City.objects.select_related("region").order_by("code"),
        required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则为当前通用区域的全部城市"),
    )


class ProgramUpdateForm(ProgramForm):
    reason = reason_field(_("修改原因"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].disabled = True


class ProgramFundForm(OnceForm):
    amount_fen = YuanField(label=_("拨付金额（元）"))
    reference = forms.CharField(label=_("拨款文号"), max_length=64,
                                help_text=_("同一文号只拨付一次"))


class SpotCheckDrawForm(OnceForm):
    period_start = DayField(label=_("期间开始"))
    period_end = DayField(label=_("期间结束"))
    percentage = forms.IntegerField(label=_("抽查比例（%）"), min_value=1, max_value=100,
                                    initial=5)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("期间结束不能早于期间开始"))
        return data


class SpotCheckRecordForm(OnceForm):
    passed = forms.TypedChoiceField(
        label=_("核查结论"), choices=[("1", _("核查通过")), ("0", _("发现问题"))],
        coerce=lambda value: value == "1", widget=forms.RadioSelect,
    )
    note = reason_field(_("核查结果"))


class ClawBackForm(OnceForm):
    reason = reason_field(_("追回原因"))


class BlacklistForm(OnceForm):
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=40)
    reason = reason_field(_("列入黑名单的原因"))


DATE_FIELDS = ("applications_open_at", "applications_close_at", "use_by_at",
               "redemption_deadline_at")


def program_fields(data: dict) -> dict:
    """The service's keyword arguments from cleaned data: days become midnight in China."""
    fields = {name: value for name, value in data.items()
              if name not in ("form_token", "categories", "reason", "serving_cities")}
    for name in DATE_FIELDS:
        day = fields[name]
        fields[name] = datetime(day.year, day.month, day.day, tzinfo=CHINA)
    return fields


def program_initial(program: Program) -> dict:
    """A program's values as the form shows them (yuan, percent, days)."""
    initial = {name: getattr(program, name) for name in ProgramForm.base_fields
               if hasattr(program, name) and name not in ("categories", "serving_cities")}
    initial["serving_cities"] = list(program.serving_cities.values_list("pk", flat=True))
    for name, value in list(initial.items()):
        if name.endswith("_fen"):
            initial[name] = yuan_initial(value)
        elif name.endswith("_bp"):
            initial[name] = None if value is None else Decimal(value) / 100
        elif name in DATE_FIELDS:
            initial[name] = value.astimezone(CHINA).date()
    initial["categories"] = list(program.categories.values_list("pk", flat=True))
    return initial
