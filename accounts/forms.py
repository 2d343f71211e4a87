"""Forms for sign-up and review. Business rules stay in services; forms only shape input."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.errors import ApplicationError
from accounts.models import City, Organisation
from accounts.portal_forms import PortalForm, PortalFormMixin

TOKEN_FIELD = "form_token"  # noqa: S105 - a field name, not a secret
MAX_TOKEN_VALID_DAYS = 3650


def new_form_token() -> str:
    return uuid.uuid4().hex


class OnceForm(PortalForm):
    """A form submitted once: a hidden one-time token, checked by the view's `submit_once`."""

    form_token = forms.CharField(widget=forms.HiddenInput, initial=new_form_token, required=False)


def add_application_error(
    form: forms.Form, error: ApplicationError, *, fields_by_code: dict[str, str] | None = None
) -> None:
    """Show a service refusal next to the field it concerns, or above the form.

    The field comes from the error's `extra["field"]`, else from the page's `fields_by_code`
    (a business refusal such as over_annual_cap is about the amount the user typed)."""
    field = error.extra.get("field") or (fields_by_code or {}).get(error.code)
    form.add_error(field if field in form.fields else None, error.message)


class RegistrationForm(PortalForm):
    kind = forms.ChoiceField(
        label=_("注册类型"),
        choices=[
            (Organisation.Kind.ENTERPRISE, _("企业")),
            (Organisation.Kind.INSTITUTION, _("服务机构")),
        ],
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("单位名称"), max_length=128)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        help_text=_("18位，由数字和大写字母组成；全角字符和小写字母会自动转换"),
    )
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=64)
    contact_phone = forms.RegexField(
        label=_("联系电话"),
        max_length=32,
        regex=r"^[0-9+\-() ]{5,32}$",
        error_messages={"invalid": _("请填写有效的电话号码（数字、空格、+、-、括号）")},
    )
    address = forms.CharField(label=_("地址"), max_length=256)
    actual_controller = forms.CharField(
        label=_("实际控制人（选填）"), max_length=128, required=False,
        help_text=_("控股股东或实际控制的自然人、单位名称；同一实际控制人的企业合计申领额度"),
    )
    actual_controller_identifier = forms.CharField(
        label=_("实际控制人证件号码（选填）"), max_length=40, required=False,
        help_text=_("实际控制人的统一社会信用代码或居民身份证号码；身份证号码只保存前6位和后4位"),
    )
    username = forms.RegexField(
        label=_("登录用户名"),
        max_length=150,
        regex=r"^[A-Za-z0-9_.@+-]{3,150}$",
        error_messages={"invalid": _("用户名只能包含字母、数字和 _ . @ + -，至少3位")},
    )
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput(render_value=True))
    password_again = forms.CharField(
        label=_("确认密码"), widget=forms.PasswordInput(render_value=True)
    )

    founded_on = forms.DateField(
        label=_("成立日期（服务机构填写）"), required=False,
        help_text=_("营业执照上的成立日期；部分地区要求服务机构成立满一定年限"),
    )
    integrity_declared = forms.BooleanField(
        label=_("诚信承诺（服务机构勾选）"), required=False,
        help_text=_("本机构承诺所填信息和所交材料真实、完整，遵守科研诚信要求，不以虚假服务、"
                    "虚开发票等方式套取创新券资金，如有违反愿承担相应责任。"),
    )

    def __init__(self, *args, documents: dict | None = None,
                 statements: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # A region with a wording of its own has its institutions declare that wording.
        for region, wording in (statements or {}).items():
            self.fields["integrity_declared"].help_text = format_lazy(
                "{}{}", self.fields["integrity_declared"].help_text,
                _(" %(region)s的服务机构承诺：%(wording)s") % {
                    "region": region.display_name, "wording": wording})
        # One file field per document any region requires of institutions; the service
        # checks the ones the registering institution's region requires.
        self.document_names: dict[str, str] = {}
        for index, (name, regions) in enumerate((documents or {}).items(), start=1):
            field = f"regdoc_{index}"
            self.document_names[field] = name
            self.fields[field] = forms.FileField(
                label=name, required=False,
                help_text=_("服务机构注册所需（%(regions)s）；PDF、PNG 或 JPEG，不超过 10 MB") % {
                    "regions": "、".join(region.display_name for region in regions)},
            )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("两次输入的密码不一致"))
        return data

    def uploads(self) -> dict:
        """The chosen files by document name (one byte over the limit is read)."""
        from accounts.uploads import MAX_UPLOAD_BYTES, Upload

        return {self.document_names[field]: Upload(name=value.name or "",
                                                   content=value.read(MAX_UPLOAD_BYTES + 1))
                for field, value in self.cleaned_data.items()
                if field in self.document_names and value}


