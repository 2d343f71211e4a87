"""Bulk review at the window's opening: many decisions, one background job (issue 21)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.models import AuditEntry
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from vouchers.ledger.models import Account
from vouchers.models import Application, BulkReview, BulkReviewItem, Redemption, Voucher
from vouchers.services import applications, bulk_reviews, program_changes

Outcome = BulkReviewItem.Outcome


def submit_many(program, count, amount_fen=100_000_00):
    submitted = []
    for _ in range(count):
        user = build.enterprise_user("JS")
        submitted.append(
            applications.application_submit(
                actor=user,
                program=program,
                amount_fen=amount_fen,
                purpose="检测",
                planned_categories=[build.category()],
                now=NOW,
            )
        )
    return submitted


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Start a bulk review as the world's reviewer; the job runs when the start commits (the
    tests run Celery eagerly)."""

    def started(world, **fields):
        values = {"kind": "application", "decision": "approve", **fields}
        with django_capture_on_commit_callbacks(execute=True):
            job = bulk_reviews.bulk_review_start(actor=world.reviewer, now=NOW, **values)
        job.refresh_from_db()
        return job

    return started


def outcomes(job):
    return list(job.items.order_by("position").values_list("outcome", "code"))


def test_a_bulk_approval_issues_every_voucher_at_its_requested_amount(world, ledger_clean, start):
    submitted = submit_many(world.program, 3, amount_fen=50_000_00)

    job = start(world)

    job.refresh_from_db()
    assert (job.status, job.total_count, job.attempts) == (BulkReview.Status.SUCCEEDED, 3, 1)
    assert outcomes(job) == [(Outcome.DONE, "")] * 3
    assert [item.application_id for item in job.items.order_by("position")] == [
        application.pk for application in submitted
    ]
    assert Voucher.objects.filter(amount_fen=50_000_00).count() == 3
    assert (
        AuditEntry.objects.filter(action="application_approve", actor=world.reviewer).count() == 3
    )
    assert AuditEntry.objects.filter(action="bulk_review_start").get().after == {
        "kind": "application",
        "decision": "approve",
        "count": 3,
    }
    assert AuditEntry.objects.get(action="bulk_review_succeed").after == {
        "attempts": 1,
        "done": 3,
        "skipped": 0,
    }


def test_items_refused_are_skipped_with_their_reason_and_the_job_goes_on(
    world, ledger_clean, start
):
    # Given a budget of 1,000,000 yuan and four claims of 300,000: the fourth does not fit
    submitted = submit_many(world.program, 4, amount_fen=300_000_00)
    # and the reviewer is linked to the third enterprise (separation of duties)
    world.reviewer.linked_organisations.add(submitted[2].enterprise)

    job = start(world)

    job.refresh_from_db()
    assert job.status == BulkReview.Status.SUCCEEDED
    assert outcomes(job) == [
        (Outcome.DONE, ""),
        (Outcome.DONE, ""),
        (Outcome.SKIPPED, "conflict_of_interest"),
        (Outcome.DONE, ""),
    ]
    # the third was skipped, so the fourth fits: 900,000 of 1,000,000 issued
    assert Account.objects.get(pk=world.program.budget_account_id).available_fen == 100_000_00
    skipped = job.items.get(outcome=Outcome.SKIPPED)
    assert skipped.message == "您与该事项涉及的机构存在利益关联，须回避"
    assert Application.objects.get(pk=submitted[2].pk).state == Application.State.SUBMITTED


def test_a_spent_budget_is_reported_item_by_item(world, ledger_clean, start):
    submit_many(world.program, 5, amount_fen=300_000_00)  # 1,500,000 against 1,000,000

    job = start(world)

    assert [code for _outcome, code in outcomes(job)] == [
        "",
        "",
        "",
        "budget_exhausted",
        "budget_exhausted",
    ]
    assert bulk_reviews.bulk_review_counts(job) == {"pending": 0, "done": 3, "skipped": 2}


def test_a_bulk_rejection_gives_every_item_the_one_reason(world, start):
    submitted = submit_many(world.program, 2)

    job = start(world, decision="reject", reason="申领材料不符合要求", record_ids=[submitted[1].pk])

    assert outcomes(job) == [(Outcome.DONE, "")]
    rejected = Application.objects.get(pk=submitted[1].pk)
    assert (rejected.state, rejected.reason) == (Application.State.REJECTED, "申领材料不符合要求")
    assert Application.objects.get(pk=submitted[0].pk).state == Application.State.SUBMITTED


def test_a_two_tier_program_skips_items_the_city_has_not_recommended(world, start):
    submit_many(world.program, 1)
    program_changes.program_review_tiers_change(
        actor=world.reviewer,
        program=world.program,
        application_city_review=True,
        redemption_city_review=False,
        reason="试点",
        now=NOW,
    )

    job = start(world)

    assert outcomes(job) == [(Outcome.SKIPPED, "override_reason_required")]


def test_starting_refuses_what_is_not_in_the_queue(world, refused, start):
    submitted = submit_many(world.program, 1)
    applications.application_reject(
        actor=world.reviewer, application=submitted[0], reason="不符合", now=NOW
    )
    with refused("nothing_selected"):
        start(world)
    with refused("not_in_queue"):
        start(world, record_ids=[submitted[0].pk])
    with refused("required"):
        start(world, decision="reject", reason=" ")
    with refused("permission_denied"):
        bulk_reviews.bulk_review_start(
            actor=world.finance, kind="application", decision="approve", now=NOW
        )


