"""Sign-in, sign-up and the review of registrations. Views are thin: a form, a service call."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.audit import audit_record
from accounts.audit_labels import action_label
from accounts.confirm import Row, Summary, confirm_page, is_confirmed, wants_edit
from accounts.decorators import action_required
from accounts.downloads import csv_response
from accounts.errors import ApplicationError
from accounts.forms import (
    TOKEN_FIELD,
    ActualControllerForm,
    ApiTokenForm,
    AuditFilterForm,
    CityForm,
    ObjectionForm,
    ObjectionResolveForm,
    RegistrationForm,
    ReviewForm,
    add_application_error,
    new_form_token,
)
from accounts.idempotency import (
    Outcome,
    RequestInFlight,
    idempotency_claim,
    idempotency_complete,
    outcome_of,
)
from accounts.models import ApiToken, Objection, Organisation
from accounts.services import admission
from accounts.transactions import request_transaction
from config.db_routers import streaming

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_SESSION_TOKENS = "form_tokens"


def submit_once(
    request: HttpRequest, perform: Callable[[], str], *, success: str = ""
) -> HttpResponse:
    """Run `perform` (it calls the service and returns the URL of the result) once per form
    token. The token is claimed, the service runs and the result is stored in one transaction
    (accounts/idempotency.py). A replay of a finished submit redirects to the first result and
    creates nothing; a duplicate sent meanwhile waits for the first, then replays it. If
    `perform` raises, nothing is kept, so the corrected form can be sent again."""
    token = request.POST.get(TOKEN_FIELD, "")
    if not _TOKEN.match(token):
        return _refused(request, _("表单已失效，请刷新页面后重新提交。"))
    if not request.user.is_authenticated:
        return _submit_once_in_session(request, token, perform, success)
    with request_transaction():
        claim = idempotency_claim(
            user=request.user, key=f"form:{token}", method="POST", path=request.path,
            request_hash=token, now=timezone.now(),
        )
        if not claim.first:
            try:
                first = outcome_of(claim, request_hash=token)
            except RequestInFlight:
                return _refused(request, _("该表单正在处理中，请稍候刷新页面。"))
            messages.info(request, _("该表单已提交过，以下是第一次提交的结果。"))
            return redirect(first.body["location"])
        location = perform()
        idempotency_complete(claim, outcome=Outcome(status=303, body={"location": location}))
    if success:
        messages.success(request, success)
    return redirect(location)


def _submit_once_in_session(request, token, perform, success) -> HttpResponse:
    # Anonymous forms (objections) have no user to key a record on: the session remembers.
    done = request.session.get(_SESSION_TOKENS, {})
    if token in done:
        messages.info(request, _("该表单已提交过，以下是第一次提交的结果。"))
        return redirect(done[token])
    location = perform()
    done[token] = location
    request.session[_SESSION_TOKENS] = dict(list(done.items())[-50:])
    if success:
        messages.success(request, success)
    return redirect(location)


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")


@action_required("account.register")
@require_http_methods(["GET", "POST"])
def register(request):
    form = RegistrationForm(request.POST or None, request.FILES or None,
                            documents=admission.all_required_documents(),
                            statements=admission.all_integrity_statements())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.organisation_register(
                kind=data["kind"],
                name=data["name"],
                credit_code=data["credit_code"],
                username=data["username"],
                password=data["password"],
                email=data["email"],
                legal_representative=data["legal_representative"],
                contact_phone=data["contact_phone"],
                address=data["address"],
                actual_controller=data["actual_controller"],
                actual_controller_identifier=data["actual_controller_identifier"],
                founded_on=data["founded_on"],
                integrity_declared=data["integrity_declared"],
                documents=form.uploads() if data["kind"] == Organisation.Kind.INSTITUTION
                else {},
                now=timezone.now(),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("注册已提交，请等待所在地区科技主管部门审核。"))
            return redirect("home")
    return render(request, "accounts/register.html", {"form": form})


@action_required("registration.review")
def registration_queue(request):
    organisations = selectors.organisations_awaiting_review(actor=request.user)
    return render(request, "accounts/registration_queue.html", {"organisations": organisations})


def _own_region_registration(request, pk: int) -> Organisation:
    # Another region's registration answers 404, never its data.
    return get_object_or_404(
        Organisation.objects.select_related("region", "city"),
        pk=pk,
        region_id=request.user.organisation.region_id,
        kind__in=[Organisation.Kind.ENTERPRISE, Organisation.Kind.INSTITUTION],
    )


@action_required("registration.review")
@require_http_methods(["GET", "POST"])
def registration_review(request, pk: int):
    organisation = _own_region_registration(request, pk)
    form = ReviewForm(request.POST or None)
    rejecting = form.is_bound and form.is_valid() and form.cleaned_data["decision"] != "approve"
    if rejecting and not is_confirmed(request):
        if not wants_edit(request):
            return confirm_page(request, Summary(
                title=_("确认驳回注册"), button=_("确认驳回"), destructive=True,
                rows=[Row(_("名称"), organisation.name),
                      Row(_("统一社会信用代码"), organisation.credit_code),
                      Row(_("驳回原因"), form.cleaned_data["reason"])],
                consequences=[_("注册申请将被驳回并结束，该机构不能登录办理业务。")],
            ))
    elif request.method == "POST" and form.is_valid():
        review = (
            services.organisation_approve
            if form.cleaned_data["decision"] == "approve"
            else services.organisation_reject
        )
        try:
            review(
                actor=request.user, organisation=organisation, reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("审核结果已保存。"))
            return redirect("accounts:registration_queue")
    return _review_page(request, organisation, form=form)


def _review_page(request, organisation, *, form=None, city_form=None, controller_form=None):
    return render(request, "accounts/registration_review.html", {
        "organisation": organisation,
        "form": form or ReviewForm(),
        "city_form": city_form or CityForm(region_id=organisation.region_id,
                                           initial={"city": organisation.city_id}),
        "controller_form": controller_form or ActualControllerForm(initial={
            "actual_controller": organisation.actual_controller,
            "actual_controller_identifier": organisation.actual_controller_identifier,
        }),
        "trail": selectors.audit_trail_for(target=organisation),
    })


@action_required("registration.review")
@require_http_methods(["POST"])
def registration_set_city(request, pk: int):
    organisation = _own_region_registration(request, pk)
    form = CityForm(request.POST, region_id=organisation.region_id)
    if form.is_valid():
        try:
            services.organisation_set_city(actor=request.user, organisation=organisation,
                                           city=form.cleaned_data["city"],
                                           reason=form.cleaned_data["reason"], now=timezone.now())
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("所在城市已设置。"))
            return redirect("accounts:registration_review", pk=organisation.pk)
    return _review_page(request, organisation, city_form=form)


@action_required("registration.review")
@require_http_methods(["POST"])
def registration_set_controller(request, pk: int):
    organisation = _own_region_registration(request, pk)
    form = ActualControllerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.organisation_set_actual_controller(
                actor=request.user, organisation=organisation,
                actual_controller=data["actual_controller"],
                actual_controller_identifier=data["actual_controller_identifier"],
                reason=data["reason"],
                now=timezone.now(),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("实际控制人已更新。"))
            return redirect("accounts:registration_review", pk=organisation.pk)
    return _review_page(request, organisation, controller_form=form)


@action_required("api_token.manage")
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """The user's API tokens: create one (its secret is shown once) or revoke one."""
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            now = timezone.now()
            days = form.cleaned_data["valid_days"]
            _, new_secret = services.api_token_create(
                actor=request.user, name=form.cleaned_data["name"], now=now,
                expires_at=now + timedelta(days=days) if days else None,
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request, "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "new_secret": new_secret, "now": timezone.now()},
    )


