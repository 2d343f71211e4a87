"""A token's last use is written at most once a minute; revocation still applies at once."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.api.authentication import LAST_USED_INTERVAL, record_token_use
from accounts.models import ApiToken
from devtools.factories.accounts import UserFactory


def _sql(context: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in context.captured_queries]


def _token_client(user) -> tuple[APIClient, ApiToken]:
    token, raw = account_services.api_token_create(actor=user, name="erp", now=timezone.now())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client, token


def test_first_use_of_a_token_is_recorded(db):
    client, token = _token_client(UserFactory())

    assert client.get(reverse("api:me")).status_code == 200

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_used_again_within_the_interval_writes_nothing(db):
    client, token = _token_client(UserFactory())
    client.get(reverse("api:me"))
    token.refresh_from_db()
    first_use = token.last_used_at

    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("api:me")).status_code == 200

    assert not [sql for sql in _sql(context) if sql.startswith("UPDATE")]
    token.refresh_from_db()
    assert token.last_used_at == first_use


def test_a_token_used_after_the_interval_is_recorded_again(db):
    _client, token = _token_client(UserFactory())
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now - LAST_USED_INTERVAL)
    token.refresh_from_db()

    record_token_use(token, now=now)

    token.refresh_from_db()
    assert token.last_used_at == now


def test_of_two_requests_racing_on_a_stale_token_one_writes(db):
    _client, token = _token_client(UserFactory())
    now = timezone.now()
    stale = now - timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=stale)
    first, second = ApiToken.objects.get(pk=token.pk), ApiToken.objects.get(pk=token.pk)

    record_token_use(first, now=now)
    with CaptureQueriesContext(connection) as context:
        record_token_use(second, now=now + timedelta(seconds=1))  # it read the stale time too

    assert ApiToken.objects.get(pk=token.pk).last_used_at == now
    (update,) = _sql(context)
    assert update.startswith("UPDATE")  # the compare-and-set matched no row


def test_a_revoked_token_is_still_refused(db):
    user = UserFactory()
    client, token = _token_client(user)
    client.get(reverse("api:me"))
    account_services.api_token_revoke(actor=user, token=token, now=timezone.now())

    response = client.get(reverse("api:me"))

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
