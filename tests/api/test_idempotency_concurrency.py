"""A duplicate sent while the first request is still running waits on the key's unique index,
then replays the first's committed answer, or runs anew if the first rolled back. Real
threads on PostgreSQL, each with its own connection."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.urls import path
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts import services
from accounts.api.idempotency import idempotent
from accounts.models import ApiToken
from devtools.factories.accounts import UserFactory
from tests.faults.servers import wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

ENTERED = threading.Event()
RELEASE = threading.Event()
FAIL_ONCE = threading.Event()


class SlowTokenApi(APIView):
    """Creates a token, then holds its transaction open until the test releases it."""

    @idempotent
    def post(self, request):
        token, _raw = services.api_token_create(actor=request.user, name="erp",
                                                now=timezone.now())
        ENTERED.set()
        RELEASE.wait(timeout=30)
        if FAIL_ONCE.is_set():
            FAIL_ONCE.clear()
            raise RuntimeError("the first request fails after its effect")
        return Response({"id": token.pk}, status=201)


urlpatterns = [path("slow/", SlowTokenApi.as_view())]


def _post_in_thread(client: APIClient, answers: list[Any]) -> threading.Thread:
    def run() -> None:
        try:
            answers.append(client.post("/slow/", {"name": "erp"}, format="json",
                                       HTTP_IDEMPOTENCY_KEY="same-key"))
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
        return cursor.fetchone()[0] >= 1


def _race(*, first_fails: bool) -> tuple[Any, Any]:
    ENTERED.clear()
    RELEASE.clear()
    if first_fails:
        FAIL_ONCE.set()
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(UserFactory())
    first: list[Any] = []
    second: list[Any] = []
    # Given a first request inside its transaction, its effect written but not committed
    first_thread = _post_in_thread(client, first)
    wait_until(ENTERED.is_set, timeout=30, what="first request running")
    # When a duplicate (same key, same body) arrives and waits on the key
    second_thread = _post_in_thread(client, second)
    wait_until(_waiting_on_a_lock, timeout=30, what="duplicate waiting on the key")
    RELEASE.set()
    first_thread.join(timeout=30)
    second_thread.join(timeout=30)
    return first[0], second[0]


@pytest.mark.urls(__name__)
def test_a_duplicate_waits_for_the_first_then_replays_its_answer():
    first, second = _race(first_fails=False)

    # Then it replays the first's committed answer: one token
    token = ApiToken.objects.get()
    assert (first.status_code, first.json()) == (201, {"id": token.pk})
    assert (second.status_code, second.json()) == (201, {"id": token.pk})
    assert second["Idempotent-Replayed"] == "true"


@pytest.mark.urls(__name__)
def test_a_duplicate_of_a_request_that_rolled_back_runs_anew():
    first, second = _race(first_fails=True)

    # Then the first's effect is gone and the duplicate made its own
    token = ApiToken.objects.get()
    assert first.status_code == 500
    assert (second.status_code, second.json()) == (201, {"id": token.pk})
    assert "Idempotent-Replayed" not in second
