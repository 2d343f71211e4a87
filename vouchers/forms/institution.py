"""Forms of the institution pages: catalogue, delivery, evidence."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.errors import InvalidInput
from vouchers.forms.fields import DayField, OnceForm
from vouchers.invoices import invoice_parse
from vouchers.models import EvidenceKind, ServiceCategory
from vouchers.models.reference import evidence_kind_choices

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class CatalogueEntryForm(OnceForm):
    category = forms.ModelChoiceField(
        label=_("服务类别"), queryset=ServiceCategory.objects.filter(is_active=True),
        error_messages={"required": _("请选择服务类别")},
    )
    price_note = forms.CharField(label=_("价格说明"), max_length=256, required=False,
                                 help_text=_("例如：按样品计价，每项 800 元起"))


class DeliveryForm(OnceForm):
    delivered_on = DayField(label=_("交付日期"))
    description = forms.CharField(label=_("交付内容"), max_length=2000,
                                  widget=forms.Textarea({"rows": 3}))
    invoice_code = forms.CharField(
        label=_("发票代码"), max_length=40, required=False,
        help_text=_("数电票不填；增值税专用发票或普通发票填写10位或12位发票代码"),
    )
    invoice_number = forms.CharField(
        label=_("发票号码"), max_length=80,
        help_text=_("数电票填写20位发票号码；其他发票填写8位发票号码"),
        error_messages={"required": _("请填写发票号码")},
    )
    report_number = forms.CharField(label=_("报告或证书编号"), max_length=64)

    def clean(self):
        """The same shape rules as the service (vouchers.invoices), shown beside the field."""
        cleaned = super().clean()
        if "invoice_number" in cleaned:
            try:
                invoice = invoice_parse(code=cleaned.get("invoice_code", ""),
                                        number=cleaned["invoice_number"])
            except InvalidInput as error:
                self.add_error(error.extra["field"], error.message)
            else:
                cleaned["invoice_code"], cleaned["invoice_number"] = invoice.code, invoice.number
        return cleaned


class EvidenceForm(OnceForm):
    kind = forms.ChoiceField(label=_("材料类型"), choices=EvidenceKind.choices)
    file = forms.FileField(
        label=_("文件"), help_text=_("PDF、PNG 或 JPEG，不超过 10 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
        error_messages={"required": _("请选择要上传的文件")},
    )

    def __init__(self, *args, payee_mode: str, **kwargs):
        super().__init__(*args, **kwargs)
        # Under 通用 the payment proof is of the whole fee the enterprise paid.
        self.fields["kind"].choices = evidence_kind_choices(payee_mode=payee_mode)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件不能超过10MB，请压缩后重新上传"))
        return upload
