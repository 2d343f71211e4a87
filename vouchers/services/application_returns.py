"""Returning an application for correction (退回修改) and resubmitting it corrected.

The reviewer returns a submitted application with a reason; the enterprise corrects its
amount, purpose, planned categories and documents and resubmits the same application. Each
submission is a row of its own (ApplicationSubmission) with the reason it was returned, and
a replaced document is a new version: the history is kept, never overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.utils.translation import gettext as _

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.errors import AccessDenied, InvalidInput
from accounts.models import User
from accounts.permissions import require_impartial, require_region
from accounts.text import clean_text
from accounts.transactions import service_transaction
from accounts.uploads import Upload
from vouchers.locks import lock_application, lock_organisations
from vouchers.models import (
    Application,
    ApplicationSubmission,
    Recommendation,
    ServiceCategory,
)
from vouchers.notifications import notify_application_decided
from vouchers.services.application_materials import (
    documents_store,
    require_documents_complete,
)
from vouchers.services.applications import (
    _group_members,
    _require_eligible_enterprise,
    _require_valid_claim,
    _require_within_caps,
)
from vouchers.states import APPLICATION_TRANSITIONS, move_state


@service_transaction
def application_return(
    *, actor: User, application: Application, reason: str, now: datetime
) -> Application:
    """The issuing region's reviewer sends a submitted application back for correction.

    The reason is required and shown to the enterprise; the claim stays open (it still counts
    against the caps) until the enterprise resubmits and the reviewer decides.
    """
    require_action(actor, "application.review", now=now)
    require_region(actor, application.program.region_id)
    require_impartial(actor, application.enterprise)
    reason = clean_text(reason, field="reason", label="退回原因", max_length=2000,
                        multiline=True).strip()
    if not reason:
        raise InvalidInput(_("退回修改时必须填写原因"), code="required",
                           extra={"field": "reason"})
    application = lock_application(application.pk)
    before = move_state(application, target=Application.State.RETURNED,
                        transitions=APPLICATION_TRANSITIONS, reviewed_by=actor,
                        reviewed_at=now, reason=reason)
    superseded = list(Recommendation.objects.current().filter(application=application)
                      .values_list("pk", flat=True))
    # The resubmission is a new round for the city (two-tier programs) to review again.
    Recommendation.objects.filter(pk__in=superseded).update(superseded_at=now)
    submission = application.submissions.order_by("-number").first()
    if submission is not None:  # applications older than the materials have none
        ApplicationSubmission.objects.filter(pk=submission.pk).update(
            returned_at=now, returned_by=actor, return_reason=reason)
    audit_record(actor=actor, action="application_return", target=application,
                 region=application.program.region, now=now, reason=reason,
                 before={"state": before},
                 after={"state": application.state,
                        **({"recommendation_superseded": superseded} if superseded else {})},
                 amount_fen=application.amount_fen)
    notify_application_decided(application, now=now)
    return application


@service_transaction
def application_resubmit(
    *,
    actor: User,
    application: Application,
    amount_fen: int,
    purpose: str,
    planned_categories: Iterable[ServiceCategory],
    now: datetime,
    documents: Mapping[str, Upload] | None = None,
) -> Application:
    """The enterprise resubmits its returned application, corrected.

    `documents` replace (as new versions) the materials they name; the others keep their
    latest version. The same checks as a first submission apply: window, caps (the
    application's own earlier claim replaced), materials.
    """
    documents = documents or {}
    require_action(actor, "application.submit", now=now)
    if application.enterprise_id != actor.organisation_id:
        raise AccessDenied(_("只能修改本企业的申领"), code="not_your_application")
    planned = list(planned_categories)
    purpose = clean_text(purpose, field="purpose", label="申领用途", max_length=2000,
                         multiline=True).strip()
    lock_organisations(_group_members(application.enterprise).values_list("pk", flat=True))
    application = lock_application(application.pk)
    program = application.program  # read after the lock: the rules as they stand now
    _require_eligible_enterprise(application.enterprise, program, now)
    _require_valid_claim(program, amount_fen, purpose, planned)
    require_documents_complete(program, uploads=documents, application=application)
    _require_within_caps(program, application.enterprise, amount_fen, besides=application.pk)
    before = {"state": application.state, "amount_fen": application.amount_fen}
    move_state(application, target=Application.State.SUBMITTED,
               transitions=APPLICATION_TRANSITIONS, amount_fen=amount_fen, purpose=purpose,
               submitted_at=now, reason="", reviewed_by=None, reviewed_at=None)
    application.planned_categories.set(planned)
    number = application.submissions.count() + 1
    submission = ApplicationSubmission.objects.create(
        application=application, number=number, amount_fen=amount_fen, purpose=purpose,
        submitted_by=actor, submitted_at=now)
    stored = documents_store(application=application, submission=submission,
                             uploads=documents, actor=actor, now=now)
    audit_record(actor=actor, action="application_resubmit", target=application,
                 region=program.region, now=now, before=before,
                 after={"state": application.state, "amount_fen": amount_fen,
                        "submission": number,
                        "documents": {d.material_key: d.version for d in stored}},
                 amount_fen=amount_fen)
    return application
