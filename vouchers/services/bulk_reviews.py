"""Bulk review: one reviewer approves many applications or redemptions at their requested
amounts, or rejects them with one reason, in a background job.

The job is a record (BulkReview, as reporting's ReportRun): `bulk_review_start` stores the
chosen records as items in the queue's order and sends the job to a worker once it commits.
The worker claims the job's lease (compare-and-set, as reporting/services/leases.py) and
decides each pending item through the same service as a single decision
(application_approve, redemption_reject, …: the same checks, warnings and audit line), in a
transaction of its own that also records the item's outcome and renews the lease. An item
the service refuses (budget spent, separation of duties, a second tier not followed, a
warning the reviewer must see) is recorded as skipped with its reason, and the job goes on.

So a worker that dies mid-job loses at most the item it was deciding (rolled back with its
outcome); the sweep (`bulk_reviews_recover`) gives the job to another worker once its lease
has expired, which resumes with the items still pending. A worker that lost its lease finds
out at its next item's commit (the lease renewal matches no row) and that item rolls back:
no item is ever decided twice.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from kombu.exceptions import OperationalError as BrokerUnavailable

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.errors import ApplicationError, Conflict, InvalidInput
from accounts.models import User
from accounts.permissions import organisation_of
from accounts.text import clean_text
from accounts.transactions import request_transaction, service_transaction
from vouchers import selectors
from vouchers.models import Application, BulkReview, BulkReviewItem, Redemption
from vouchers.review_warnings import redemption_warnings_for
from vouchers.services import applications, redemptions

Kind, Decision, Status = BulkReview.Kind, BulkReview.Decision, BulkReview.Status
Outcome = BulkReviewItem.Outcome
EXECUTE_TASK = "vouchers.tasks.execute_bulk_review"
MAX_ITEMS = 20_000
CHUNK = 200
ATTEMPTS_USED_UP = gettext_noop(
    "多次尝试后仍未完成（执行进程中断或数据库不可用），已停止重试；未处理的事项可重新提交")
PROCESSING_FAILED = gettext_noop("处理出错，错误已记入运行日志；未处理的事项可重新提交")
logger = logging.getLogger(__name__)


class LeaseLost(Conflict):
    code = "bulk_review_lease_lost"


@service_transaction
def bulk_review_start(
    *, actor: User, kind: str, decision: str, now: datetime, reason: str = "",
    record_ids: list[int] | None = None, program_id: int | None = None, dispatch: bool = True,
) -> BulkReview:
    """Queue a bulk decision on the records awaiting the actor's review: those of
    `record_ids` (ticked rows), or every record of the queue (of `program_id` if given).

    Refused: invalid (kind, decision), required (a rejection's reason), nothing_selected,
    not_in_queue (a chosen record no longer awaits this reviewer), too_many.
    """
    if kind not in Kind.values:
        raise InvalidInput(_("请选择审核事项的类型"), extra={"field": "kind"})
    require_action(actor, f"{kind}.review", now=now)
    if decision not in Decision.values:
        raise InvalidInput(_("请选择审核结果"), extra={"field": "decision"})
    if decision == Decision.REJECT and not reason.strip():
        raise InvalidInput(_("驳回时必须填写原因"), code="required", extra={"field": "reason"})
    reason = clean_text(reason, field="reason", label="意见或原因", max_length=2000,
                        multiline=True, required=False)
    ids = _chosen(actor, kind, record_ids, program_id)
    job = BulkReview.objects.create(
        kind=kind, decision=decision, reason=reason, region=organisation_of(actor).region,
        requested_by=actor, requested_at=now, status=Status.QUEUED, total_count=len(ids),
    )
    field = "application_id" if kind == Kind.APPLICATION else "redemption_id"
    BulkReviewItem.objects.bulk_create(
        [BulkReviewItem(job=job, position=position, **{field: pk})
         for position, pk in enumerate(ids, start=1)], batch_size=1000)
    audit_record(actor=actor, action="bulk_review_start", target=job, region=job.region,
                 now=now, reason=reason,
                 after={"kind": kind, "decision": decision, "count": len(ids)})
    if dispatch:
        job_id = job.pk
        transaction.on_commit(lambda: bulk_review_dispatch(job_id=job_id, now=now))
    return job


def _chosen(actor: User, kind: str, record_ids: list[int] | None,
            program_id: int | None) -> list[int]:
    queue = (selectors.authority_application_queue(actor=actor) if kind == Kind.APPLICATION
             else selectors.authority_redemption_queue(actor=actor))
    if program_id is not None:
        queue = queue.filter(program_id=program_id)
    if record_ids is not None:
        wanted = set(record_ids)
        queue = queue.filter(pk__in=wanted)
    ids = list(queue.values_list("pk", flat=True))
    if record_ids is not None and set(ids) != wanted:
        raise InvalidInput(_("所选事项中有的已不在待审核队列中，请刷新后重新选择"),
                           code="not_in_queue",
                           extra={"field": "record_ids", "ids": sorted(wanted - set(ids))})
    if not ids:
        raise InvalidInput(_("请至少选择一项待审核的事项"), code="nothing_selected",
                           extra={"field": "record_ids"})
    if len(ids) > MAX_ITEMS:
        raise InvalidInput(_("一次最多批量审核%(count)d项") % {"count": MAX_ITEMS},
                           code="too_many", extra={"field": "record_ids"})
    return ids


def bulk_review_dispatch(*, job_id: int, now: datetime) -> bool:
    """Send the job's message; False (logged) if the broker is unreachable: the sweep sends
    it later. Call it after the job's transaction has committed."""
    BulkReview.objects.filter(pk=job_id, status=Status.QUEUED).update(dispatched_at=now)
    try:
        current_app.tasks[EXECUTE_TASK].apply_async(kwargs={"job_id": job_id})
    except (BrokerUnavailable, OSError) as error:
        logger.warning("bulk review %s not sent, the sweep will send it: %r", job_id, error)
        BulkReview.objects.filter(pk=job_id, status=Status.QUEUED,
                                  dispatched_at=now).update(dispatched_at=None)
        return False
    return True


def lease_seconds() -> float:
    return float(settings.BULK_REVIEW_LEASE_SECONDS)


class Lease:
    """The lease a worker holds on a job; its clock is the claim's `now` moved on by the
    monotonic time elapsed since (no service reads the wall clock)."""

    def __init__(self, *, job_id: int, holder: str, now: datetime) -> None:
        self.job_id, self.holder = job_id, holder
        self._claimed_at, self._started = now, time.monotonic()

    def now(self) -> datetime:
        return self._claimed_at + timedelta(seconds=time.monotonic() - self._started)

    def renew(self) -> None:
        """Push the lease on; raises LeaseLost if the job is no longer this worker's. Called
        inside each item's transaction, so an item decided after the lease was lost rolls
        back."""
        now = self.now()
        renewed = BulkReview.objects.filter(
            pk=self.job_id, status=Status.RUNNING, lease_holder=self.holder,
        ).update(heartbeat_at=now, lease_expires_at=now + timedelta(seconds=lease_seconds()))
        if renewed != 1:
            raise LeaseLost(_("批量审核已由另一个进程接手"))


def bulk_review_claim(*, job_id: int, holder: str, worker: str, now: datetime) -> bool:
    """Take the job's lease if nobody else holds a live one (a queued job, a running one
    whose lease expired, or one `holder` already holds); True if this caller has it."""
    claimable = (
        Q(status=Status.QUEUED)
        | Q(status=Status.RUNNING, lease_expires_at__isnull=True)
        | Q(status=Status.RUNNING, lease_expires_at__lte=now)
        | Q(status=Status.RUNNING, lease_holder=holder)
    )
    claimed = BulkReview.objects.filter(
        claimable, pk=job_id, attempts__lt=settings.BULK_REVIEW_MAX_ATTEMPTS,
    ).update(
        status=Status.RUNNING, lease_holder=holder, worker=worker[:200], heartbeat_at=now,
        lease_expires_at=now + timedelta(seconds=lease_seconds()), error="",
        started_at=now, attempts=F("attempts") + 1,
    )
    return claimed == 1


def bulk_review_execute(
    *, job_id: int, now: datetime, holder: str | None = None, worker: str = "",
) -> BulkReview:
    """Claim the job and decide its pending items one by one, then mark it done.

    Idempotent: a finished job, or one another worker holds a live lease on, is returned
    unchanged; a resumed job decides only the items still pending. Raises LeaseLost if the
    sweep gave the job to another worker meanwhile."""
    holder = holder or f"call:{uuid.uuid4().hex}"
    if not bulk_review_claim(job_id=job_id, holder=holder, worker=worker, now=now):
        return BulkReview.objects.get(pk=job_id)
    job = BulkReview.objects.select_related("requested_by__organisation", "region").get(
        pk=job_id)
    lease = Lease(job_id=job_id, holder=holder, now=now)
    # Skip reasons are stored in the source language and translated when shown.
    with translation.override(settings.LANGUAGE_CODE):
        last = 0
        while chunk := list(job.items.filter(outcome=Outcome.PENDING, position__gt=last)
                            .order_by("position")[:CHUNK]):
            for item in chunk:
                bulk_review_item_decide(job, item, lease)
            last = chunk[-1].position
    _finish(job, holder=holder, now=lease.now())
    job.refresh_from_db()
    return job


def bulk_review_item_decide(job: BulkReview, item: BulkReviewItem, lease: Lease) -> None:
    """One item: the service's decision, the item's outcome and the lease's renewal commit
    together (the decision's own transaction joins this one as a savepoint)."""
    with request_transaction():
        now = lease.now()
        code, message = "", ""
        try:
            decide(job, item, now)
        except ApplicationError as error:
            code, message = error.code, str(error.message)
        recorded = BulkReviewItem.objects.filter(pk=item.pk, outcome=Outcome.PENDING).update(
            outcome=Outcome.SKIPPED if code else Outcome.DONE, code=code,
            message=message[:2000], processed_at=now)
        if recorded != 1:
            raise LeaseLost(_("批量审核已由另一个进程接手"))
        lease.renew()


def _decide_application(job: BulkReview, item: BulkReviewItem, now: datetime) -> None:
    application = Application.objects.select_related("program", "enterprise").get(
        pk=_record_id(item.application_id))
    actor = job.requested_by
    if job.decision == Decision.APPROVE:
        applications.application_approve(actor=actor, application=application, now=now)
    else:
        applications.application_reject(actor=actor, application=application,
                                         reason=job.reason, now=now)


def _decide_redemption(job: BulkReview, item: BulkReviewItem, now: datetime) -> None:
    redemption = Redemption.objects.select_related(
        "program", "order__enterprise", "order__institution", "requested_by",
    ).get(pk=_record_id(item.redemption_id))
    actor = job.requested_by
    if job.decision == Decision.REJECT:
        redemptions.redemption_reject(actor=actor, redemption=redemption, reason=job.reason,
                                      now=now)
        return
    warnings = redemption_warnings_for([redemption])[redemption.pk]
    if warnings:  # the reviewer must read these on the redemption's page
        raise Conflict(_("有需要审核人查看的风险提示，请单独审核：") + "；".join(warnings),
                       code="review_warnings")
    redemptions.redemption_approve(actor=actor, redemption=redemption, now=now)


def _record_id(pk: int | None) -> int:
    if pk is None:  # bulk_review_item_one_record: an item has its kind's record
        raise ValueError("bulk review item without its record")
    return pk


def decide(job: BulkReview, item: BulkReviewItem, now: datetime) -> None:
    """The single-item service for the job's kind and decision (tests replace it to simulate
    a crash mid-job)."""
    deciders: dict[str, Callable[[BulkReview, BulkReviewItem, datetime], None]] = {
        Kind.APPLICATION: _decide_application, Kind.REDEMPTION: _decide_redemption}
    deciders[job.kind](job, item, now)


@transaction.atomic(durable=True)
def _finish(job: BulkReview, *, holder: str, now: datetime) -> None:
    counts = bulk_review_counts(job)
    if counts[Outcome.PENDING]:  # only when items were added meanwhile: impossible today
        raise RuntimeError(f"bulk review {job.pk} finished with pending items")
    finished = BulkReview.objects.filter(
        pk=job.pk, status=Status.RUNNING, lease_holder=holder,
    ).update(status=Status.SUCCEEDED, finished_at=now, lease_expires_at=None)
    if finished != 1:
        raise LeaseLost(_("批量审核已由另一个进程接手"))
    audit_record(actor=None, action="bulk_review_succeed", target=job, region=job.region,
                 now=now, after={"attempts": job.attempts, "done": counts[Outcome.DONE],
                                 "skipped": counts[Outcome.SKIPPED]})


def bulk_review_counts(job: BulkReview) -> dict[str, int]:
    """Items by outcome (one query)."""
    counts = dict.fromkeys(Outcome.values, 0)
    for row in job.items.order_by().values("outcome").annotate(count=Count("pk")):
        counts[row["outcome"]] = row["count"]
    return counts


@transaction.atomic(durable=True)
def bulk_review_fail(*, job_id: int, holder: str, error: str, now: datetime) -> bool:
    """Record that the job `holder` leads failed for good; its pending items stay pending."""
    failed = BulkReview.objects.filter(
        pk=job_id, status=Status.RUNNING, lease_holder=holder,
    ).update(status=Status.FAILED, error=error[:2000], finished_at=now, lease_expires_at=None)
    if failed:
        job = BulkReview.objects.select_related("region").get(pk=job_id)
        audit_record(actor=None, action="bulk_review_fail", target=job, region=job.region,
                     now=now, after={"attempts": job.attempts}, reason=job.error)
    return bool(failed)


def bulk_reviews_recover(*, now: datetime) -> dict[str, list[int]]:
    """The sweep: requeue (or fail, once its attempts are used up) each running job whose
    lease expired, then send every queued job with no recent message. Idempotent."""
    done: dict[str, list[int]] = {"requeued": [], "failed": [], "dispatched": []}
    stale = BulkReview.objects.filter(status=Status.RUNNING).filter(
        Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now))
    for job_id, holder in stale.order_by("pk").values_list("pk", "lease_holder"):
        outcome = _recover_stale(job_id=job_id, holder=holder, now=now)
        if outcome is not None:
            done[outcome].append(job_id)
    resend_before = now - timedelta(seconds=lease_seconds())
    unsent = BulkReview.objects.filter(status=Status.QUEUED).filter(
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lte=resend_before))
    for job_id in unsent.order_by("pk").values_list("pk", flat=True):
        if bulk_review_dispatch(job_id=job_id, now=now):
            done["dispatched"].append(job_id)
    return done


@transaction.atomic(durable=True)
def _recover_stale(*, job_id: int, holder: str, now: datetime) -> str | None:
    job = BulkReview.objects.select_related("region").get(pk=job_id)
    still_stale = BulkReview.objects.filter(
        Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now),
        pk=job_id, status=Status.RUNNING, lease_holder=holder)
    if job.attempts >= settings.BULK_REVIEW_MAX_ATTEMPTS:
        if not still_stale.update(status=Status.FAILED, error=ATTEMPTS_USED_UP,
                                  finished_at=now, lease_expires_at=None):
            return None
        audit_record(actor=None, action="bulk_review_fail", target=job, region=job.region,
                     now=now, after={"attempts": job.attempts}, reason=ATTEMPTS_USED_UP)
        return "failed"
    if not still_stale.update(status=Status.QUEUED, lease_holder="", lease_expires_at=None,
                              dispatched_at=None):
        return None
    audit_record(actor=None, action="bulk_review_requeue", target=job, region=job.region,
                 now=now, after={"attempts": job.attempts})
    return "requeued"
