"""A token found valid is cached: later requests read no token row, yet revocation, a
deactivated user and expiry are refused on the very next request, cached or not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.api import authentication
from accounts.errors import ServiceUnavailable
from accounts.models import ApiToken, AuditEntry
from accounts.token_cache import FORGOTTEN, cached_token
from devtools.factories.accounts import UserFactory


def _token_client(user, **fields) -> tuple[APIClient, ApiToken]:
    now = fields.pop("now", timezone.now())
    token, raw = account_services.api_token_create(actor=user, name="erp", now=now, **fields)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client, token


def _token_reads(context: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in context.captured_queries
            if "accounts_apitoken" in query["sql"]]


def test_a_token_used_once_is_served_from_the_cache(db):
    client, token = _token_client(UserFactory())
    client.get(reverse("api:me"))

    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("api:me"))

    assert response.status_code == 200
    assert _token_reads(context) == []
    assert cached_token(token.secret_hash).pk == token.pk


def test_a_revoked_token_is_refused_on_the_next_request_though_it_was_cached(db):
    user = UserFactory()
    client, token = _token_client(user)
    client.get(reverse("api:me"))
    assert cached_token(token.secret_hash) is not None

    account_services.api_token_revoke(actor=user, token=token, now=timezone.now())
    response = client.get(reverse("api:me"))

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert cache.get(f"api-token:{token.secret_hash}") == FORGOTTEN


def test_a_revoked_token_is_never_cached_again_by_a_request_that_read_it_before(db):
    # Given a request that read the token just before it was revoked (its row still valid)
    user = UserFactory()
    client, token = _token_client(user)
    read_before = ApiToken.objects.select_related("user__organisation").get(pk=token.pk)
    account_services.api_token_revoke(actor=user, token=token, now=timezone.now())

    # When that request caches what it read
    authentication.remember_token(read_before, now=timezone.now())

    # Then the tombstone stays, and the token is refused
    assert cached_token(token.secret_hash) is None
    assert client.get(reverse("api:me")).status_code == 401


def test_a_deactivated_user_is_refused_on_the_next_request_though_cached(db):
    user = UserFactory()
    client, token = _token_client(user)
    client.get(reverse("api:me"))

    user.is_active = False
    user.save()  # as the admin does
    response = client.get(reverse("api:me"))

    assert response.status_code == 401
    assert cached_token(token.secret_hash) is None


def test_a_token_that_expires_while_cached_is_refused_as_expired(db, monkeypatch):
    # Given a token valid for another hour, cached by a request
    now = timezone.now()
    client, token = _token_client(UserFactory(), now=now, expires_at=now + timedelta(hours=1))
    client.get(reverse("api:me"))
    assert cached_token(token.secret_hash) is not None

    # When it is used after its expiry, its cached copy still there
    monkeypatch.setattr(authentication.timezone, "now", lambda: now + timedelta(hours=2))
    response = client.get(reverse("api:me"))

    # Then it is refused as expired
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_a_cached_token_lives_no_longer_than_until_its_expiry(db, monkeypatch):
    now = timezone.now()
    client, _token = _token_client(UserFactory(), now=now, expires_at=now + timedelta(seconds=30))
    timeouts = []
    original_add = cache.add
    monkeypatch.setattr(cache, "add", lambda key, value, timeout: timeouts.append(timeout)
                        or original_add(key, value, timeout))

    client.get(reverse("api:me"))

    assert len(timeouts) == 1
    assert 1 <= timeouts[0] <= 30


def test_cached_requests_write_no_last_use_within_the_interval(db):
    client, token = _token_client(UserFactory())
    client.get(reverse("api:me"))

    with CaptureQueriesContext(connection) as context:
        for _ in range(3):
            assert client.get(reverse("api:me")).status_code == 200

    assert not [query for query in context.captured_queries
                if query["sql"].startswith("UPDATE")]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_an_unreachable_cache_falls_back_to_the_database(db, monkeypatch):
    client, _token = _token_client(UserFactory())

    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", unreachable)
    monkeypatch.setattr(cache, "add", unreachable)
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("api:me"))

    assert response.status_code == 200
    assert len([sql for sql in _token_reads(context) if sql.startswith("SELECT")]) == 1


def test_a_revocation_the_cache_cannot_record_fails_and_changes_nothing(db, monkeypatch):
    # Given a cached token and a cache that stops answering
    user = UserFactory()
    client, token = _token_client(user)
    client.get(reverse("api:me"))

    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "set_many", unreachable)

    # When its owner revokes it, then the revocation fails and nothing changed
    with pytest.raises(ServiceUnavailable) as refused:
        account_services.api_token_revoke(actor=user, token=token, now=timezone.now())
    assert refused.value.http_status == 503
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEntry.objects.filter(action="api_token_revoke").exists()


def test_a_revocation_on_the_page_while_the_cache_is_down_says_so_and_keeps_the_token(
        db, client, monkeypatch):
    user = UserFactory()
    _client, token = _token_client(user)
    client.force_login(user)

    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "set_many", unreachable)
    response = client.post(reverse("accounts:api_token_revoke", args=[token.pk]), follow=True)

    assert response.status_code == 200
    assert "令牌缓存服务不可用" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
