"""Requests under faults: a worker killed between commit and response, PostgreSQL stopped
during a burst of orders, Redis (cache and broker) down. Real gunicorn on the private
cluster and a private Redis; the demo's Jiangsu enterprise orders from a Shanghai institution.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.faults.conftest import FAULTS_DATABASE
from tests.faults.exit_middleware import EXIT_HEADER
from tests.faults.servers import (
    PrivatePostgres,
    PrivateRedis,
    Process,
    free_port,
    manage,
    stack_environment,
    wait_until,
    web_server,
)

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

ORDER_PATH = "/api/v1/orders/place/"
FEE_FEN = 100_00  # under the demo's small-order threshold: the voucher pays it all

# Run in the private database: a token for js_enterprise, its active voucher, and the
# Shanghai demo institution (whose catalogue the demo fills for Jiangsu's enterprise).
DEMO_PARTIES = """
import json
from django.utils import timezone
from accounts.models import User
from accounts.services import api_token_create
from vouchers.models import Voucher
enterprise = User.objects.get(username="js_enterprise")
voucher = Voucher.objects.filter(enterprise=enterprise.organisation, state="active").latest("pk")
institution = User.objects.get(username="sh_institution").organisation
_token, raw = api_token_create(actor=enterprise, name="faults-requests", now=timezone.now())
print(json.dumps({"token": raw, "voucher_id": voucher.pk, "institution_id": institution.pk}))
"""


@dataclass(frozen=True)
class Demo:
    token: str
    voucher_id: int
    institution_id: int


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    retry_after: str | None
    replayed: str | None
    body: Any


@dataclass
class Site:
    port: int
    process: Process
    demo: Demo

    def place_order(self, contract: str, *, key: str, exit_after_commit: bool = False
                    ) -> Answer:
        headers = {"Authorization": f"Token {self.demo.token}",
                   "Content-Type": "application/json", "Idempotency-Key": key}
        if exit_after_commit:
            headers[EXIT_HEADER] = "1"
        body = {"voucher_id": self.demo.voucher_id, "institution_id": self.demo.institution_id,
                "category": "testing", "contract_number": contract, "total_fee_fen": FEE_FEN}
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("POST", ORDER_PATH, body=json.dumps(body), headers=headers)
            response = connection.getresponse()
            content = response.read()
            content_type = response.getheader("Content-Type", "")
            return Answer(
                status=response.status, content_type=content_type,
                retry_after=response.getheader("Retry-After"),
                replayed=response.getheader("Idempotent-Replayed"),
                body=json.loads(content) if "json" in content_type else content.decode(),
            )
        finally:
            connection.close()


@pytest.fixture(scope="module")
def demo(migrated_database: str, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    environment = stack_environment(database_url=migrated_database, redis=PrivateRedis(),
                                    var_dir=tmp_path_factory.mktemp("requests-setup"))
    output = manage("shell", "-c", DEMO_PARTIES, env=environment)
    return Demo(**json.loads(output.strip().splitlines()[-1]))


def _site(*, database_url: str, redis: PrivateRedis, var_dir: Path, demo: Demo,
          workers: int, write_rate: str) -> Site:
    environment = stack_environment(
        database_url=database_url, redis=redis, var_dir=var_dir,
        DJANGO_SETTINGS_MODULE="tests.faults.settings_requests", API_WRITE_RATE=write_rate,
    )
    port = free_port()
    process = web_server(env=environment, log=var_dir / "gunicorn.log", port=port,
                         workers=workers)
    return Site(port=port, process=process, demo=demo)


@pytest.fixture
def site(migrated_database: str, private_redis: PrivateRedis, var_dir: Path, demo: Demo
         ) -> Iterator[Site]:
    running = _site(database_url=migrated_database, redis=private_redis, var_dir=var_dir,
                    demo=demo, workers=2, write_rate="100000/min")
    try:
        yield running
    finally:
        running.process.kill()


def _orders(postgres: PrivatePostgres, contract_like: str) -> list[tuple[str, int]]:
    query = "SELECT contract_number, id FROM vouchers_serviceorder WHERE contract_number LIKE"
    rows = postgres.psql(f"{query} '{contract_like}' ORDER BY id",
                         database=FAULTS_DATABASE)
    return [(line.split("|")[0], int(line.split("|")[1])) for line in rows.splitlines()]


def _ledger_clean(migrated_database: str, var_dir: Path) -> str:
    environment = stack_environment(database_url=migrated_database, redis=PrivateRedis(),
                                    var_dir=var_dir)
    return manage("ledger_verify", env=environment)


def test_a_request_killed_between_commit_and_response_is_replayed_by_its_retry(
    site: Site, private_postgres: PrivatePostgres
):
    # Given an order whose worker dies right after the order committed: no answer at all
    with pytest.raises((ConnectionError, http.client.HTTPException)):
        site.place_order("KILLED-1", key="killed-1", exit_after_commit=True)

    # When the client retries with the same Idempotency-Key (another worker answers)
    retry = site.place_order("KILLED-1", key="killed-1")

    # Then it gets the committed order, replayed, and the order exists once
    placed = _orders(private_postgres, "KILLED-1")
    assert len(placed) == 1
    assert (retry.status, retry.replayed) == (201, "true")
    assert retry.body["id"] == placed[0][1]
    assert retry.body["contract_number"] == "KILLED-1"
    stored = private_postgres.psql(
        "SELECT state, response_status, response_body->>'id' FROM accounts_idempotencyrecord "
        "WHERE key = 'killed-1'", database=FAULTS_DATABASE,
    )
    assert stored == f"done|201|{placed[0][1]}"


@dataclass
class Burst:
    """What the clients saw; each client retries each order with its key until it is placed."""

    stop: threading.Event = field(default_factory=threading.Event)
    placed: dict[str, int] = field(default_factory=dict)
    refusals: list[Answer] = field(default_factory=list)
    transport_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, site: Site, number: int, *, most: int) -> None:
        for order in range(most):
            if self.stop.is_set():
                return
            contract = f"BURST-{number}-{order}"
            while not self._place(site, contract):
                self.stop.wait(0.2)  # the client's back-off; Retry-After says 5 s

    def _place(self, site: Site, contract: str) -> bool:
        try:
            answer = site.place_order(contract, key=contract.lower())
        except (ConnectionError, http.client.HTTPException, TimeoutError) as error:
            with self.lock:
                self.transport_errors.append(repr(error))
            return False
        with self.lock:
            if answer.status == 201:
                self.placed[contract] = answer.body["id"]
                return True
            self.refusals.append(answer)
            return False

    def count(self) -> tuple[int, int]:
        with self.lock:
            return len(self.placed), len(self.refusals)


def test_orders_during_a_database_outage_get_503_then_each_is_placed_exactly_once(
    site: Site, private_postgres: PrivatePostgres, migrated_database: str, var_dir: Path
):
    # Given four clients placing orders, each retrying with its key until it succeeds
    burst = Burst()
    clients = [threading.Thread(target=burst.client, args=(site, number), kwargs={"most": 25})
               for number in range(4)]
    for client in clients:
        client.start()
    try:
        wait_until(lambda: burst.count()[0] >= 4, timeout=60, what="orders placed")
        # When PostgreSQL stops during the burst, and starts again
        private_postgres.stop()
        wait_until(lambda: burst.count()[1] >= 8, timeout=60, what="answers in the outage")
        placed_before = burst.count()[0]
        private_postgres.start()
        wait_until(lambda: burst.count()[0] >= placed_before + 4, timeout=60,
                   what="orders placed after the restart")
    finally:
        burst.stop.set()
        for client in clients:
            client.join(timeout=120)
        if not private_postgres.running:  # the session's other fault tests need it
            private_postgres.start()

    # Then every answer in the outage was a 503 problem document with Retry-After, never HTML
    assert not any(client.is_alive() for client in clients)
    assert burst.transport_errors == []
    assert {(answer.status, answer.content_type, answer.retry_after, answer.body["code"])
            for answer in burst.refusals} == {
        (503, "application/problem+json", "5", "service_unavailable")
    }
    # And each order exists exactly once, with the id its client was given
    placed = _orders(private_postgres, "BURST-%")
    assert sorted(placed) == sorted(burst.placed.items())
    assert len({contract for contract, _id in placed}) == len(placed)
    # And the ledger still balances
    assert "Ledger OK" in _ledger_clean(migrated_database, var_dir)


def test_with_redis_down_writes_go_on_and_the_throttle_counts_in_the_process(
    migrated_database: str, private_redis: PrivateRedis, var_dir: Path, demo: Demo,
    private_postgres: PrivatePostgres,
):
    # Given one web worker allowing 3 writes a minute, and Redis (cache and broker) stopped
    site = _site(database_url=migrated_database, redis=private_redis, var_dir=var_dir,
                 demo=demo, workers=1, write_rate="3/min")
    try:
        private_redis.stop()

        # When the enterprise places four orders
        answers = [site.place_order(f"NOREDIS-{n}", key=f"noredis-{n}") for n in range(4)]

        # Then three are placed, and the fourth is throttled by the worker's own count
        assert [answer.status for answer in answers] == [201, 201, 201, 429]
        throttled = answers[3]
        assert throttled.content_type == "application/problem+json"
        assert throttled.body["code"] == "throttled"
        assert int(throttled.retry_after or 0) > 0
        assert len(_orders(private_postgres, "NOREDIS-%")) == 3
        assert "throttle cache unavailable, counting in this process" in site.process.output()
    finally:
        site.process.kill()
