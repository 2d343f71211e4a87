"""Queues by job kind (issue 23, config/settings/base.py): every task has its kind's queue,
every queue has exactly one deployed worker, and a worker started without -Q takes them all."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from config.celery import app

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
EXPECTED_QUEUE = {
    "vouchers.ledger.tasks.void_expired_pending_transfers": "money",
    "vouchers.tasks.expire_due_vouchers": "money",
    "vouchers.tasks.lapse_due_orders": "money",
    "vouchers.tasks.execute_bulk_review": "money",
    "vouchers.tasks.recover_bulk_reviews": "money",
    "reporting.tasks.execute_report_run": "reports",
    "reporting.tasks.recover_report_runs": "reports",
    "reporting.tasks.schedule_nightly_reports": "reports",
    "vouchers.tasks.refresh_institution_record": "reports",
    "vouchers.tasks.refresh_institution_records": "reports",
    "accounts.tasks.send_notification_emails": "notifications",
    "vouchers.tasks.send_deadline_reminders": "notifications",
    "accounts.tasks.conclude_due_notices": "default",
    "accounts.tasks.purge_idempotency_keys": "default",
    "accounts.tasks.ping": "default",
    "vouchers.tasks.draw_due_spot_checks": "default",
}


def queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def our_tasks() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if name.split(".")[0] in {"accounts", "vouchers",
                                                                  "reporting"}}


def worker_units() -> dict[str, set[str]]:
    """Each worker unit's queues, from its ExecStart's -Q."""
    consumed = {}
    for unit in sorted(UNITS.glob("vouchers-worker-*.service")):
        exec_start = next(line for line in unit.read_text().splitlines()
                          if line.startswith("ExecStart="))
        if " worker " not in exec_start:
            continue  # the health check and restart templates
        (queues,) = re.findall(r" -Q (\S+)", exec_start)
        consumed[unit.name] = set(queues.split(","))
    return consumed


def test_every_task_of_the_apps_goes_to_its_kinds_queue():
    assert our_tasks() == set(EXPECTED_QUEUE)
    assert {name: queue_of(name) for name in EXPECTED_QUEUE} == EXPECTED_QUEUE


def test_every_periodic_job_is_a_known_task_on_a_queue_a_worker_takes():
    consumed = set().union(*worker_units().values())
    for entry, job in settings.CELERY_BEAT_SCHEDULE.items():
        assert job["task"] in EXPECTED_QUEUE, entry
        assert queue_of(job["task"]) in consumed, entry


def test_each_queue_has_exactly_one_deployed_worker():
    units = worker_units()
    assert set(units) == {"vouchers-worker-money.service", "vouchers-worker-reports.service",
                          "vouchers-worker-notifications.service"}
    queues = [queue for consumed in units.values() for queue in consumed]
    assert sorted(queues) == sorted(queue.name for queue in settings.CELERY_TASK_QUEUES)
    for name in units:  # the worker's node name is its queue
        assert f"-n {name.removeprefix('vouchers-worker-').removesuffix('.service')}@%H" in (
            UNITS / name).read_text()


def test_a_worker_started_without_queues_takes_every_queue(live_celery_worker):
    from accounts.tasks import ping
    from vouchers.tasks import expire_due_vouchers

    assert expire_due_vouchers.delay().get(timeout=30) == 0  # the money queue
    assert ping.apply_async(kwargs={"value": "q"}).get(timeout=30) == "pong:q"  # default
