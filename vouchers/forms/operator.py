"""Forms of the platform operator's reference data."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vouchers.forms.fields import OnceForm, reason_field


class CommonAreaForm(OnceForm):
    in_common_area = forms.BooleanField(label=_("属于通用区域"), required=False)
    reason = reason_field(_("修改原因"))
