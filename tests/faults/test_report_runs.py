"""Report runs recover by themselves: a killed worker, the broker or the database going away.

Real worker processes (with beat, so the real `reporting-recover-runs` entry runs the sweep)
on a private Redis and a private PostgreSQL cluster, with short leases:
REPORT_RUN_LEASE_SECONDS=3, REPORT_RUN_SWEEP_SECONDS=1, REPORT_RUN_REDISPATCH_SECONDS=3.
Slowness and crashes come from the test-only hooks of tests/faults/hooks.py.
Each test asserts the end state read from the database within a bounded wait.
"""

from __future__ import annotations

import time

import pytest

pytestmark = [pytest.mark.faults, pytest.mark.postgres]


def test_a_worker_killed_mid_run_is_finished_by_another_worker_once(stack):
    # Given a worker computing a slow run, its lease renewed by heartbeats
    first = stack.worker("first", beat=False, FAULTS_REPORT_PROGRESS="sleep:60")
    run_id, _, _ = stack.request()
    stack.wait_for_status(run_id, "running", timeout=30)
    # When it is SIGKILLed and another worker (with beat: the sweep) starts
    first.kill()
    stack.worker("second")
    # Then the sweep requeues the run once its lease expired and the new worker finishes it
    stack.wait_for_status(run_id, "succeeded", timeout=45)
    assert stack.run(run_id) == ("succeeded", 2)
    assert stack.file_count(run_id) == 3
    assert stack.audit_count(run_id, "report_run_requeue") == 1
    assert stack.audit_count(run_id, "report_run_succeed") == 1


def test_a_request_while_the_broker_is_down_is_accepted_and_run_when_it_is_back(stack):
    # Given the broker is down
    stack.redis.stop()
    # When a report is asked for, Then the request is accepted quickly, the run queued
    run_id, status, seconds = stack.request()
    assert status == "queued"
    assert seconds < 5, f"the request waited {seconds} s for the broker"
    assert stack.column(run_id, "dispatched_at IS NULL") == "t"
    # And once the broker is back, the sweep sends it and a worker computes it
    stack.redis.start()
    stack.worker("worker")
    stack.wait_for_status(run_id, "succeeded", timeout=45)
    assert stack.run(run_id) == ("succeeded", 1)
    assert stack.audit_count(run_id, "report_run_succeed") == 1


def test_a_run_goes_on_while_the_broker_is_down(stack):
    # Given a worker computing a run (two steps of 2 s)
    worker = stack.worker("worker", FAULTS_REPORT_PROGRESS="sleep:2")
    run_id, _, _ = stack.request()
    stack.wait_for_status(run_id, "running", timeout=30)
    # When the broker goes away mid-run, Then the run still finishes: its state is the database's
    stack.redis.stop()
    stack.wait_for_status(run_id, "succeeded", timeout=30)
    # And with the broker back, the worker (or one started in its place) runs the next report
    stack.redis.start()
    if not worker.alive:  # the deployment's supervisor restarts it (docs/operations.md)
        stack.worker("restarted", FAULTS_REPORT_PROGRESS="sleep:2")
    next_id, _, _ = stack.request(year=2024)
    stack.wait_for_status(next_id, "succeeded", timeout=45)
    assert stack.run(run_id) == ("succeeded", 1)
    assert stack.audit_count(run_id, "report_run_succeed") == 1


def test_a_run_survives_the_database_going_away_and_coming_back(stack):
    # Given a worker computing a slow run
    stack.worker("worker", FAULTS_REPORT_PROGRESS="sleep:3")
    run_id, _, _ = stack.request()
    stack.wait_for_status(run_id, "running", timeout=30)
    # When the database stops for longer than the lease, then starts again
    stack.postgres.stop()
    time.sleep(5)  # the outage itself: nothing to wait for
    stack.postgres.start()
    # Then the run is finished once (by the retried task or after the sweep requeued it)
    stack.wait_for_status(run_id, "succeeded", timeout=60)
    _, attempts = stack.run(run_id)
    assert attempts in (2, 3), attempts  # the cut-off attempt, then one that finished
    assert stack.file_count(run_id) == 3
    assert stack.audit_count(run_id, "report_run_succeed") == 1


def test_a_run_that_keeps_crashing_fails_with_a_reason_and_asking_again_retries(stack):
    # Given every attempt kills its worker process at the first step
    worker = stack.worker("crashing", FAULTS_REPORT_PROGRESS="exit")
    run_id, _, _ = stack.request()
    # Then after three attempts the sweep fails it with the reason
    stack.wait_for_status(run_id, "failed", timeout=60)
    assert stack.run(run_id) == ("failed", 3)
    assert stack.column(run_id, "error") == (
        "多次尝试后仍未完成（执行进程中断或数据库不可用），已停止重试；可重新申请")
    assert stack.audit_count(run_id, "report_run_fail") == 1
    # When the fault is gone and the report is asked for again, Then a new attempt succeeds
    worker.kill()
    stack.worker("healthy")
    again_id, status, _ = stack.request()
    assert (again_id, status) == (run_id, "queued")
    stack.wait_for_status(run_id, "succeeded", timeout=45)
    assert stack.run(run_id) == ("succeeded", 1)
