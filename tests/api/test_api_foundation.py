"""Tokens, problem details, idempotency keys and the OpenAPI schema."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.urls import include, path, reverse
from django.utils import timezone
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts import services
from accounts.api.idempotency import idempotent
from accounts.errors import Conflict
from accounts.models import AuditEntry, IdempotencyRecord
from devtools.factories.accounts import UserFactory

CALLS: list[dict] = []


class EchoApi(APIView):
    """A test-only writer: records each real execution, refuses amount 13."""

    class EchoInputSerializer(serializers.Serializer):
        amount_fen = serializers.IntegerField(min_value=1, max_value=2**63 - 1)

    @idempotent
    def post(self, request):
        data = self.EchoInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["amount_fen"] == 13:
            raise Conflict("不吉利的金额", code="unlucky", extra={"field": "amount_fen"})
        CALLS.append(dict(data.validated_data))
        return Response({"call": len(CALLS)}, status=201)


urlpatterns = [
    path("echo/", EchoApi.as_view()),
    path("api/v1/", include("config.api_urls")),
]


@pytest.fixture
def api(db):
    CALLS.clear()
    client = APIClient()
    user = UserFactory()
    client.force_authenticate(user)
    return client


def test_me_answers_with_a_token_created_in_the_service(db):
    user = UserFactory()
    token, raw = services.api_token_create(actor=user, name="erp", now=timezone.now())
    client = APIClient()

    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {raw}")

    assert response.status_code == 200
    assert response.json()["username"] == user.username
    assert response.json()["region_code"] == "JS"
    assert raw.startswith("yrd_")
    assert token.prefix == raw[4:12]
    assert raw not in str(token.__dict__)  # only the hash is kept


def test_revoked_token_is_refused_as_a_problem(db):
    user = UserFactory()
    token, raw = services.api_token_create(actor=user, name="erp", now=timezone.now())
    services.api_token_revoke(actor=user, token=token, now=timezone.now())

    response = APIClient().get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "authentication_failed"
    assert body["status"] == 401
    assert AuditEntry.objects.filter(action="api_token_revoke").count() == 1


def test_anonymous_request_gets_a_structured_401(db):
    response = APIClient().get(reverse("api:me"))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.urls(__name__)
def test_validation_errors_name_each_field(api):
    response = api.post("/echo/", {"amount_fen": -5}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"][0]["field"] == "amount_fen"
    assert body["errors"][0]["code"] == "min_value"


@pytest.mark.urls(__name__)
def test_overflowing_amount_is_refused(api):
    response = api.post("/echo/", {"amount_fen": 2**63}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "max_value"


@pytest.mark.urls(__name__)
def test_business_refusal_is_a_problem_with_a_stable_code(api):
    response = api.post("/echo/", {"amount_fen": 13}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "unlucky"
    assert response.json()["errors"] == [
        {"field": "amount_fen", "code": "unlucky", "message": "不吉利的金额"}
    ]


@pytest.mark.urls(__name__)
def test_replay_with_the_same_key_returns_the_first_response_and_runs_once(api):
    first = api.post("/echo/", {"amount_fen": 5}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = api.post("/echo/", {"amount_fen": 5}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() == {"call": 1}
    assert second["Idempotent-Replayed"] == "true"
    assert len(CALLS) == 1


@pytest.mark.urls(__name__)
def test_same_key_with_another_body_is_refused(api):
    api.post("/echo/", {"amount_fen": 5}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = api.post("/echo/", {"amount_fen": 6}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert len(CALLS) == 1


@pytest.mark.urls(__name__)
def test_key_still_in_flight_answers_409(api):
    body = {"amount_fen": 5}
    digest = hashlib.sha256(b"POST /echo/\n" + json.dumps(body, sort_keys=True).encode())
    IdempotencyRecord.objects.create(
        user=api.handler._force_user, key="k-3", method="POST", path="/echo/",
        request_hash=digest.hexdigest(), created_at=timezone.now(),
    )

    response = api.post("/echo/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-3")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_flight"
    assert CALLS == []


@pytest.mark.urls(__name__)
def test_business_refusal_is_replayed_too(api):
    first = api.post("/echo/", {"amount_fen": 13}, format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    again = api.post("/echo/", {"amount_fen": 13}, format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    assert first.status_code == again.status_code == 409
    assert again.json()["code"] == "unlucky"


def test_schema_is_served_and_docs_work_offline(client, db):
    schema = client.get(reverse("api:schema"))
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    docs = client.get(reverse("api:docs")).content.decode()
    assert "drf_spectacular_sidecar" in docs or "/static/" in docs
    assert "cdn.jsdelivr" not in docs
    assert "unpkg" not in docs


def test_token_page_shows_the_secret_once_and_revokes(client, db):
    user = UserFactory()
    client.force_login(user)
    created = client.post(reverse("accounts:api_tokens"), {"name": "ERP"})
    body = created.content.decode()
    assert 'id="new-token">yrd_' in body
    token = user.api_tokens.get()
    assert 'id="new-token"' not in client.get(reverse("accounts:api_tokens")).content.decode()
    client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert not token.is_active


@pytest.mark.urls(__name__)
def test_business_refusal_speaks_the_request_s_language(api):
    from accounts.api.english import ENGLISH_DETAILS

    ENGLISH_DETAILS["unlucky"] = "Unlucky amount."
    try:
        english = api.post("/echo/", {"amount_fen": 13}, format="json",
                           HTTP_ACCEPT_LANGUAGE="en")
        chinese = api.post("/echo/", {"amount_fen": 13}, format="json",
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    finally:
        del ENGLISH_DETAILS["unlucky"]
    assert english.json()["detail"] == "Unlucky amount."
    assert english.json()["code"] == chinese.json()["code"] == "unlucky"
    assert chinese.json()["detail"] == "不吉利的金额"


def test_validation_messages_follow_the_request_language(db):
    client = APIClient()
    client.force_authenticate(UserFactory())
    response = client.post(
        "/api/v1/applications/submit/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "This field is required."
