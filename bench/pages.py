"""Benchmark 6: two web pages at two sizes ten times apart, against the bare Django view.

The enterprise's voucher list (`/vouchers/`) and the reviewer's redemption queue with its
warnings (`/review/redemptions/`), each with a few rows and with ten times as many (a full
page of 20), rendered through Django's test client in this process, signed in. Floor: the bare
view of `bench/urls.py` (benchmark 4's), through the same client. Reported per page: its
queries, and the CPU time per request of this process (Python, templates, the driver; not
PostgreSQL's own time), as a ratio to the bare view.
"""

from __future__ import annotations

import logging
import tempfile
import time

from bench.common import Table

SIZES = (2, 20)
SMOKE_SIZES = (1, 10)
REQUESTS = 100  # per page and size; the bare view gets ten times as many
SMOKE_REQUESTS = 3
ROUNDS = 5
DATABASE_SAMPLES = 10
AMOUNT_FEN = 10_000_00


def _user(role: str, *, kind: str = "enterprise", region_code: str = "JS"):
    """A user of a new organisation, with an unusable password (hashing costs ~0.3 s)."""
    import factory

    from devtools.factories.accounts import OrganisationFactory, UserFactory
    from vouchers.models import InstitutionService

    organisation = OrganisationFactory(kind=kind, region_code=region_code)
    if kind == "institution":
        from devtools.factories.vouchers import category

        InstitutionService.objects.create(institution=organisation, category=category())
    return UserFactory(organisation=organisation, role=role,
                       password=factory.Transformer.Force("!"))


class _World:
    """A Jiangsu program of 2024 (the factories' clock), its reviewer and one enterprise."""

    def __init__(self) -> None:
        from devtools.factories import vouchers as build

        self.reviewer = _user("authority_reviewer", kind="authority")
        self.program = build.make_program(actor=self.reviewer, name="页面基准创新券")
        self.enterprise = _user("enterprise")

    def add_vouchers(self, count: int) -> None:
        from devtools.factories import vouchers as build

        for _ in range(count):
            build.issue_voucher(self.program, self.enterprise, AMOUNT_FEN,
                                reviewer=self.reviewer)

    def add_redemptions(self, count: int) -> None:
        """Requested redemptions, each of a new enterprise with a new Shanghai institution."""
        from devtools.factories import vouchers as build

        for _ in range(count):
            enterprise = _user("enterprise")
            institution = _user("institution", kind="institution", region_code="SH")
            voucher = build.issue_voucher(self.program, enterprise, AMOUNT_FEN,
                                          reviewer=self.reviewer)
            order = build.place_order(voucher, enterprise, institution.organisation)
            build.delivered_and_confirmed(order, institution, enterprise)
            build.request_redemption(order, institution)


def _measure(client, url: str, requests: int) -> dict:
    """Queries of one request; CPU and wall milliseconds per request, the best of ROUNDS
    rounds of `requests` / ROUNDS (the machine is shared: the least disturbed round is the
    page's cost); the database's milliseconds per request as the driver times them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: templates compiled, session and connection open
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    queries = len(context)  # now: later requests clear the connection's query log
    if response.status_code != 200:
        raise AssertionError(f"{url} answered {response.status_code}")
    database_ms = []
    for _ in range(DATABASE_SAMPLES):
        timer = _QueryTimer()
        with connection.execute_wrapper(timer):
            client.get(url)
        database_ms.append(1000 * timer.seconds)
    cpu_ms, wall_ms = [], []
    per_round = max(requests // ROUNDS, 1)
    for _ in range(ROUNDS):
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(per_round):
            client.get(url)
        cpu_ms.append(1000 * (time.process_time() - cpu) / per_round)
        wall_ms.append(1000 * (time.perf_counter() - wall) / per_round)
    return {
        "queries": queries,
        "cpu_ms": min(cpu_ms),
        "wall_ms": min(wall_ms),
        "database_ms": min(database_ms),
        "bytes": len(response.content),
    }


class _QueryTimer:
    """An execute wrapper adding up the time of each statement (sent, run, rows fetched)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def run(*, smoke: bool) -> list[Table]:
    from django.conf import settings
    from django.test import Client, override_settings

    sizes = SMOKE_SIZES if smoke else SIZES
    requests = SMOKE_REQUESTS if smoke else REQUESTS
    with tempfile.TemporaryDirectory() as media, override_settings(
        ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"], MEDIA_ROOT=media,
        # Unhashed static URLs: the bench runs no collectstatic (as the test settings).
        STORAGES={**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
    ):
        return [_table(sizes, requests, Client)]


def _table(sizes: tuple[int, int], requests: int, Client) -> Table:
    # One access line per request would flood the output (and cost the pages CPU).
    logging.getLogger("vouchers.access").setLevel(logging.WARNING)
    world = _World()
    table = Table(
        f"Pages (Django test client in-process, {requests} requests per cell, "
        f"{10 * requests} for the bare view)",
        ["page", "rows", "queries", "CPU ms/request", "CPU × bare view",
         "database ms/request", "wall ms/request", "KiB"],
    )
    enterprise, reviewer = Client(), Client()
    enterprise.force_login(world.enterprise)
    reviewer.force_login(world.reviewer)
    floor = _measure(Client(), "/bench/bare/", 10 * requests)
    table.rows.append(_row("bare Django view (floor)", "", floor, floor))
    shown = 0
    for size in sizes:
        world.add_vouchers(size - shown)
        world.add_redemptions(size - shown)
        shown = size
        vouchers = _measure(enterprise, "/vouchers/", requests)
        queue = _measure(reviewer, "/review/redemptions/", requests)
        table.rows.append(_row("/vouchers/ (enterprise)", size, vouchers, floor))
        table.rows.append(_row("/review/redemptions/ (reviewer)", size, queue, floor))
    table.notes = [
        "Both pages signed in (session, user, organisation and the header's unread count are "
        "part of every page); the queue reads its warnings for the whole page (eight "
        "queries, one per signal). Sizes are rows on the page; the larger is a full page.",
        "CPU: this process's user + system time per request (Python, templates, the "
        "driver), PostgreSQL's own time not included; the bare view is benchmark 4's floor "
        "(`bench/urls.py`) through the same client. CPU and wall: the best of "
        f"{ROUNDS} rounds. Database: the queries' time as the driver sees it (PostgreSQL's "
        f"planning and execution, the round trips), the least of {DATABASE_SAMPLES} requests.",
    ]
    return table


def _row(name: str, size: object, result: dict, floor: dict) -> list[object]:
    return [name, size, result["queries"], result["cpu_ms"],
            result["cpu_ms"] / floor["cpu_ms"] if floor["cpu_ms"] else float("nan"),
            result["database_ms"], result["wall_ms"], result["bytes"] / 1024]