class ReviewForm(PortalForm):
    decision = forms.ChoiceField(
        label=_("审核结论"), choices=[("approve", _("通过")), ("reject", _("驳回"))]
    )
    reason = forms.CharField(
        label=_("意见或原因"), required=False, max_length=1000, widget=forms.Textarea({"rows": 3})
    )


class CityForm(PortalForm):
    """The reviewer sets the city a credit code did not tell (or corrects it)."""

    city = forms.ModelChoiceField(label=_("所在城市"), queryset=City.objects.none(),
                                  error_messages={"required": _("请选择城市")})
    reason = forms.CharField(label=_("原因（更改已确定的城市时必填）"), max_length=500,
                             required=False)

    def __init__(self, *args, region_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = City.objects.filter(region_id=region_id).order_by("code")


class ActualControllerForm(PortalForm):
    actual_controller = forms.CharField(label=_("实际控制人"), max_length=128, required=False)
    actual_controller_identifier = forms.CharField(
        label=_("实际控制人证件号码"), max_length=40, required=False,
        help_text=_("统一社会信用代码或居民身份证号码；留空则按名称归并"),
    )
    reason = forms.CharField(label=_("原因"), max_length=500,
                             error_messages={"required": _("请填写原因")})


class ApiTokenForm(PortalForm):
    name = forms.CharField(
        label=_("令牌名称"), max_length=64, help_text=_("例如：本单位业务系统对接")
    )
    valid_days = forms.IntegerField(
        label=_("有效天数"), min_value=1, max_value=MAX_TOKEN_VALID_DAYS, required=False,
        help_text=_("留空则长期有效，直到吊销"),
    )


class ObjectionForm(OnceForm):
    lodged_by = forms.CharField(label=_("异议人（姓名或单位）"), max_length=64,
                                error_messages={"required": _("请填写异议人")})
    contact = forms.CharField(label=_("联系方式"), max_length=64,
                              help_text=_("电话或电子邮箱，仅供主管部门核实"),
                              error_messages={"required": _("请填写联系方式")})
    text = forms.CharField(label=_("异议内容"), max_length=2000, widget=forms.Textarea({"rows": 5}),
                           help_text=_("请写明事实和依据"),
                           error_messages={"required": _("请填写异议内容")})


class ObjectionResolveForm(OnceForm):
    upheld = forms.TypedChoiceField(
        label=_("处理结论"), choices=[("1", _("异议成立")), ("0", _("异议不成立"))],
        coerce=lambda value: value == "1", widget=forms.RadioSelect,
    )
    resolution = forms.CharField(label=_("处理意见"), max_length=1000,
                                 widget=forms.Textarea({"rows": 3}),
                                 error_messages={"required": _("请填写处理意见")})


class AuditFilterForm(PortalForm):
    action = forms.CharField(label=_("操作"), required=False, max_length=64)
    date_from = forms.DateField(label=_("起始日期"), required=False)
    date_to = forms.DateField(label=_("截止日期"), required=False)


class BoundedUsernameMixin:
    """Sign-in forms: a user name longer than any account's is a wrong credential.

    Django's AuthenticationForm sets the user name's max_length after its validators were
    built, so the length was never checked: a 20,000-character name reached authenticate(),
    and django-axes wrote it to a 255-character column (a 500 on PostgreSQL). Refused here,
    before authenticate(), axes never sees it; the answer is the one for any wrong credential.
    """

    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if len(username) > USERNAME_MAX_LENGTH:
            raise self.get_invalid_login_error()  # type: ignore[attr-defined]
        return super().clean()  # type: ignore[misc,no-any-return]


USERNAME_MAX_LENGTH = 150  # accounts.User.username, Django's AbstractUser


class LoginForm(PortalFormMixin, BoundedUsernameMixin, AuthenticationForm):
    """The web sign-in page's form."""


class AdminLoginForm(BoundedUsernameMixin, AdminAuthenticationForm):
    """The Django admin's sign-in form (admin.site.login_form)."""
