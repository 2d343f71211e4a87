"""Forms of the enterprise pages: apply, order, answer a delivery."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.portal_forms import PortalForm
from accounts.templatetags.money import format_yuan
from vouchers.forms.fields import OnceForm, YuanField, reason_field
from vouchers.forms.materials import add_document_fields
from vouchers.program_dates import china_date


class ApplicationForm(OnceForm):
    amount_fen = YuanField(label=_("申领金额（元）"), help_text=_("不超过本年度剩余额度"))
    purpose = forms.CharField(
        label=_("申领用途"), max_length=2000, widget=forms.Textarea({"rows": 3}),
        error_messages={"required": _("请填写申领用途")},
    )
    planned_categories = forms.ModelMultipleChoiceField(
        label=_("计划使用的服务类别"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个服务类别")},
    )

    def __init__(self, *args, program, kept: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_categories"].queryset = program.categories.all()
        # One file field per material of the program's list (材料清单).
        add_document_fields(self, materials=program.application_materials, kept=kept)


class InstitutionSearchForm(PortalForm):
    region = forms.ModelChoiceField(label=_("省市"), queryset=None, required=False,
                                    empty_label=_("全部"))
    city = forms.ModelChoiceField(label=_("城市"), queryset=None, required=False,
                                  empty_label=_("全部"))
    category = forms.ModelChoiceField(label=_("服务类别"), queryset=None, required=False,
                                      empty_label=_("全部"))
    text = forms.CharField(label=_("机构名称"), required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        from accounts.models import City, Region
        from vouchers.models import ServiceCategory

        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.order_by("code")
        self.fields["city"].queryset = City.objects.filter(in_common_area=True).order_by("code")
        self.fields["category"].queryset = ServiceCategory.objects.filter(is_active=True)


class OrderForm(OnceForm):
    voucher = forms.ModelChoiceField(label=_("使用的创新券"), queryset=None,
                                     error_messages={"required": _("请选择创新券")})
    category = forms.ModelChoiceField(label=_("服务类别"), queryset=None,
                                      error_messages={"required": _("请选择服务类别")})
    contract_number = forms.CharField(label=_("合同编号"), max_length=64,
                                      error_messages={"required": _("请填写合同编号")})
    total_fee_fen = YuanField(label=_("服务费总额（元）"))
    fee_justification = forms.CharField(
        label=_("大额服务费说明"), required=False, max_length=1000,
        widget=forms.Textarea({"rows": 2}),
    )

    def __init__(self, *args, vouchers, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voucher"].queryset = vouchers
        self.fields["voucher"].label_from_instance = voucher_choice_label
        self.fields["category"].queryset = categories
        self.fields["fee_justification"].help_text = format_lazy(
            _("服务费超过{threshold}时必填：说明合同标的和报价依据"),
            threshold=format_yuan(settings.LARGE_FEE_THRESHOLD_FEN),
        )


def voucher_choice_label(voucher) -> str:
    """The voucher's number, program, available balance and use-by day, in the page's language
    (`available_fen` is the ledger balance that vouchers.selectors.vouchers_to_order_with adds)."""
    return gettext("{code}（{program}）· 可用 {available} · {use_by} 前使用").format(
        code=voucher.code, program=voucher.program, available=format_yuan(voucher.available_fen),
        use_by=date_format(china_date(voucher.expires_at), "DATE_FORMAT"),
    )


class DisputeForm(OnceForm):
    reason = reason_field(_("异议原因"))


class CancelForm(OnceForm):
    reason = reason_field(_("取消原因"), required=False)


SCORES = [(score, str(score)) for score in range(5, 0, -1)]


class RatingForm(PortalForm):
    """The enterprise's rating of a confirmed delivery: four criteria on 1–5 and a comment."""

    quality = forms.TypedChoiceField(label=_("服务质量"), choices=SCORES, coerce=int,
                                     widget=forms.RadioSelect)
    timeliness = forms.TypedChoiceField(label=_("及时性"), choices=SCORES, coerce=int,
                                        widget=forms.RadioSelect)
    price = forms.TypedChoiceField(label=_("价格合理性"), choices=SCORES, coerce=int,
                                   widget=forms.RadioSelect)
    communication = forms.TypedChoiceField(label=_("沟通配合"), choices=SCORES, coerce=int,
                                           widget=forms.RadioSelect)
    comment = forms.CharField(label=_("评价意见（选填）"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
