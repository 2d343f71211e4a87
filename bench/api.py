"""Benchmark 4: the REST API under gunicorn (4 workers) with wrk, against a bare Django view.

Reads: GET /api/v1/vouchers/ as an enterprise (token auth). Writes: POST
/api/v1/orders/place/ (wrk Lua script: a random enterprise of 20 with its voucher, a new
contract number and Idempotency-Key per request). Floor: /bench/bare/, a plain Django view
returning a small JSON document through the same middleware (`bench/urls.py`).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from bench.common import Table
from bench.serving import WORKERS, gunicorn, server_cpu_seconds, wrk

ENTERPRISES = 20
# The server's cache, as in production (docs/operations.md): a shared Redis, which also
# lets API tokens be cached (accounts/api/token_cache.py).
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "rediscache://127.0.0.1:6379/10")
CONNECTIONS = 8
WARM_UP_SECONDS = 2

POST_SCRIPT = """
local tokens = {%(tokens)s}
local vouchers = {%(vouchers)s}
local counter = 0
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function request()
  counter = counter + 1
  local i = math.random(#tokens)
  local key = string.format("%(run)s-%%d-%%d", tid, counter)
  local body = string.format(
    '{"voucher_id": %%d, "institution_id": %(institution)d, "category": "testing", ' ..
    '"contract_number": "%%s", "total_fee_fen": 200}', vouchers[i], key)
  return wrk.format("POST", "/api/v1/orders/place/", {
    ["Authorization"] = "Token " .. tokens[i],
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = key,
  }, body)
end
"""
GET_SCRIPT = """
wrk.headers["Authorization"] = "Token %(token)s"
"""


def _prepare(enterprises: int) -> dict:
    from bench import fixtures
    from devtools.factories import vouchers as build

    program = fixtures.open_program(name="API 基准创新券", budget_fen=10**12, cap_fen=10**10)
    approver = fixtures.reviewer()
    institution = build.institution_user("SH").organisation
    people = fixtures.enterprises(enterprises)
    issued = [fixtures.issue(program, user, 10**9, approver) for user, _token in people]
    return {
        "tokens": [token for _user, token in people],
        "vouchers": [voucher.pk for voucher in issued],
        "institution": institution.pk,
    }


def _script(directory: str, name: str, text: str) -> Path:
    path = Path(directory) / name
    path.write_text(text)
    return path


def _measured(base: str, url: str, *, seconds: int, script: Path | None = None) -> dict:
    """wrk's figures, plus the CPU time gunicorn's processes spent per request meanwhile."""
    cpu_before = server_cpu_seconds(base)
    result = wrk(url, seconds=seconds, connections=CONNECTIONS, script=script)
    cpu = server_cpu_seconds(base) - cpu_before
    return {**result, "cpu_ms": 1000 * cpu / max(result["requests"], 1)}


def run(*, smoke: bool) -> list[Table]:
    from vouchers.models import ServiceOrder

    seconds = 1 if smoke else 10
    data = _prepare(3 if smoke else ENTERPRISES)
    tokens = ", ".join(f'"{token}"' for token in data["tokens"])
    vouchers = ", ".join(str(pk) for pk in data["vouchers"])
    table = Table(
        f"API under gunicorn ({WORKERS} sync workers, wrk -t2 -c{CONNECTIONS}, {seconds} s each)",
        [
            "request",
            "requests/s",
            "p50 ms",
            "p99 ms",
            "non-2xx",
            "ratio to floor",
            "gunicorn CPU ms/request",
            "CPU ratio to floor",
        ],
    )
    with tempfile.TemporaryDirectory() as directory, gunicorn(
        {"CACHE_URL": CACHE_URL}
    ) as base:
        get = _script(directory, "get.lua", GET_SCRIPT % {"token": data["tokens"][0]})
        post = _script(
            directory,
            "post.lua",
            POST_SCRIPT
            % {
                "tokens": tokens,
                "vouchers": vouchers,
                "institution": data["institution"],
                "run": f"wrk{time.time_ns()}",
            },
        )
        # Every worker imports the URLconf and opens its connection on its first requests.
        wrk(f"{base}/bench/bare/", seconds=WARM_UP_SECONDS, connections=CONNECTIONS)
        wrk(
            f"{base}/api/v1/vouchers/", seconds=WARM_UP_SECONDS, connections=CONNECTIONS, script=get
        )
        orders_before = ServiceOrder.objects.count()
        floor = _measured(base, f"{base}/bench/bare/", seconds=seconds)
        reads = _measured(base, f"{base}/api/v1/vouchers/", seconds=seconds, script=get)
        writes = _measured(base, base, seconds=seconds, script=post)
        placed = ServiceOrder.objects.count() - orders_before
    for name, result in (
        ("bare Django view (floor)", floor),
        ("GET /api/v1/vouchers/ (enterprise)", reads),
        ("POST /api/v1/orders/place/", writes),
    ):
        table.rows.append(
            [
                name,
                result["rps"],
                result["p50"],
                result["p99"],
                result["errors"],
                result["rps"] / floor["rps"],
                result["cpu_ms"],
                # A short smoke run on a busy machine can see no whole clock tick.
                floor["cpu_ms"] / result["cpu_ms"] if result["cpu_ms"] else float("nan"),
            ]
        )
    if writes["requests"] - writes["errors"] > placed:
        raise AssertionError(f"{placed} orders in the database for {writes['requests']} POSTs")
    table.notes = [
        f"Orders placed during the POST run: {placed:,} (each a durable transaction with its "
        "ledger hold and audit row); the write throttle is lifted for the bench "
        "(API_WRITE_RATE).",
        f"{ENTERPRISES} enterprises with one voucher each; settings `bench.settings` (base "
        "settings plus `bench/urls.py`); gunicorn and wrk share the 2 cores. Goal: reads >= "
        "0.3 of the floor.",
        f"Each worker is warmed up first ({WARM_UP_SECONDS} s of each GET, not counted). "
        "gunicorn CPU: user + system time of the master and workers during the run, per "
        "request (PostgreSQL's own time not included); on a shared machine it varies less "
        "than requests/s.",
    ]
    return [table]