def test_a_bulk_approval_of_redemptions_skips_those_with_warnings(world, ledger_clean, start):
    voucher = build.issue_voucher(world.program, world.enterprise, reviewer=world.reviewer)
    quiet = build.request_redemption(
        _delivered(voucher, world, world.institution), world.institution
    )
    # an institution sharing the enterprise's legal representative: a warning to read
    world.enterprise.organisation.legal_representative = "张三"
    world.enterprise.organisation.save()
    related = build.institution_user("SH", legal_representative="张三")
    flagged = build.request_redemption(_delivered(voucher, world, related), related)

    job = start(world, kind="redemption", record_ids=[quiet.pk, flagged.pk])

    assert outcomes(job) == [(Outcome.DONE, ""), (Outcome.SKIPPED, "review_warnings")]
    assert "法定代表人相同" in job.items.get(outcome=Outcome.SKIPPED).message
    assert Redemption.objects.get(pk=flagged.pk).state == Redemption.State.REQUESTED
    assert Redemption.objects.get(pk=quiet.pk).state == Redemption.State.APPROVED


def _delivered(voucher, world, institution):
    order = build.place_order(voucher, world.enterprise, institution.organisation)
    build.delivered_and_confirmed(order, institution, world.enterprise)
    return order


class Crash(BaseException):
    """A worker dying mid-item (not an ApplicationError: nothing catches it)."""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_job_resumes_after_a_crash_and_decides_no_item_twice(monkeypatch, ledger_clean):
    reviewer = build.authority("JS")
    program = build.make_program(actor=reviewer)
    submit_many(program, 5, amount_fen=10_000_00)
    job = bulk_reviews.bulk_review_start(
        actor=reviewer, kind="application", decision="approve", now=NOW, dispatch=False
    )
    decide = bulk_reviews.decide
    calls = []

    def crashing(job, item, now):
        calls.append(item.position)
        decide(job, item, now)
        if item.position == 3:
            raise Crash  # after the third decision, before its transaction commits

    monkeypatch.setattr(bulk_reviews, "decide", crashing)
    with pytest.raises(Crash):
        bulk_reviews.bulk_review_execute(job_id=job.pk, now=NOW, holder="first")
    job.refresh_from_db()
    assert (job.status, job.lease_holder) == (BulkReview.Status.RUNNING, "first")
    assert bulk_reviews.bulk_review_counts(job) == {"pending": 3, "done": 2, "skipped": 0}
    assert Voucher.objects.count() == 2  # the third's voucher rolled back with its outcome

    # Another worker may not take a live lease; once it has expired the sweep requeues it
    monkeypatch.setattr(bulk_reviews, "decide", decide)
    later = NOW + timedelta(seconds=30)
    assert (
        bulk_reviews.bulk_review_execute(job_id=job.pk, now=later, holder="second").status
        == BulkReview.Status.RUNNING
    )
    expired = NOW + timedelta(minutes=10)
    assert bulk_reviews.bulk_reviews_recover(now=expired)["requeued"] == [job.pk]
    resumed = bulk_reviews.bulk_review_execute(job_id=job.pk, now=expired, holder="second")

    assert (resumed.status, resumed.attempts) == (BulkReview.Status.SUCCEEDED, 2)
    assert bulk_reviews.bulk_review_counts(resumed) == {"pending": 0, "done": 5, "skipped": 0}
    assert Voucher.objects.count() == 5
    assert AuditEntry.objects.filter(action="application_approve").count() == 5
    assert AuditEntry.objects.filter(action="bulk_review_requeue").count() == 1
    assert calls == [1, 2, 3]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_that_lost_its_lease_decides_nothing_more(ledger_clean):
    reviewer = build.authority("JS")
    program = build.make_program(actor=reviewer)
    submitted = submit_many(program, 2, amount_fen=10_000_00)
    job = bulk_reviews.bulk_review_start(
        actor=reviewer, kind="application", decision="approve", now=NOW, dispatch=False
    )
    assert bulk_reviews.bulk_review_claim(job_id=job.pk, holder="old", worker="w", now=NOW)
    expired = NOW + timedelta(minutes=10)
    assert bulk_reviews.bulk_review_claim(job_id=job.pk, holder="new", worker="w", now=expired)
    old_lease = bulk_reviews.Lease(job_id=job.pk, holder="old", now=NOW)
    item = job.items.get(position=1)

    with pytest.raises(bulk_reviews.LeaseLost):
        bulk_reviews.bulk_review_item_decide(job, item, old_lease)

    assert Application.objects.get(pk=submitted[0].pk).state == Application.State.SUBMITTED
    assert BulkReviewItem.objects.get(pk=item.pk).outcome == Outcome.PENDING
    assert not AuditEntry.objects.filter(action="application_approve").exists()


def test_a_job_whose_attempts_are_used_up_fails_with_a_reason(world, settings, start):
    submit_many(world.program, 1)
    job = start(world, dispatch=False)
    for attempt in range(settings.BULK_REVIEW_MAX_ATTEMPTS):
        moment = NOW + timedelta(hours=attempt)
        assert bulk_reviews.bulk_review_claim(
            job_id=job.pk, holder=f"w{attempt}", worker="w", now=moment
        )

    done = bulk_reviews.bulk_reviews_recover(now=NOW + timedelta(days=1))

    job.refresh_from_db()
    assert done["failed"] == [job.pk]
    assert job.status == BulkReview.Status.FAILED
    assert job.error_display.startswith("多次尝试后仍未完成")
    assert job.items.get().outcome == Outcome.PENDING