@action_required("api_token.manage")
@require_http_methods(["POST"])
def api_token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    try:
        services.api_token_revoke(actor=request.user, token=token, now=timezone.now())
    except ApplicationError as error:  # the shared cache down: nothing changed, try again
        messages.error(request, str(error))
    else:
        messages.success(request, _("令牌已吊销。"))
    return redirect("accounts:api_tokens")


def _notices():
    return Organisation.objects.filter(
        kind=Organisation.Kind.INSTITUTION, status=Organisation.Status.NOTICE
    ).select_related("region", "city").order_by("notice_ends_at", "pk")


@action_required("notice.view")
def notices(request):
    """Public: institutions in their notice period (公示), anyone may object."""
    return render(request, "accounts/notices.html", {"organisations": _notices()})


@action_required("notice.view")
def notice_detail(request, pk: int):
    return _notice_page(request, get_object_or_404(_notices(), pk=pk), ObjectionForm())


def _notice_page(request, organisation, form):
    return render(request, "accounts/notice_detail.html",
                  {"organisation": organisation, "form": form})


@action_required("notice.object")
@require_http_methods(["POST"])
def objection_lodge(request, pk: int):
    organisation = get_object_or_404(_notices(), pk=pk)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data

        def perform() -> str:
            services.objection_lodge(organisation=organisation, lodged_by=data["lodged_by"],
                                     contact=data["contact"], text=data["text"], now=timezone.now())
            return reverse("accounts:notices")

        try:
            return submit_once(request, perform,
                               success=_("异议已提交，主管部门将在公示期结束后处理。"))
        except ApplicationError as error:
            add_application_error(form, error)
    return _notice_page(request, organisation, form)


