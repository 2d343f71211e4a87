"""Sign-in, sign-up and the review of registrations. Views are thin: a form, a service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.access import action_required
from accounts.errors import ApplicationError
from accounts.forms import ApiTokenForm, RegistrationForm, ReviewForm, add_application_error
from accounts.models import ApiToken, Organisation


@action_required("account.register")
@require_http_methods(["GET", "POST"])
def register(request):
    form = RegistrationForm(request.POST or None)
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


@action_required("registration.review")
@require_http_methods(["GET", "POST"])
def registration_review(request, pk: int):
    # Another region's registration answers 404, never its data.
    organisation = get_object_or_404(
        Organisation.objects.select_related("region", "city"),
        pk=pk,
        region_id=request.user.organisation.region_id,
        kind__in=[Organisation.Kind.ENTERPRISE, Organisation.Kind.INSTITUTION],
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        review = (
            services.organisation_approve
            if form.cleaned_data["decision"] == "approve"
            else services.organisation_reject
        )
        try:
            review(
                actor=request.user, organisation=organisation, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("审核结果已保存。"))
            return redirect("accounts:registration_queue")
    trail = selectors.audit_trail_for(target=organisation)
    return render(
        request,
        "accounts/registration_review.html",
        {"organisation": organisation, "form": form, "trail": trail},
    )


@action_required("api_token.manage")
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """The user's API tokens: create one (its secret is shown once) or revoke one."""
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _, new_secret = services.api_token_create(
                actor=request.user, name=form.cleaned_data["name"]
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request, "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "new_secret": new_secret},
    )


@action_required("api_token.manage")
@require_http_methods(["POST"])
def api_token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("令牌已吊销。"))
    return redirect("accounts:api_tokens")
