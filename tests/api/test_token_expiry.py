"""A token may be given an expiry; after it, the token answers 401 `token_expired`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.errors import InvalidInput
from accounts.models import ApiToken, AuditEntry
from devtools.factories.accounts import UserFactory


def _client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def test_a_token_without_expiry_has_none(db):
    token, _raw = account_services.api_token_create(
        actor=UserFactory(), name="erp", now=timezone.now()
    )

    assert token.expires_at is None


def test_a_token_works_until_its_expiry(db):
    # Given a token that expires in an hour
    now = timezone.now()
    _token, raw = account_services.api_token_create(
        actor=UserFactory(), name="erp", now=now, expires_at=now + timedelta(hours=1)
    )

    # Then it is accepted now
    assert _client(raw).get(reverse("api:me")).status_code == 200
    entry = AuditEntry.objects.get(action="api_token_create")
    assert entry.after == {"name": "erp", "expires_at": (now + timedelta(hours=1)).isoformat()}


def test_an_expired_token_answers_401_with_its_own_code(db):
    # Given a token whose expiry has passed
    now = timezone.now()
    token, raw = account_services.api_token_create(
        actor=UserFactory(), name="erp", now=now - timedelta(days=2),
        expires_at=now - timedelta(days=1),
    )

    # When it is used
    response = _client(raw).get(reverse("api:me"))

    # Then it is refused as expired (not as unknown), and its last use is not recorded
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Token"
    body = response.json()
    assert body["code"] == "token_expired"
    assert body["type"] == "urn:yrd-vouchers:problem:token_expired"
    assert body["detail"] == "令牌已过期，请创建新令牌"
    token.refresh_from_db()
    assert token.last_used_at is None


def test_an_expired_token_speaks_english_when_asked(db):
    now = timezone.now()
    _token, raw = account_services.api_token_create(
        actor=UserFactory(), name="erp", now=now - timedelta(days=2),
        expires_at=now - timedelta(days=1),
    )

    response = _client(raw).get(reverse("api:me"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["detail"] == "The token has expired; create a new one"


def test_an_expiry_not_after_now_is_refused_and_creates_nothing(db):
    user = UserFactory()
    now = timezone.now()

    with pytest.raises(InvalidInput) as refusal:
        account_services.api_token_create(actor=user, name="erp", now=now, expires_at=now)

    assert refusal.value.extra == {"field": "expires_at"}
    assert not ApiToken.objects.filter(user=user).exists()


def test_the_database_refuses_an_expiry_before_creation(db):
    token, _raw = account_services.api_token_create(
        actor=UserFactory(), name="erp", now=timezone.now()
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=token.created_at - timedelta(seconds=1)
        )


def test_the_token_page_creates_a_token_valid_for_some_days_and_shows_it(client, db):
    # Given a signed-in user
    user = UserFactory()
    client.force_login(user)
    before = timezone.now()

    # When they create a token valid for 30 days, and one without expiry
    client.post(reverse("accounts:api_tokens"), {"name": "ERP", "valid_days": "30"})
    page = client.post(reverse("accounts:api_tokens"), {"name": "长期", "valid_days": ""})

    # Then the first expires in 30 days, the second never; the page shows both
    limited = user.api_tokens.get(name="ERP")
    assert before + timedelta(days=30) <= limited.expires_at
    assert limited.expires_at <= timezone.now() + timedelta(days=30)
    assert user.api_tokens.get(name="长期").expires_at is None
    body = page.content.decode()
    assert "到期时间" in body
    assert "长期有效" in body


def test_the_token_page_marks_an_expired_token(client, db):
    user = UserFactory()
    now = timezone.now()
    account_services.api_token_create(
        actor=user, name="old", now=now - timedelta(days=2), expires_at=now - timedelta(days=1)
    )
    client.force_login(user)

    body = client.get(reverse("accounts:api_tokens")).content.decode()

    assert "已过期" in body
    assert "有效</td>" not in body


def test_the_token_page_refuses_a_validity_out_of_bounds(client, db):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("accounts:api_tokens"), {"name": "ERP", "valid_days": "0"})

    assert response.status_code == 200
    assert not user.api_tokens.exists()
