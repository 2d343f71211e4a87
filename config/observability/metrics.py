"""Prometheus metrics (prometheus-client): HTTP requests, Celery task outcomes, and, read at
scrape time, report runs by state and ledger transfers by phase.

With several gunicorn workers (and a Celery worker on the same host) set
PROMETHEUS_MULTIPROC_DIR to one folder for all of them, emptied at boot: each process writes
its counters there and /metrics adds them up (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)
disable_created_metrics()  # no `_created` series beside every counter

HTTP_REQUESTS = Counter(
    "vouchers_http_requests", "HTTP requests answered, by view, method and status.",
    ["view", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "vouchers_http_request_duration_seconds", "Time to answer a request, by view and method.",
    ["view", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
CELERY_TASKS = Counter(
    "vouchers_celery_tasks", "Celery task outcomes (success, failure, retry), by task.",
    ["task", "outcome"],
)


def observe_request(*, view: str, method: str, status: int, duration_seconds: float) -> None:
    HTTP_REQUESTS.labels(view=view, method=method, status=str(status)).inc()
    HTTP_LATENCY.labels(view=view, method=method).observe(duration_seconds)


def observe_task(*, task: str, outcome: str) -> None:
    CELERY_TASKS.labels(task=task, outcome=outcome).inc()


class DatabaseCollector(Collector):
    """Counts read from the database at each scrape (two grouped queries)."""

    def collect(self) -> Iterator[Metric]:
        from config.observability.checks import ledger_transfer_counts, report_run_counts

        up = GaugeMetricFamily("vouchers_metrics_database_up", "1 if the counts below were read.")
        try:
            runs, transfers = report_run_counts(), ledger_transfer_counts()
        except Exception:
            logger.warning("metrics: the database counts could not be read", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        report_runs = GaugeMetricFamily(
            "vouchers_report_runs", "Report runs by kind and state.", labels=["kind", "state"]
        )
        for kind, state, count in runs:
            report_runs.add_metric([kind, state], count)
        yield report_runs
        ledger = CounterMetricFamily(
            "vouchers_ledger_transfers", "Ledger journal lines by phase.", labels=["phase"]
        )
        for phase, count in transfers:
            ledger.add_metric([phase], count)
        yield ledger


def scrape_registry() -> CollectorRegistry:
    if settings.PROMETHEUS_MULTIPROC_DIR:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_ProcessRegistry())
    registry.register(DatabaseCollector())
    return registry


class _ProcessRegistry(Collector):
    # This process's own metrics (a single process: runserver, one gunicorn worker, tests).
    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def metrics_access_allowed(request: HttpRequest) -> bool:
    """A bearer METRICS_TOKEN, or a direct request from METRICS_ALLOWED_NETWORKS.

    A request carrying a forwarding header came through the proxy: its loopback address is
    the proxy's, not the client's, so only the token lets it in.
    """
    token = settings.METRICS_TOKEN
    authorization = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode()):
        return True
    if any(header in request.headers for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP")):
        return False
    return _address_allowed(request.META.get("REMOTE_ADDR", ""))


def _address_allowed(address: str) -> bool:
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    networks: list[Any] = [
        ipaddress.ip_network(network, strict=False)
        for network in settings.METRICS_ALLOWED_NETWORKS
    ]
    return any(client.version == network.version and client in network for network in networks)


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not metrics_access_allowed(request):
        return HttpResponse("metrics: not from here", status=403, content_type="text/plain")
    return HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
