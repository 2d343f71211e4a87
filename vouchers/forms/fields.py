"""Fields and the base form shared by the voucher pages."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.forms import TOKEN_FIELD, OnceForm, new_form_token

__all__ = ["TOKEN_FIELD", "OnceForm", "new_form_token"]

# A sane ceiling for any amount typed on a page: one billion yuan.
MAX_YUAN = Decimal("1000000000")
class YuanField(forms.DecimalField):
    """An amount typed in yuan (¥, commas and spaces allowed), cleaned to integer fen."""

    default_error_messages = {
        "invalid": _("请输入以元为单位的金额，例如 12345.60"),
        "min_value": _("金额必须大于0"),
        "max_value": _("金额不能超过 %(limit_value)s 元"),
        "max_decimal_places": _("金额最多保留两位小数（精确到分）"),
        "max_digits": _("金额位数过多"),
        "max_whole_digits": _("金额位数过多"),
        "required": _("请填写金额"),
    }

    def __init__(self, *, maximum_yuan: Decimal = MAX_YUAN, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(
            max_digits=14, decimal_places=2, min_value=Decimal("0.01"),
            max_value=maximum_yuan, **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().translate(str.maketrans("", "", ",，¥￥ 元"))
        return super().to_python(value)

    def clean(self, value) -> int | None:
        yuan = super().clean(value)
        return None if yuan is None else int(yuan * 100)


def yuan_initial(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) / 100).quantize(Decimal("0.01"))


class PercentField(forms.DecimalField):
    """A ratio typed in percent (50 or 37.5), cleaned to basis points."""

    default_error_messages = {
        "invalid": _("请输入百分比，例如 50"),
        "min_value": _("比例不能小于0"),
        "max_value": _("比例不能超过100%"),
        "max_decimal_places": _("比例最多保留两位小数"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(
            max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100), **kwargs
        )

    def clean(self, value) -> int | None:
        percent = super().clean(value)
        return None if percent is None else int(percent * 100)


class DayField(forms.DateField):
    default_error_messages = {"invalid": _("请输入有效日期，格式为 2024-03-01")}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)


def reason_field(label, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=1000, widget=forms.Textarea({"rows": 3}),
        error_messages={"required": format_lazy(_("请填写{label}"), label=label)},
    )
