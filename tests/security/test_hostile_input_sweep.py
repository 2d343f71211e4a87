"""Hostile values in every path parameter and list filter of the pages and the API: never a 5xx.

Walks the URL resolver (as tests/security/test_permission_matrix.py does). The roles that the
matrix lets reach a URL (a refused role is stopped before any input is read, which the matrix
test covers) take turns sending NUL, over-long, out-of-range and malformed values: in each path
parameter, and, on the lists, in each filter the API's filter sets declare and each GET
parameter the pages read. Any 5xx fails, listed with its URL and role.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import get_resolver

from accounts.access import scope_for
from accounts.api.filtering import NOT_FILTERS
from devtools.factories import vouchers as build
from tests.security.test_permission_matrix import _action_of, _users, _walk

FRAMEWORK_PREFIXES = ("admin/", "i18n/", "health/", "metrics")
HOSTILE_VALUES = [
    "a\x00b",  # NUL: PostgreSQL text cannot hold it
    "\x1b[2J",  # another control character
    "x" * 10_000,  # over-long
    "9" * 40,  # beyond any integer column
    "-5",
    "0",
    "1e309",  # a float overflowing to infinity
    "1.5e-276",
    "null",
    "9999-12-31T23:59:59-05:00",  # past year 9999 in UTC
    "0001-01-01T00:00:00+05:00",  # before year 1 in UTC
    "5233-05-24T08:03:37+17:37",  # an offset PostgreSQL refuses
    "0001-01-01",
    "[]",
    "{}",
    "%",
    "..",
]
# GET parameters the pages read (vouchers/views/, accounts/views.py, their filter forms).
PAGE_PARAMETERS = [
    "state", "region", "city", "category", "text", "page", "sort", "format", "year",
    "action", "date_from", "date_to",
]
# Every list of the API takes these besides its filter set's filters.
API_PARAMETERS = sorted(NOT_FILTERS | {"search"})
PARAMETER = re.compile(r"<(?:(?P<converter>int|str|slug|uuid|path):)?(?P<name>\w+)>")


def _routes() -> Iterator[tuple[str, object]]:
    for route, callback in _walk(get_resolver().url_patterns):
        if not route.startswith(FRAMEWORK_PREFIXES):
            yield route, callback


def _read_action(callback: object) -> str:
    action = _action_of(callback)
    return action["GET"] if isinstance(action, dict) else action


def _filters_of(callback: object) -> list[str]:
    view_class = getattr(callback, "cls", None)
    if view_class is None:
        return PAGE_PARAMETERS
    filterset_class = getattr(view_class, "filterset_class", None)
    names = list(filterset_class.base_filters) if filterset_class else []
    names += list(getattr(view_class, "filterset_fields", None) or [])
    return sorted(set(names) | set(API_PARAMETERS))


def _path(route: str, value: str | None = None, target: str | None = None) -> str:
    """The route with each parameter 1, except `target`, which gets `value` (URL-quoted)."""

    def fill(match: re.Match[str]) -> str:
        return quote(value, safe="") if match["name"] == target else "1"

    return "/" + PARAMETER.sub(fill, route).replace("^", "").replace("$", "")


# An <int:…> parameter matches digits only: the other values cannot reach the view.
INT_VALUES = ["9" * 40, "0", "00"]


def _requests(route: str, callback: object) -> Iterator[str]:
    targets = list(PARAMETER.finditer(route))
    for target in targets:
        values = INT_VALUES if target["converter"] == "int" else HOSTILE_VALUES
        for value in values:
            yield _path(route, value, target["name"])
    if not targets:  # a list or a page of its own: its filters
        for name in _filters_of(callback):
            for value in HOSTILE_VALUES:
                yield _path(route) + "?" + urlencode({name: value})


def sweep() -> tuple[list[tuple[str, str, int]], int]:
    """Each hostile URL is sent once, by the roles that may reach it in turn (each role sends
    its share of every route it reaches), which keeps the sweep to a few thousand requests."""
    build.make_program()  # a list with a row to filter
    users = _users()
    clients = {role: _client(user) for role, user in users.items()}
    failures, sent = [], 0
    for route, callback in _routes():
        action = _read_action(callback)
        allowed = [role for role, user in users.items()
                   if user is None or scope_for(user, action) is not None]
        for index, url in enumerate(_requests(route, callback)):
            role = allowed[index % len(allowed)]
            response = clients[role].get(url)
            sent += 1
            if response.status_code >= 500:
                failures.append((url[:120], str(role), response.status_code))
    return failures, sent


def _client(user: object) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.postgres
@pytest.mark.django_db
def test_no_hostile_path_value_or_filter_gets_a_server_error_on_postgresql():
    # Given every role, when each requests every URL it may reach with hostile values
    failures, sent = sweep()
    # Then nothing answers 5xx, and the sweep covered the site (thousands of requests)
    assert failures == []
    assert sent >= 1500


@pytest.mark.sqlite
@pytest.mark.django_db
def test_no_hostile_path_value_or_filter_gets_a_server_error_on_sqlite():
    failures, sent = sweep()
    assert failures == []
    assert sent >= 1500
