"""Two-tier and bulk review pages (issue 21): the city's queue and recommendation, the region's
review page showing it, the program's tiers, a bulk review from the queue and its progress."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from devtools.factories import vouchers as f
from tests.views.conftest import token
from vouchers.models import Application, BulkReview, Recommendation
from vouchers.services import applications, program_changes


def submit(world, user=None, amount_fen=20_000_00):
    return applications.application_submit(
        actor=user or world.enterprise, program=world.program, amount_fen=amount_fen,
        purpose="检测新产品", planned_categories=[f.category()], now=timezone.now())


def two_tiers(world):
    program_changes.program_review_tiers_change(
        actor=world.reviewer, program=world.program, application_city_review=True,
        redemption_city_review=True, reason="试点", now=timezone.now())


def test_the_reviewer_sets_the_programs_tiers_on_its_page(client, world):
    client.force_login(world.reviewer)
    url = reverse("vouchers:program_review_tiers", args=[world.program.pk])

    response = client.post(url, {"form_token": token(client.get(url)),
                                 "application_city_review": "on", "reason": "市级初审试点"})

    assert response.status_code == 302
    world.program.refresh_from_db()
    assert (world.program.application_city_review, world.program.redemption_city_review) == (
        True, False)


def test_the_city_reviewer_recommends_and_the_region_sees_it(client, world):
    two_tiers(world)
    application = submit(world)
    nanjing = f.city_reviewer("JS", "320100")
    client.force_login(nanjing)

    queue = client.get(reverse("vouchers:city_queue"))
    assert application.enterprise.name in queue.content.decode()
    url = reverse("vouchers:application_recommend", args=[application.pk])
    data = {"form_token": token(client.get(url)), "decision": "approve", "amount_fen": "15000",
            "reason": "材料齐全"}
    summary = client.post(url, data)
    assert "确认初审意见" in summary.content.decode()
    done = client.post(url, {**data, "confirmed": "1"})

    assert done.status_code == 302
    recommendation = Recommendation.objects.get()
    assert (recommendation.amount_fen, recommendation.recommended_by) == (15_000_00, nanjing)
    client.force_login(world.reviewer)
    page = client.get(reverse("vouchers:application_review", args=[application.pk])).content
    assert "市级初审意见" in page.decode()
    assert "材料齐全" in page.decode()


def test_the_region_page_asks_for_a_reason_without_a_recommendation(client, world):
    two_tiers(world)
    application = submit(world)
    client.force_login(world.reviewer)
    url = reverse("vouchers:application_review", args=[application.pk])
    page = client.get(url)
    assert "该事项尚无初审意见" in page.content.decode()

    response = client.post(url, {"form_token": token(page), "decision": "approve",
                                 "amount_fen": "", "reason": "", "confirmed": "1"})

    assert "本项目须经市级初审，未经初审直接审核请填写原因" in response.content.decode()
    assert Application.objects.get(pk=application.pk).state == Application.State.SUBMITTED


def test_the_city_queue_lists_only_its_own_city(client, world):
    two_tiers(world)
    submit(world)
    client.force_login(f.city_reviewer("JS", "320500"))

    page = client.get(reverse("vouchers:city_queue")).content.decode()

    assert world.enterprise.organisation.name not in page
    assert "目前没有待初审的申领。" in page


def test_a_bulk_review_from_the_queue_runs_and_shows_its_progress(
    client, world, django_capture_on_commit_callbacks
):
    first = submit(world)
    second = submit(world, f.enterprise_user("JS"))
    client.force_login(world.reviewer)
    queue = client.get(reverse("vouchers:application_queue"))
    assert 'name="record_ids"' in queue.content.decode()
    url = reverse("vouchers:application_bulk_review")
    data = {"form_token": token(queue), "scope": "all", "decision": "approve", "reason": ""}

    summary = client.post(url, data)
    assert "确认批量审核" in summary.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**data, "confirmed": "1"})

    job = BulkReview.objects.get()
    assert done["Location"] == reverse("vouchers:bulk_review_detail", args=[job.pk])
    progress = client.get(reverse("vouchers:bulk_review_progress", args=[job.pk])).json()
    assert progress == {"id": job.pk, "status": "succeeded", "progress": 100, "done_count": 2,
                        "skipped_count": 0, "pending_count": 0, "done": True}
    assert set(Application.objects.filter(pk__in=[first.pk, second.pk])
               .values_list("state", flat=True)) == {"approved"}
    page = client.get(done["Location"]).content.decode()
    assert "没有跳过的事项。" in page
    assert AuditEntry.objects.filter(action="application_approve").count() == 2


def test_a_bulk_rejection_of_ticked_rows_needs_its_reason(client, world):
    application = submit(world)
    client.force_login(world.reviewer)
    queue = client.get(reverse("vouchers:application_queue"))

    response = client.post(reverse("vouchers:application_bulk_review"), {
        "form_token": token(queue), "scope": "selected", "record_ids": [application.pk],
        "decision": "reject", "reason": ""}, follow=True)

    assert "驳回时必须填写原因" in response.content.decode()
    assert not BulkReview.objects.exists()


def test_the_progress_of_a_running_job_is_partial(client, world):
    submit(world)
    job = BulkReview.objects.create(
        kind="application", decision="approve", region=world.program.region,
        requested_by=world.reviewer, requested_at=timezone.now(), status="running",
        total_count=4)
    application = Application.objects.get()
    job.items.create(position=1, application=application, outcome="done")
    client.force_login(world.reviewer)

    progress = client.get(reverse("vouchers:bulk_review_progress", args=[job.pk])).json()
    page = client.get(reverse("vouchers:bulk_review_detail", args=[job.pk])).content.decode()

    assert (progress["progress"], progress["pending_count"], progress["done"]) == (25, 3, False)
    assert "data-progress-url" in page
    client.force_login(world.shanghai_reviewer)
    assert client.get(reverse("vouchers:bulk_review_progress",
                              args=[job.pk])).status_code == 404
