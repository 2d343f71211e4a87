"""The region's admission and notice rules page, for the region's authority reviewer."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.decorators import action_required
from accounts.errors import ApplicationError
from accounts.forms import add_application_error
from accounts.portal_forms import PortalForm
from accounts.selectors import audit_trail_for
from accounts.services import admission


class RegionRulesForm(PortalForm):
    min_years_in_operation = forms.IntegerField(
        label=gettext_lazy("服务机构最低成立年限（年）"), min_value=0, max_value=50,
        help_text=gettext_lazy("按成立日期计算；0 表示不限"))
    integrity_declaration_required = forms.BooleanField(
        label=gettext_lazy("注册时须作诚信承诺"), required=False)
    integrity_statement = forms.CharField(
        label=gettext_lazy("诚信承诺内容"), required=False, max_length=2000,
        widget=forms.Textarea({"rows": 3}),
        help_text=gettext_lazy("留空则采用平台的标准承诺内容"))
    required_documents = forms.CharField(
        label=gettext_lazy("注册所需材料"), required=False, widget=forms.Textarea({"rows": 3}),
        help_text=gettext_lazy("每行一项，例如：营业执照、检验检测机构资质认定证书"))
    notice_days = forms.IntegerField(
        label=gettext_lazy("公示期（天）"), required=False, min_value=1, max_value=90,
        help_text=gettext_lazy("留空即采用平台统一的公示期"))
    publish_redemption_results = forms.BooleanField(
        label=gettext_lazy("公开公示本地区的兑付结果"), required=False,
        help_text=gettext_lazy("公示页列出已核准兑付的服务机构、企业、金额和日期，不含个人信息"))
    reason = forms.CharField(label=gettext_lazy("修改原因"), max_length=1000,
                             widget=forms.Textarea({"rows": 2}))


@action_required("region_rules.manage")
@require_http_methods(["GET", "POST"])
def region_rules(request):
    region = request.user.organisation.region
    rules = admission.region_rules_of(region)
    form = RegionRulesForm(request.POST or None, initial={
        "min_years_in_operation": rules.min_years_in_operation,
        "integrity_declaration_required": rules.integrity_declaration_required,
        "integrity_statement": rules.integrity_statement,
        "required_documents": "\n".join(rules.required_documents),
        "notice_days": rules.notice_days,
        "publish_redemption_results": rules.publish_redemption_results,
    })
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["required_documents"] = data["required_documents"].splitlines()
        try:
            admission.region_rules_set(actor=request.user, now=timezone.now(), **data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("地区准入与公示规则已保存。"))
            return redirect("accounts:region_rules")
    return render(request, "accounts/region_rules.html", {
        "form": form, "region": region, "rules": rules,
        "trail": audit_trail_for(target=rules) if rules.pk else None,
    })
