"""Outages answer cleanly: 503 with Retry-After when the database is out of reach, problem
documents for every 5xx on /api/, error pages on the web that need no database."""

from __future__ import annotations

import logging
from unittest import mock

import pytest
from django.core.cache.backends.base import BaseCache
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from accounts import services
from accounts.api import throttling
from accounts.api.throttling import WriteRateThrottle
from accounts.api.views import MeApi
from devtools.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _refuse_every_query(execute, sql, params, many, context):
    """Every query fails as it does when PostgreSQL is stopped."""
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def _token_client() -> APIClient:
    _token, raw = services.api_token_create(actor=UserFactory(), name="erp", now=timezone.now())
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def _signed_in_browser() -> Client:
    browser = Client(raise_request_exception=False)
    browser.force_login(UserFactory())
    return browser


def test_api_with_the_database_down_answers_503_problem_with_retry_after():
    client = _token_client()

    with connection.execute_wrapper(_refuse_every_query):
        response = client.get(reverse("api:me"))

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "type": "urn:yrd-vouchers:problem:service_unavailable",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "服务暂时不可用，请稍后重试；写请求请使用同一 Idempotency-Key 重试",
        "code": "service_unavailable",
        "errors": [],
    }


def test_api_outage_problem_speaks_english_when_asked():
    client = _token_client()

    with connection.execute_wrapper(_refuse_every_query):
        response = client.get(reverse("api:me"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response.json()["detail"] == (
        "The service is temporarily unavailable. Please retry shortly; retry writes with "
        "the same Idempotency-Key"
    )


def test_any_other_server_error_on_the_api_is_a_500_problem_without_retry_after():
    client = _token_client()

    with mock.patch.object(MeApi, "get", side_effect=RuntimeError("secret internals")):
        response = client.get(reverse("api:me"))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert "Retry-After" not in response
    assert response.json()["code"] == "server_error"
    assert response.json()["detail"] == "服务器内部错误，请稍后重试"
    assert "secret internals" not in response.content.decode()


def test_a_page_with_the_database_down_answers_503_in_chinese():
    browser = _signed_in_browser()

    with connection.execute_wrapper(_refuse_every_query):
        response = browser.get(reverse("home"))

    assert response.status_code == 503
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "<h1>服务暂时不可用</h1>" in page
    assert "已经提交成功的操作不会丢失" in page
    assert 'href="/static/css/site.css"' in page


def test_a_page_with_the_database_down_answers_503_in_english_when_asked():
    browser = _signed_in_browser()

    with connection.execute_wrapper(_refuse_every_query):
        response = browser.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    page = response.content.decode()
    assert "<h1>Service temporarily unavailable</h1>" in page
    assert "Nothing that was submitted successfully is lost" in page


def test_a_server_error_page_is_plain_and_shows_no_python_values():
    browser = _signed_in_browser()

    with mock.patch("vouchers.views.home.render", side_effect=RuntimeError("secret internals")):
        response = browser.get(reverse("home"))

    assert response.status_code == 500
    assert "Retry-After" not in response
    page = response.content.decode()
    assert "<h1>服务器内部错误</h1>" in page
    assert "secret internals" not in page
    assert "Traceback" not in page


class _CacheDown(BaseCache):
    def __init__(self) -> None:
        super().__init__({})

    def get(self, key, default=None, version=None):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    def set(self, key, value, timeout=None, version=None):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_the_write_throttle_counts_in_the_process_while_the_cache_is_down(caplog):
    # Given a write rate of 2 per minute and a cache that refuses every connection
    throttling.LOCAL_COUNTERS.clear()
    user = UserFactory()
    factory = APIRequestFactory()

    def allowed() -> bool:
        request = Request(factory.post("/api/v1/orders/place/"))
        request.user = user
        return WriteRateThrottle().allow_request(request, view=None)

    with (
        mock.patch.object(WriteRateThrottle, "cache", _CacheDown()),
        mock.patch.object(WriteRateThrottle, "THROTTLE_RATES", {"write": "2/min"}),
        caplog.at_level(logging.WARNING, logger="accounts.api.throttling"),
    ):
        # When three writes arrive
        answers = [allowed(), allowed(), allowed()]

    # Then the first two go on and the third is throttled, each counted locally and logged
    assert answers == [True, True, False]
    assert [record.levelname for record in caplog.records] == ["WARNING"] * 3
    assert "counting in this process" in caplog.records[0].getMessage()
