"""Locust users of benchmark 3, run headless by `bench/application_window.py`; not imported.

Each user takes the next enterprise from the job file (WINDOW_JOBS) and makes its two
dependent requests: submit the application with the enterprise's token, then approve it
with the reviewer's. Refusals the service is expected to give (409: over budget, budget
exhausted) count as answered requests, not failures; every outcome is written to
WINDOW_RESULTS when Locust quits, with the seconds from the first request to the last
outcome, for the parent to verify against the database. The last
user to finish stops the run, so it ends when every enterprise has been served.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import gevent
from locust import HttpUser, constant, events, task
from locust.exception import StopUser

JOBS = json.loads(Path(os.environ["WINDOW_JOBS"]).read_text())
WAITING = list(reversed(JOBS["tokens"]))
RESULTS: list[dict] = []
CLOCK: dict[str, float] = {}  # first request sent, last outcome in
EXPECTED = {201, 200, 409}


class Enterprise(HttpUser):
    wait_time = constant(0)

    @task
    def apply_and_be_approved(self) -> None:
        if not WAITING:
            raise StopUser
        token = WAITING.pop()
        CLOCK.setdefault("start", time.perf_counter())
        status, body = self._post(
            "/api/v1/applications/submit/",
            "submit",
            token,
            {
                "program_id": JOBS["program_id"],
                "amount_fen": JOBS["amount_fen"],
                "purpose": "检测新产品",
                "planned_categories": ["testing"],
            },
            f"{JOBS['run']}-submit-{token[-12:]}",
        )
        if status != 201:
            RESULTS.append({"submitted": False, "status": status, "code": f"submit {body}"})
        else:
            application = body["id"]
            status, code = self._post(
                f"/api/v1/applications/{application}/approve/",
                "approve",
                JOBS["reviewer"],
                {},
                f"{JOBS['run']}-approve-{application}",
            )
            RESULTS.append(
                {
                    "submitted": True,
                    "application": application,
                    "status": status,
                    "code": "" if 200 <= status < 300 else f"approve {code}",
                }
            )
        if len(RESULTS) == len(JOBS["tokens"]):
            CLOCK["end"] = time.perf_counter()
            gevent.spawn(self.environment.runner.quit)

    def _post(self, path: str, name: str, token: str, body: dict, key: str):
        """POST; returns (status, the new resource's JSON on 201, else the refusal's code)."""
        headers = {"Authorization": f"Token {token}", "Idempotency-Key": key}
        with self.client.post(
            path, json=body, headers=headers, name=name, catch_response=True
        ) as response:
            if response.status_code in EXPECTED:
                response.success()
            else:
                response.failure(f"unexpected {response.status_code}")
            try:
                payload = response.json()
            except ValueError:
                payload = {}
        if response.status_code == 201:
            return 201, payload
        return response.status_code, payload.get("code") or ""


@events.quitting.add_listener
def _write_results(environment, **_kwargs) -> None:
    seconds = CLOCK.get("end", 0.0) - CLOCK.get("start", 0.0)
    Path(os.environ["WINDOW_RESULTS"]).write_text(
        json.dumps({"outcomes": RESULTS, "seconds": seconds})
    )
