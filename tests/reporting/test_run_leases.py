"""Report runs' leases and the sweep's decisions, each at an explicit `now`.

The broker is replaced by a recorder (or by one that refuses), so each test sees exactly which
runs the sweep sent; the live-worker test at the end uses the real broker.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from celery import current_app
from django.core.management import call_command
from django.utils import translation
from kombu.exceptions import OperationalError as BrokerUnavailable

from accounts.models import AuditEntry
from devtools.factories.vouchers import TZ
from reporting.models import ReportFile, ReportRun
from reporting.services import leases, recovery, runs
from reporting.services.dispatch import EXECUTE_TASK

NOW = datetime(2025, 2, 1, 10, 0, tzinfo=TZ)
LEASE = timedelta(seconds=120)  # the default REPORT_RUN_LEASE_SECONDS
Status = ReportRun.Status


class Broker:
    """Stands in for the broker: records what was sent, or refuses while `down`."""

    def __init__(self) -> None:
        self.sent: list[int] = []
        self.down = False

    def apply_async(self, *, kwargs: dict[str, int]) -> None:
        if self.down:
            raise BrokerUnavailable("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.sent.append(kwargs["run_id"])


@pytest.fixture
def broker(monkeypatch) -> Broker:
    fake = Broker()
    monkeypatch.setattr(current_app.tasks[EXECUTE_TASK], "apply_async", fake.apply_async)
    return fake


def make_run(*, status: str = Status.QUEUED, attempts: int = 0, holder: str = "",
             lease_expires_at: datetime | None = None,
             dispatched_at: datetime | None = None) -> ReportRun:
    return ReportRun.objects.create(
        kind=ReportRun.Kind.ANNUAL_TOTALS, parameters={"year": 2024}, data_version="v",
        fingerprint=f"run-{ReportRun.objects.count()}", status=status, attempts=attempts,
        lease_holder=holder, lease_expires_at=lease_expires_at, dispatched_at=dispatched_at,
        requested_at=NOW - timedelta(minutes=10),
    )


def annual_request(now: datetime = NOW) -> ReportRun:
    return runs.report_request(actor=None, kind=ReportRun.Kind.ANNUAL_TOTALS, region=None,
                               parameters={"year": 2024}, now=now)


# The lease


def test_a_live_lease_is_never_taken_and_an_expired_one_is(db):
    # Given a run a worker holds until NOW + 2 min
    run = make_run(status=Status.RUNNING, attempts=1, holder="task-a",
                   lease_expires_at=NOW + LEASE)
    # When another process tries before and after that
    before = leases.report_run_claim(run_id=run.pk, holder="task-b", worker="w2", now=NOW)
    after = leases.report_run_claim(run_id=run.pk, holder="task-b", worker="w2",
                                    now=NOW + LEASE)
    # Then only the second claim succeeds, and it counts as an attempt
    run.refresh_from_db()
    assert (before, after) == (False, True)
    assert (run.lease_holder, run.worker, run.attempts) == ("task-b", "w2", 2)
    assert run.lease_expires_at == NOW + 2 * LEASE


def test_the_same_task_retried_resumes_its_own_lease(db):
    run = make_run(status=Status.RUNNING, attempts=1, holder="task-a",
                   lease_expires_at=NOW + LEASE)
    assert leases.report_run_claim(run_id=run.pk, holder="task-a", worker="w", now=NOW)
    run.refresh_from_db()
    assert run.attempts == 2


def test_a_run_whose_attempts_are_used_up_is_not_claimed(db):
    run = make_run(status=Status.RUNNING, attempts=3, holder="task-a", lease_expires_at=NOW)
    assert not leases.report_run_claim(run_id=run.pk, holder="task-b", worker="w",
                                       now=NOW + LEASE)
    run.refresh_from_db()
    assert (run.lease_holder, run.attempts) == ("task-a", 3)


def test_a_run_taken_over_meanwhile_writes_nothing(year, monkeypatch):
    # Given a run whose lease passes to another process while this one computes
    run = make_run()
    real_compute = runs.annual_totals_compute

    def taken_over(**kwargs):
        ReportRun.objects.filter(pk=run.pk).update(lease_holder="task-b")
        return real_compute(**kwargs)

    monkeypatch.setattr(runs, "annual_totals_compute", taken_over)
    # When this process reports progress, Then it stops, and no file or result is recorded
    with pytest.raises(leases.LeaseLost):
        runs.report_run_execute(run_id=run.pk, now=NOW, holder="task-a")
    run.refresh_from_db()
    assert (run.status, run.lease_holder, run.result) == ("running", "task-b", None)
    assert not ReportFile.objects.filter(run=run).exists()


def test_a_succeeded_run_has_one_audit_line_and_no_lease(year):
    run = runs.report_run_execute(run_id=make_run().pk, now=NOW, holder="task-a")
    assert (run.status, run.attempts, run.lease_expires_at) == ("succeeded", 1, None)
    assert AuditEntry.objects.filter(action="report_run_succeed",
                                     object_id=str(run.pk)).count() == 1


# The sweep


def test_the_sweep_requeues_a_run_whose_lease_expired_and_sends_it(db, broker):
    # Given a worker died holding a run (lease expired at NOW)
    run = make_run(status=Status.RUNNING, attempts=1, holder="task-a", lease_expires_at=NOW,
                   dispatched_at=NOW - LEASE)
    # When the sweep runs at NOW
    outcome = recovery.report_runs_recover(now=NOW)
    # Then the run is queued again, sent once, and the requeue is audited
    run.refresh_from_db()
    assert (outcome.requeued, outcome.dispatched, broker.sent) == ([run.pk], [run.pk], [run.pk])
    assert (run.status, run.lease_holder, run.dispatched_at, run.attempts) == (
        "queued", "", NOW, 1)
    entry = AuditEntry.objects.get(action="report_run_requeue")
    assert (entry.before["attempts"], entry.after) == (1, {"status": "queued"})


def test_the_sweep_leaves_a_live_lease_and_a_recent_message_alone(db, broker):
    make_run(status=Status.RUNNING, attempts=1, holder="task-a",
             lease_expires_at=NOW + timedelta(seconds=1))
    make_run(dispatched_at=NOW - timedelta(seconds=119))
    outcome = recovery.report_runs_recover(now=NOW)
    assert (outcome.requeued, outcome.failed, outcome.dispatched, broker.sent) == (
        [], [], [], [])


def test_the_sweep_resends_a_queued_run_with_no_or_an_old_message(db, broker):
    never_sent = make_run()
    lost = make_run(dispatched_at=NOW - timedelta(seconds=120))
    outcome = recovery.report_runs_recover(now=NOW)
    assert outcome.dispatched == broker.sent == [never_sent.pk, lost.pk]
    assert set(ReportRun.objects.values_list("dispatched_at", flat=True)) == {NOW}


def test_the_sweep_fails_a_run_after_its_last_attempt_with_a_reason(db, broker):
    # Given a run whose third attempt's worker died too
    run = make_run(status=Status.RUNNING, attempts=3, holder="task-c", lease_expires_at=NOW)
    # When the sweep runs
    outcome = recovery.report_runs_recover(now=NOW + timedelta(seconds=1))
    # Then it is failed, with the reason in Chinese (English for an English reader), audited
    run.refresh_from_db()
    assert (outcome.failed, broker.sent) == ([run.pk], [])
    assert run.status == "failed"
    assert run.error == "多次尝试后仍未完成（执行进程中断或数据库不可用），已停止重试；可重新申请"
    assert run.error_display == run.error
    with translation.override("en"):
        assert run.error_display.startswith("Not finished after several attempts")
    entry = AuditEntry.objects.get(action="report_run_fail", object_id=str(run.pk))
    assert (entry.reason, entry.before["attempts"]) == (run.error, 3)


def test_asking_again_after_failure_is_a_new_request_with_fresh_attempts(year, broker):
    first = annual_request()
    ReportRun.objects.filter(pk=first.pk).update(status=Status.FAILED, attempts=3,
                                                 error=recovery.ATTEMPTS_USED_UP)
    again = annual_request(NOW + timedelta(hours=1))
    assert again.pk == first.pk
    assert (again.status, again.attempts, again.error) == ("queued", 0, "")


def test_a_request_while_the_broker_is_down_is_kept_for_the_sweep(
    year, broker, django_capture_on_commit_callbacks
):
    # Given the broker refuses connections
    broker.down = True
    # When a report is asked for, Then it is accepted as queued and marked not sent
    with django_capture_on_commit_callbacks(execute=True):
        run = annual_request()
    run.refresh_from_db()
    assert (run.status, run.dispatched_at) == ("queued", None)
    # While the broker stays down the sweep keeps it; once it is back the sweep sends it
    assert recovery.report_runs_recover(now=NOW).undispatched == [run.pk]
    broker.down = False
    later = NOW + timedelta(minutes=1)
    assert recovery.report_runs_recover(now=later).dispatched == [run.pk]
    run.refresh_from_db()
    assert (run.status, run.dispatched_at, broker.sent) == ("queued", later, [run.pk])


def test_the_beat_schedule_runs_the_sweep_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reporting-recover-runs"]
    assert (entry["task"], entry["schedule"]) == ("reporting.tasks.recover_report_runs", 60.0)
    assert "reporting.tasks.recover_report_runs" in current_app.tasks


# Commands beside a worker


def test_a_worker_that_receives_a_run_a_command_holds_does_nothing(year):
    from reporting import tasks

    run = make_run(status=Status.RUNNING, attempts=1, holder="command:x",
                   lease_expires_at=datetime.now(tz=TZ) + LEASE)
    outcome = tasks.execute_report_run.apply(kwargs={"run_id": run.pk})
    run.refresh_from_db()
    assert (outcome.result, run.status, run.lease_holder, run.attempts) == (
        "running", "running", "command:x", 1)


def test_a_command_beside_a_live_worker_writes_its_file_once(live_celery_worker, tmp_path,
                                                             capsys):
    from bench.year_seed import build_year

    build_year()
    # Given the same report asked for on the web (a message for the worker) just before
    web_run = annual_request(datetime.now(tz=TZ))
    # When the command asks for it too
    output = tmp_path / "annual.csv"
    call_command("annual_report", year=2024, format="csv", output=str(output))
    # Then it exits normally with its file written, computed once by whoever held the lease
    printed = capsys.readouterr().out
    run = ReportRun.objects.get()
    assert run.pk == web_run.pk
    assert (run.status, run.attempts) == ("succeeded", 1)
    assert output.read_bytes().startswith("\ufeff报表".encode())
    assert printed.startswith(f"run {run.pk}: wrote {output}")
    assert all(path in printed for path in
               [f.file.path for f in run.files.all()])
    assert AuditEntry.objects.filter(action="report_run_succeed").count() == 1


# What the user sees with the broker down


def test_the_page_and_the_api_accept_a_request_while_the_broker_is_down(
    year, broker, client, django_capture_on_commit_callbacks
):
    from rest_framework.test import APIClient

    from devtools.factories.vouchers import authority

    # Given the broker refuses connections
    broker.down = True
    # When a report is asked for on the page, Then it redirects to the run, shown as queued
    client.force_login(authority("JS"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/annual/", {"year": 2024})
    run = ReportRun.objects.get()
    assert response.url == f"/reports/runs/{run.pk}/"
    assert client.get(f"/reports/runs/{run.pk}/progress.json").json() == {
        "id": run.pk, "status": "queued", "progress": 0, "error": "", "done": False}
    # And the API answers 202 with the queued run (another report: a run of its own)
    api = APIClient()
    api.force_authenticate(authority("JS"))
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/reports/", {"kind": "annual_totals", "year": 2023},
                            format="json", HTTP_IDEMPOTENCY_KEY="broker-down")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    assert list(ReportRun.objects.values_list("dispatched_at", flat=True)) == [None, None]
    assert broker.sent == []


def test_a_failed_run_shows_its_reason_in_the_readers_language(year, client):
    from devtools.factories.vouchers import authority

    run = runs.report_request(actor=None, kind=ReportRun.Kind.ANNUAL_TOTALS,
                              region=authority("JS").organisation.region,
                              parameters={"year": 2024}, now=NOW)
    ReportRun.objects.filter(pk=run.pk).update(status=Status.FAILED,
                                               error=recovery.ATTEMPTS_USED_UP)
    client.force_login(authority("JS"))
    page = client.get(f"/reports/runs/{run.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Not finished after several attempts" in page.content.decode()


def test_the_heartbeat_renews_the_lease_during_a_long_step(transactional_db, settings,
                                                          monkeypatch):
    from bench.year_seed import build_year

    build_year()
    # Given a lease of 0.4 s (heartbeat every 0.1 s) and a step that takes 0.6 s with no
    # progress reported
    settings.REPORT_RUN_LEASE_SECONDS = 0.4
    run = make_run()
    seen = {}
    real_compute = runs.annual_totals_compute

    def long_step(**kwargs):
        time.sleep(0.6)
        seen["row"] = ReportRun.objects.values("heartbeat_at", "lease_expires_at").get(pk=run.pk)
        return real_compute(**kwargs)

    monkeypatch.setattr(runs, "annual_totals_compute", long_step)
    # When it runs, Then the heartbeat thread kept the lease ahead of the step's end
    run = runs.report_run_execute(run_id=run.pk, now=NOW, holder="task-a")
    assert run.status == "succeeded"
    assert seen["row"]["heartbeat_at"] >= NOW + timedelta(seconds=0.3)
    assert seen["row"]["lease_expires_at"] >= NOW + timedelta(seconds=0.7)
