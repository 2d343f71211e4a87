"""Forms of two-tier and bulk review: the city's recommendation, the program's tiers, and a
bulk decision on the reviewer's queue."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vouchers.forms.fields import OnceForm, YuanField, reason_field

RECOMMENDATIONS = [("approve", _("建议批准")), ("return", _("建议退回"))]
BULK_DECISIONS = [("approve", _("按申请金额批准")), ("reject", _("驳回"))]
BULK_SCOPES = [("selected", _("所勾选的事项")), ("all", _("当前队列（按筛选）中的全部事项"))]


class RecommendForm(OnceForm):
    decision = forms.ChoiceField(label=_("初审意见"), choices=RECOMMENDATIONS,
                                 widget=forms.RadioSelect)
    amount_fen = YuanField(label=_("建议金额（元）"), required=False,
                           help_text=_("留空即按申请金额建议批准"))
    reason = reason_field(_("初审说明"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("建议退回时必须填写原因"))
        return data


class ReviewTiersForm(OnceForm):
    application_city_review = forms.BooleanField(
        label=_("申领须经市级初审"), required=False,
        help_text=_("市级初审员先提出意见，再由本地区审核员决定"))
    redemption_city_review = forms.BooleanField(label=_("兑付须经市级初审"), required=False)
    reason = reason_field(_("修改原因"))


class RecordIdsField(forms.Field):
    """The ids ticked on the queue; which of them still await review is the service's check."""

    widget = forms.CheckboxSelectMultiple
    default_error_messages = {"invalid": _("所选事项无效，请重新选择")}

    def to_python(self, value):
        values = value or []
        if not all(str(item).isdigit() for item in values):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return sorted({int(item) for item in values})


class BulkReviewForm(OnceForm):
    scope = forms.ChoiceField(label=_("审核范围"), choices=BULK_SCOPES,
                              widget=forms.RadioSelect, initial="selected")
    record_ids = RecordIdsField(label=_("勾选的事项"), required=False)
    decision = forms.ChoiceField(label=_("批量审核结果"), choices=BULK_DECISIONS,
                                 widget=forms.RadioSelect)
    reason = reason_field(_("意见或原因（驳回时必填）"), required=False)
    program = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("scope") == "selected" and not data.get("record_ids"):
            self.add_error("record_ids", _("请至少勾选一项，或选择当前队列中的全部事项"))
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("驳回时必须填写原因"))
        return data
