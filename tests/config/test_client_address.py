"""Behind the proxy, the client's address comes from the X-Forwarded-For the proxy wrote: the
audit trail and the login lockout both use it (issue 17, "Behind a TLS proxy")."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from accounts.context import client_ip_address
from accounts.models import AuditEntry, User


@pytest.mark.parametrize(("trusted", "forwarded", "expected"), [
    (True, "203.0.113.7", "203.0.113.7"),
    # A client's own X-Forwarded-For, appended to by a proxy: only the right-most entry counts.
    (True, "198.51.100.1, 203.0.113.7", "203.0.113.7"),
    (True, "", "127.0.0.1"),
    (False, "203.0.113.7", "127.0.0.1"),
])
def test_the_client_address(trusted: bool, forwarded: str, expected: str) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUST_X_FORWARDED_FOR=trusted):
        assert client_ip_address(request) == expected


@override_settings(TRUST_X_FORWARDED_FOR=True, AXES_FAILURE_LIMIT=2)
def test_behind_the_proxy_a_failed_login_and_its_lockout_name_the_client(
    client: Client, authority_reviewer: User
) -> None:
    # Given requests that all reach Django from the proxy on 127.0.0.1
    def attempt() -> None:
        client.post(reverse("accounts:login"), {"username": authority_reviewer.username,
                                                 "password": "wrong-password"},
                    REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")

    # When one client fails twice
    attempt()
    attempt()
    # Then the audit trail and the lockout record the client's address, not the proxy's
    failed = AuditEntry.objects.filter(action="login_failed").order_by("pk")
    assert [entry.ip_address for entry in failed] == ["203.0.113.7", "203.0.113.7"]
    locked = AuditEntry.objects.get(action="login_locked_out")
    assert locked.after == {"username": authority_reviewer.username, "ip_address": "203.0.113.7"}
