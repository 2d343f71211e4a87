"""The cases (核查问题) failed spot checks open: list, and one case with its close form and
the links to the sanctions (claw-back on the redemption's page, the blacklist)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import scope_for
from accounts.decorators import action_required
from accounts.errors import ApplicationError
from accounts.forms import add_application_error
from vouchers import oversight_selectors
from vouchers.forms import OversightCaseCloseForm
from vouchers.models import Blacklisting, ClawBack, OversightCase
from vouchers.services import oversight_cases
from vouchers.views.common import now, paginate, submit_once


@action_required("spotcheck.manage")
def case_list(request):
    cases = oversight_selectors.oversight_cases_for(
        actor=request.user, open_only=request.GET.get("state") == "open")
    return render(request, "vouchers/oversight/cases.html", {
        "page": paginate(request, cases), "open_only": request.GET.get("state") == "open"})


@action_required("spotcheck.manage")
@require_http_methods(["GET", "POST"])
def case_detail(request, pk: int):
    case = get_object_or_404(oversight_selectors.oversight_cases_for(actor=request.user), pk=pk)
    form = OversightCaseCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        def perform() -> str:
            oversight_cases.oversight_case_close(
                actor=request.user, case=case, outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"], now=now())
            return reverse("vouchers:case_detail", args=[case.pk])

        try:
            return submit_once(request, perform, success=_("核查问题已结案。"))
        except ApplicationError as error:
            add_application_error(form, error)
    redemption = case.redemption
    return render(request, "vouchers/oversight/case_detail.html", {
        "case": case, "form": form, "redemption": redemption,
        "claw_back": ClawBack.objects.filter(redemption=redemption).first(),
        "blacklistings": Blacklisting.objects.filter(
            organisation_id__in={redemption.payee_id, redemption.institution_id},
        ).select_related("organisation", "region"),
        "can_claw_back": scope_for(request.user, "clawback.perform") is not None,
        "can_blacklist": scope_for(request.user, "blacklist.manage") is not None,
        "is_open": case.state == OversightCase.State.OPEN,
    })
