"""Benchmark 7: bulk review at the window's opening — N approvals in one job against one budget.

The same run first approves a smaller sample one by one through `application_approve`, as a
reviewer's page does (the single-item service path), then starts one bulk review of N
applications of another program and runs it in-process (`bulk_review_execute`, what the
Celery task calls; the broker is left out). Both are timed from the first decision to the
last. Each item of the job goes through that same service in its own transaction, with the
item's outcome and the lease renewal, so the rate is the service's plus that overhead.
Afterwards the bench checks the budget arithmetic, one voucher and one audit line per item,
and the ledger.
"""

from __future__ import annotations

import time

from bench.common import Table

AMOUNT_FEN = 10_000_00
SIZES = {"bulk": 10_000, "single": 500}
SMOKE = {"bulk": 40, "single": 20}


def _submitted(program, count: int) -> list:
    """`count` applications of `count` new enterprises, written in bulk (set-up, not timed:
    what is measured is the review; `application_submit` has its own benchmark, the window)."""
    from accounts.models import City, Organisation, User
    from bench import fixtures
    from devtools.factories.accounts import make_credit_code
    from devtools.factories.vouchers import category
    from vouchers.models import Application

    city = City.objects.get(code="320100")
    organisations = Organisation.objects.bulk_create(
        [Organisation(kind=Organisation.Kind.ENTERPRISE, name=f"批量审核基准企业{program.pk}-{n}",
                      credit_code=make_credit_code("320102"), region_id=city.region_id,
                      city=city, status=Organisation.Status.APPROVED)
         for n in range(count)], batch_size=1000)
    unusable = "!"  # Django's unusable password: these enterprises never sign in
    users = User.objects.bulk_create(
        [User(username=f"bulk{program.pk}-{n}", password=unusable, role=User.Role.ENTERPRISE,
              organisation=organisation) for n, organisation in enumerate(organisations)],
        batch_size=1000)
    moment = fixtures.now()
    submitted = Application.objects.bulk_create(
        [Application(program=program, enterprise=organisation, applicant=user,
                     amount_fen=AMOUNT_FEN, purpose="检测新产品",
                     state=Application.State.SUBMITTED, submitted_at=moment)
         for organisation, user in zip(organisations, users, strict=True)], batch_size=1000)
    testing = category()
    Application.planned_categories.through.objects.bulk_create(
        [Application.planned_categories.through(application_id=application.pk,
                                                servicecategory_id=testing.pk)
         for application in submitted], batch_size=1000)
    return submitted


def _single(count: int, reviewer) -> float:
    """Approvals per second, one service call each."""
    from bench import fixtures
    from vouchers.services import applications

    program = fixtures.open_program(name=f"逐项审核基准{count}",
                                    budget_fen=AMOUNT_FEN * count, cap_fen=AMOUNT_FEN)
    submitted = _submitted(program, count)
    started = time.monotonic()
    for application in submitted:
        applications.application_approve(actor=reviewer, application=application,
                                         now=fixtures.now())
    return count / (time.monotonic() - started)


def _bulk(count: int, reviewer) -> tuple[float, float, str]:
    """(seconds, approvals per second, proof) of one job of `count` approvals."""
    from bench import fixtures
    from vouchers.services import bulk_reviews

    program = fixtures.open_program(name=f"批量审核基准{count}",
                                    budget_fen=AMOUNT_FEN * count, cap_fen=AMOUNT_FEN)
    _submitted(program, count)
    job = bulk_reviews.bulk_review_start(actor=reviewer, kind="application", decision="approve",
                                         program_id=program.pk, now=fixtures.now(),
                                         dispatch=False)
    started = time.monotonic()
    job = bulk_reviews.bulk_review_execute(job_id=job.pk, now=fixtures.now(), holder="bench")
    seconds = time.monotonic() - started
    return seconds, count / seconds, _verify(program, job, count)


def _verify(program, job, count: int) -> str:
    from accounts.models import AuditEntry
    from vouchers.ledger.models import Account
    from vouchers.ledger.selectors import ledger_verify
    from vouchers.models import Application, Voucher
    from vouchers.services.bulk_reviews import bulk_review_counts

    budget = Account.objects.get(pk=program.budget_account_id)
    approved = Application.objects.filter(program=program, state="approved")
    checks = {
        "job succeeded": job.status == "succeeded",
        f"{count} done, none skipped": bulk_review_counts(job) == {
            "pending": 0, "done": count, "skipped": 0},
        "budget spent exactly": budget.available_fen == 0 and approved.count() == count,
        "one voucher each": Voucher.objects.filter(program=program).count() == count,
        "one audit line each": AuditEntry.objects.filter(
            action="application_approve", object_id__in=[
                str(pk) for pk in approved.values_list("pk", flat=True)]).count() == count,
        "ledger verifies": ledger_verify().ok,
    }
    failed = [name for name, ok in checks.items() if not ok]
    if failed:
        raise AssertionError(f"bulk review: {failed}")
    return ", ".join(checks)


def run(*, smoke: bool) -> list[Table]:
    from bench import fixtures

    sizes = SMOKE if smoke else SIZES
    reviewer = fixtures.reviewer()
    single_rate = _single(sizes["single"], reviewer)
    seconds, bulk_rate, proof = _bulk(sizes["bulk"], reviewer)
    table = Table(
        "Bulk review (one job of applications against one budget, in-process, PostgreSQL)",
        ["approvals in the job", "job seconds", "job approvals/s",
         "single-item approvals/s (same run)", "job / single"],
        [[sizes["bulk"], seconds, bulk_rate, single_rate, bulk_rate / single_rate]],
    )
    table.notes = [
        f"Single-item path: {sizes['single']:,} calls of `application_approve`, one after "
        "another, as the review page makes them (no HTTP).",
        "Job: `bulk_review_start` then `bulk_review_execute` (the Celery task's body); each "
        "item is the same service call in its own transaction with its outcome row and the "
        "lease renewal.",
        f"Proof: {proof}.",
    ]
    return [table]