def _own_region_notices(request):
    return selectors.notices_to_conclude(actor=request.user)


@action_required("notice.conclude")
def notice_review(request):
    return render(request, "accounts/notice_review.html", {
        "organisations": _own_region_notices(request), "form": ObjectionResolveForm(),
        "new_token": new_form_token, "now": timezone.now(),
    })


@action_required("notice.conclude")
@require_http_methods(["POST"])
def objection_resolve(request, pk: int):
    objection = get_object_or_404(
        Objection.objects.select_related("organisation"), pk=pk,
        organisation__region_id=request.user.organisation.region_id,
    )
    form = ObjectionResolveForm(request.POST)
    if form.is_valid():
        def perform() -> str:
            services.objection_resolve(actor=request.user, objection=objection,
                                       upheld=form.cleaned_data["upheld"],
                                       resolution=form.cleaned_data["resolution"],
                                       now=timezone.now())
            return reverse("accounts:notice_review")

        try:
            return submit_once(request, perform, success=_("异议处理结果已保存。"))
        except ApplicationError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("请选择处理结论并填写处理意见。"))
    return redirect("accounts:notice_review")


@action_required("notice.conclude")
@require_http_methods(["POST"])
def notice_conclude(request, pk: int):
    organisation = get_object_or_404(_own_region_notices(request), pk=pk)

    def perform() -> str:
        services.organisation_conclude_notice(
            actor=request.user, organisation=organisation, now=timezone.now()
        )
        return reverse("accounts:notice_review")

    try:
        return submit_once(request, perform, success=_("公示已办结。"))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("accounts:notice_review")


AUDIT_CSV_HEADER = ["时间", "操作", "操作说明", "操作人", "机构", "地区", "IP", "对象类型",
                    "对象编号", "变更前", "变更后", "原因", "金额（分）"]


@action_required("audit.view")
def audit_trail(request):
    """The audit trail of the authority's region (all regions for the operator); CSV export."""
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_entries_visible_to(actor=request.user, **filters)
    if request.GET.get("format") == "csv":
        audit_record(actor=request.user, action="audit_export", after={"filters": {
            key: str(value) for key, value in filters.items() if value}}, now=timezone.now())
        return csv_response(
            filename="审计记录.csv", header=AUDIT_CSV_HEADER,
            rows=(_audit_row(entry)
                  for entry in streaming(entries).iterator(chunk_size=2000)),
        )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_trail.html", {"form": form, "page": page})


def _audit_row(entry) -> list:
    return [
        timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M:%S"), entry.action,
        action_label(entry.action), entry.actor.username if entry.actor else "",
        str(entry.organisation or ""),
        str(entry.region or ""), entry.ip_address or "", entry.object_type, entry.object_id,
        json.dumps(entry.before, ensure_ascii=False) if entry.before is not None else "",
        json.dumps(entry.after, ensure_ascii=False) if entry.after is not None else "",
        entry.reason, entry.amount_fen if entry.amount_fen is not None else "",
    ]
