"""The finance officer's repayment form: money a payee paid back on a claw-back."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vouchers.forms.fields import DayField, OnceForm, YuanField


class RepaymentForm(OnceForm):
    amount_fen = YuanField(label=_("退回金额（元）"))
    received_on = DayField(label=_("到账日期"))
    bank_reference = forms.CharField(
        label=_("银行流水号"), max_length=64,
        help_text=_("同一流水号只登记一次；再次提交同一笔不会重复登记"),
    )
    note = forms.CharField(label=_("备注"), max_length=255, required=False)
