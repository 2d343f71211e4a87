"""Forms of the authority pages: reviews, batches, programs, oversight."""

from __future__ import annotations

from decimal import Decimal

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
from vouchers.models import (
    EvidenceKind,
    OversightCase,
    Program,
    Redemption,
    ServiceCategory,
)
from vouchers.program_dates import china_date, whole_day

OPENS_HELP = _("自当日0:00起（北京时间）")
DEADLINE_HELP = _("截止到当日24:00（北京时间），当日全天有效")
DEFAULT_CLAW_BACK_DUE_DAYS = 30
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


class ApplicationDecisionForm(DecisionForm):
    """An application may also be returned to the enterprise for correction (退回修改)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [*DECISIONS, ("return", _("退回修改"))]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("退回修改时必须填写原因"))
        return data


class RedemptionIdsField(forms.Field):
    """The ids ticked on the batch checklist. Which of them may still be batched is the
    service's check (a stale id is refused there by id, in words)."""

    widget = forms.CheckboxSelectMultiple
    default_error_messages = {
        "required": _("请至少选择一笔兑付"), "invalid": _("所选兑付无效，请重新选择"),
    }

    def to_python(self, value):
        values = value or []
        if not all(str(item).isdigit() for item in values):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return sorted({int(item) for item in values})


class BatchCreateForm(OnceForm):
    payee = forms.IntegerField(widget=forms.HiddenInput)
    redemptions = RedemptionIdsField(label=_("编入批次的兑付"))


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
    applications_open_at = DayField(label=_("申领开始日期"), help_text=OPENS_HELP)
    applications_close_at = DayField(label=_("申领截止日期"), help_text=DEADLINE_HELP)
    use_by_at = DayField(
        label=_("使用截止日期"),
        help_text=_("截止到当日24:00（北京时间），当日全天可下单；须在项目年度内"),
    )
    redemption_deadline_at = DayField(
        label=_("兑付截止日期"),
        help_text=_("截止到当日24:00（北京时间）；不早于使用截止日期，最晚为次年3月31日"),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("支持的服务类别"), queryset=ServiceCategory.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个服务类别")},
    )
    required_evidence = forms.MultipleChoiceField(
        label=_("兑付所需材料"), choices=EvidenceKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("服务机构申请兑付时须上传的材料，至少一种"),
        error_messages={"required": _("请至少选择一种兑付所需材料"),
                        "invalid_choice": _("未知的材料类型：%(value)s")},
    )
    spot_check_rate_bp = PercentField(
        label=_("抽查比例（%）"), required=False,
        help_text=_("每期抽查审核通过的兑付的比例，可带两位小数（如 2.5）；不填为 5%"))
    spot_check_cadence = forms.ChoiceField(
        label=_("抽查周期"), required=False,
        choices=[("", _("每半年（默认）")), *Program.SpotCheckCadence.choices],
        help_text=_("每期结束后的次日凌晨自动抽取样本"))
    serving_cities = forms.ModelMultipleChoiceField(
        label=_("服务区域（接受本项目创新券的服务机构所在城市）"),
        queryset=City.objects.select_related("region").order_by("code"),
        required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则为当前通用区域的全部城市"),
    )
    claw_back_due_days = forms.IntegerField(
        label=_("追回款还款期限（天）"), min_value=1, max_value=365, initial=30, required=False,
        help_text=_("自登记追回之日起，收款方须在此天数内退回款项（北京时间，含当日）；"
                    "不填为30天"),
    )

    def clean_claw_back_due_days(self) -> int:
        return self.cleaned_data.get("claw_back_due_days") or DEFAULT_CLAW_BACK_DUE_DAYS


