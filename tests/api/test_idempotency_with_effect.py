"""Idempotency completes with the effect: the key, the service's writes and the stored
response commit together, or roll back together."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import path
from django.utils import timezone
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts import services
from accounts.api.idempotency import idempotent
from accounts.models import ApiToken, IdempotencyRecord
from accounts.transactions import request_transaction, service_transaction
from devtools.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


class TokenApi(APIView):
    """A test-only writer over a real service; fails after the effect when asked to."""

    class TokenInputSerializer(serializers.Serializer):
        name = serializers.CharField(allow_blank=True)
        fail_after = serializers.BooleanField(default=False)

    @idempotent
    def post(self, request):
        data = self.TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, _raw = services.api_token_create(
            actor=request.user, name=data.validated_data["name"], now=timezone.now()
        )
        if data.validated_data["fail_after"]:
            raise RuntimeError("the worker dies before answering")
        return Response({"id": token.pk, "name": token.name}, status=201)


urlpatterns = [path("tokens/", TokenApi.as_view())]


@pytest.fixture
def api():
    client = APIClient(raise_request_exception=False)
    user = UserFactory()
    client.force_authenticate(user)
    client.user = user
    return client


@pytest.mark.urls(__name__)
def test_the_stored_response_is_the_committed_effect(api):
    first = api.post("/tokens/", {"name": "erp"}, format="json", HTTP_IDEMPOTENCY_KEY="t-1")
    replay = api.post("/tokens/", {"name": "erp"}, format="json", HTTP_IDEMPOTENCY_KEY="t-1")

    token = ApiToken.objects.get()
    record = IdempotencyRecord.objects.get()
    assert (first.status_code, first.json()) == (201, {"id": token.pk, "name": "erp"})
    assert (replay.status_code, replay.json()) == (201, {"id": token.pk, "name": "erp"})
    assert replay["Idempotent-Replayed"] == "true"
    assert (record.state, record.response_status, record.response_body) == (
        "done", 201, {"id": token.pk, "name": "erp"}
    )


@pytest.mark.urls(__name__)
def test_a_request_failing_after_its_effect_rolls_back_the_effect_and_the_key(api):
    # Given a request whose service wrote a token, then failed before answering
    failed = api.post("/tokens/", {"name": "erp", "fail_after": True}, format="json",
                      HTTP_IDEMPOTENCY_KEY="t-2")

    # Then nothing of it is kept: no token, no claim left in flight
    assert failed.status_code == 500
    assert ApiToken.objects.count() == 0
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.urls(__name__)
def test_a_refusal_commits_nothing_and_is_stored_for_replays(api):
    first = api.post("/tokens/", {"name": " "}, format="json", HTTP_IDEMPOTENCY_KEY="t-3")
    again = api.post("/tokens/", {"name": " "}, format="json", HTTP_IDEMPOTENCY_KEY="t-3")

    assert first.status_code == again.status_code == 422
    assert again.json()["code"] == first.json()["code"] == "invalid"
    assert again["Idempotent-Replayed"] == "true"
    assert ApiToken.objects.count() == 0
    record = IdempotencyRecord.objects.get()
    assert (record.state, record.response_status) == ("done", 422)


@service_transaction
def _outer_service() -> None:
    _inner_service()


@service_transaction
def _inner_service() -> None:
    ApiToken.objects.count()


def test_a_service_joins_the_request_transaction():
    with request_transaction():
        _inner_service()  # no RuntimeError: directly inside the request's transaction


def test_a_service_nested_in_another_is_still_refused_inside_a_request_transaction():
    with request_transaction(), pytest.raises(RuntimeError, match="durable"):
        _outer_service()


def test_a_service_inside_a_plain_transaction_is_still_refused():
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        _inner_service()
