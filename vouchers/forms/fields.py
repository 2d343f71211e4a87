"""Fields and the base form shared by the voucher pages."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.amounts import MESSAGES, InvalidAmount, yuan_to_fen
from accounts.forms import TOKEN_FIELD, OnceForm, new_form_token
from accounts.portal_forms import DatePicker

__all__ = ["TOKEN_FIELD", "OnceForm", "new_form_token"]


class YuanField(forms.CharField):
    """An amount typed in yuan, cleaned to integer fen by the one amount rule
    (accounts.amounts.yuan_to_fen: the API's fen fields share its maximum and refusals)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value) -> int | None:
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return yuan_to_fen(text)
        except InvalidAmount as error:
            raise forms.ValidationError(error.message, code=error.code) from error

    def validate(self, value) -> None:
        if value is None and self.required:
            message = MESSAGES["amount_required"]
            raise forms.ValidationError(message, code="amount_required")


def yuan_initial(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) / 100).quantize(Decimal("0.01"))


class PercentField(forms.DecimalField):
    """A ratio typed in percent (50 or 37.5), cleaned to basis points."""

    default_error_messages = {
        "invalid": _("请输入百分比，例如 50"),
        "min_value": _("比例不能小于0"),
        # Django formats this message with the limit: a bare "%" would be an incomplete format.
        "max_value": _("比例不能超过%(limit_value)s%%"),
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
        kwargs.setdefault("widget", DatePicker)
        super().__init__(**kwargs)


def reason_field(label, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=1000, widget=forms.Textarea({"rows": 3}),
        error_messages={"required": format_lazy(_("请填写{label}"), label=label)},
    )