class ProgramUpdateForm(ProgramForm):
    reason = reason_field(_("修改原因"))

    def __init__(self, *args, has_vouchers: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].disabled = True
        if has_vouchers:  # what happens to issued vouchers is decided on their own pages
            for name in ("use_by_at", "redemption_deadline_at"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("本项目已发放创新券，请在「调整期限」页面修改")
            self.fields["serving_cities"].disabled = True
            self.fields["serving_cities"].help_text = _(
                "本项目已发放创新券，请在「调整服务区域」页面修改")


VOUCHERS_FOLLOW = [
    ("follow", _("已发放的有效创新券随之改为新的使用截止日期")),
    ("keep", _("已发放的创新券保留原使用截止日期，新日期只适用于此后发放的创新券")),
]


class ProgramDeadlinesForm(OnceForm):
    use_by_at = DayField(label=_("新的使用截止日期"), help_text=_(
        "截止到当日24:00（北京时间），当日全天可下单；须在项目年度内，且不早于今天"))
    redemption_deadline_at = DayField(label=_("新的兑付截止日期"), help_text=_(
        "截止到当日24:00（北京时间）；不早于使用截止日期，最晚为次年3月31日"))
    vouchers_follow = forms.TypedChoiceField(
        label=_("已发放的创新券"), choices=VOUCHERS_FOLLOW, widget=forms.RadioSelect,
        coerce=lambda value: value == "follow",
        error_messages={"required": _("请选择已发放的创新券是否随之调整")},
    )
    reason = reason_field(_("修改原因"))


class ProgramServingAreaForm(OnceForm):
    serving_cities = forms.ModelMultipleChoiceField(
        label=_("服务区域（接受本项目创新券的服务机构所在城市）"),
        queryset=City.objects.select_related("region").order_by("code"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个服务城市")},
        help_text=_("取消的城市：已下的订单继续有效，可照常交付和兑付；此后不能再向该城市的"
                    "服务机构下单"),
    )
    reason = reason_field(_("修改原因"))


class CityProgramsForm(OnceForm):
    programs = forms.ModelMultipleChoiceField(
        label=_("加入该城市的项目"), queryset=Program.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个项目")},
    )
    reason = reason_field(_("修改原因"))

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programs"].queryset = programs
        self.fields["programs"].label_from_instance = lambda p: f"{p.region.name} · {p}"


class ProgramFundForm(OnceForm):
    amount_fen = YuanField(label=_("拨付金额（元）"))
    reference = forms.CharField(label=_("拨款文号"), max_length=64,
                                help_text=_("同一文号只拨付一次"))


class SpotCheckDrawForm(OnceForm):
    period_start = DayField(label=_("期间开始"))
    period_end = DayField(label=_("期间结束"))
    percentage = forms.DecimalField(
        label=_("抽查比例（%）"), min_value=Decimal("0.01"), max_value=100, max_digits=5,
        decimal_places=2, initial=5, help_text=_("可带两位小数，如 2.5"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"invalid": _("请输入百分比，例如 2.5"),
                        "min_value": _("抽查比例须大于0"),
                        "max_value": _("抽查比例不能超过%(limit_value)s%%"),
                        "max_decimal_places": _("比例最多保留两位小数")},
    )

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


class OversightCaseCloseForm(OnceForm):
    outcome = forms.ChoiceField(label=_("处理结果"), choices=OversightCase.Outcome.choices,
                                widget=forms.RadioSelect)
    reason = reason_field(_("结案说明"))


class ClawBackForm(OnceForm):
    reason = reason_field(_("追回原因"))


class BlacklistForm(OnceForm):
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=40)
    reason = reason_field(_("列入黑名单的原因"))


DATE_FIELDS = ("applications_open_at", "applications_close_at", "use_by_at",
               "redemption_deadline_at")


def program_fields(data: dict, program: Program | None = None) -> dict:
    """The service's keyword arguments from cleaned data: a day typed means the whole day in
    Beijing time (an opening from 00:00, a deadline until 24:00). On an update (`program`), a
    date left on the day the program already has is not sent: the instant stored stays."""
    fields = {name: value for name, value in data.items()
              if name not in ("form_token", "categories", "reason", "serving_cities")}
    for name in ("spot_check_rate_bp", "spot_check_cadence"):  # left empty: kept as it is
        if fields.get(name) in (None, ""):
            fields.pop(name, None)
    for name in DATE_FIELDS:
        day = fields.pop(name)
        if program is None or china_date(getattr(program, name)) != day:
            fields[name] = whole_day(name, day)
    return fields


def deadline_fields(data: dict) -> dict:
    """The deadline change's dates from cleaned data: each deadline until 24:00 of its day."""
    return {name: whole_day(name, data[name]) for name in ("use_by_at", "redemption_deadline_at")}


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
            initial[name] = china_date(value)
    initial["categories"] = list(program.categories.values_list("pk", flat=True))
    return initial


class VoucherRevokeForm(OnceForm):
    reason = reason_field(_("作废原因"))


class StopForm(OnceForm):
    """End a suspended claim or order: why, and where the money goes."""

    reason = reason_field(_("原因"))
    destination = forms.ChoiceField(
        label=_("款项去向"),
        choices=[(value, value.label) for value in Redemption.ENDING_DESTINATIONS],
        initial=Redemption.Destination.BUDGET, widget=forms.RadioSelect,
        help_text=_("退回创新券：企业可再用于其他订单（创新券已失效的仍退回项目预算）；"
                    "退回项目预算：收回未发放预算。"),
    )


class WithdrawForm(StopForm):
    """Withdraw an approved claim before payment: the money may also go back to the order's
    hold, for a corrected claim on the same order."""

    destination = forms.ChoiceField(
        label=_("款项去向"), choices=Redemption.Destination.choices,
        initial=Redemption.Destination.BUDGET, widget=forms.RadioSelect,
        help_text=_(
            "退回创新券：订单作废终止，企业可将款项用于其他订单（创新券已失效的仍退回项目预算）；"
            "退回项目预算：订单作废终止，收回未发放预算；"
            "退回订单预留：订单恢复为已交付，款项重新预留，收款方可更正后再次申请兑付（同一发票和合同）。"),
    )


class SuspensionDecisionForm(StopForm):
    """On a suspended item: lift (back where it was) or reject (reason and destination)."""

    decision = forms.ChoiceField(
        label=_("决定"), widget=forms.RadioSelect,
        choices=[("lift", _("解除暂停，恢复原状态")), ("reject", _("驳回并终止"))],
    )
    field_order = ["decision", "reason", "destination"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = False
        self.fields["destination"].required = False

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject":
            if not (data.get("reason") or "").strip():
                self.add_error("reason", _("驳回时必须填写原因"))
            if not data.get("destination"):
                self.add_error("destination", _("请选择款项去向"))
        return data
