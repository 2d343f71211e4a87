"""A list is one select: the token comes from the cache after its first use, no COUNT for a
first page with room to spare, no filter form without filter parameters, the names beside
each voucher annotated."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devtools.factories import vouchers as build


def _sql(context: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in context.captured_queries]


@pytest.fixture
def enterprise_vouchers(parties):
    """The enterprise's client, after three vouchers of 1,000 yuan each were issued to it."""
    for _ in range(3):
        build.issue_voucher(
            parties.program, parties.enterprise, 1_000_00, reviewer=parties.reviewer
        )
    client = parties.client("enterprise")
    client.get(reverse("api:voucher-list"))  # records the token's use and caches the token
    return client


def test_a_voucher_list_that_fits_its_page_is_one_select(enterprise_vouchers):
    with CaptureQueriesContext(connection) as context:
        response = enterprise_vouchers.get(reverse("api:voucher-list"))

    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert len(response.json()["results"]) == 3
    (select,) = _sql(context)
    assert "vouchers_voucher" in select
    assert "accounts_apitoken" not in select
    assert "COUNT(" not in select


def test_a_full_first_page_is_counted(enterprise_vouchers):
    with CaptureQueriesContext(connection) as context:
        response = enterprise_vouchers.get(reverse("api:voucher-list"), {"page_size": 2})

    body = response.json()
    assert (body["count"], len(body["results"]), body["previous"]) == (3, 2, None)
    assert "page=2" in body["next"]
    assert len([sql for sql in _sql(context) if "COUNT(" in sql]) == 1


def test_later_pages_are_counted_as_before(enterprise_vouchers):
    url = reverse("api:voucher-list")

    second = enterprise_vouchers.get(url, {"page_size": 2, "page": 2})
    beyond = enterprise_vouchers.get(url, {"page_size": 2, "page": 3})
    not_a_number = enterprise_vouchers.get(url, {"page": "first"})

    assert (second.json()["count"], len(second.json()["results"])) == (3, 1)
    assert second.json()["next"] is None
    assert beyond.status_code == 404
    assert not_a_number.status_code == 400  # the schema says integer (issue 18)


def test_an_empty_list_answers_count_zero_without_counting(parties):
    client = parties.client("other_enterprise")

    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("api:voucher-list"))

    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert not [sql for sql in _sql(context) if "COUNT(" in sql]


def test_the_voucher_list_costs_the_same_queries_for_one_voucher_or_twenty(parties):
    build.issue_voucher(parties.program, parties.enterprise, 1_000_00, reviewer=parties.reviewer)
    client = parties.client("operator")
    client.get(reverse("api:voucher-list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("api:voucher-list"))

    for _ in range(19):
        build.issue_voucher(
            parties.program, build.enterprise_user("JS"), 1_000_00, reviewer=parties.reviewer
        )
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(reverse("api:voucher-list"))

    assert response.json()["count"] == 20
    assert len(twenty.captured_queries) == len(one.captured_queries) == 1


def test_filters_still_apply_and_still_refuse_bad_values(enterprise_vouchers):
    url = reverse("api:voucher-list")

    active = enterprise_vouchers.get(url, {"state": "active", "ordering": "amount_fen"})
    expired = enterprise_vouchers.get(url, {"state": "expired"})
    nonsense = enterprise_vouchers.get(url, {"program": "abc"})

    assert active.json()["count"] == 3
    assert expired.json()["count"] == 0
    assert nonsense.status_code == 400
    assert nonsense.json()["errors"][0]["field"] == "program"


def test_a_voucher_shows_its_program_region_and_enterprise_names(parties):
    voucher = build.issue_voucher(
        parties.program, parties.enterprise, 1_000_00, reviewer=parties.reviewer
    )
    client = parties.client("enterprise")

    listed = client.get(reverse("api:voucher-list")).json()["results"][0]
    shown = client.get(reverse("api:voucher-detail", args=[voucher.pk])).json()

    assert listed == shown
    assert (shown["program_name"], shown["region_code"], shown["enterprise_name"]) == (
        parties.program.name,
        "JS",
        parties.enterprise.organisation.name,
    )
    assert (shown["available_fen"], shown["held_fen"], shown["spent_fen"]) == (1_000_00, 0, 0)


def test_the_list_s_queryset_built_once_per_process_is_never_evaluated(enterprise_vouchers):
    from vouchers.api.selectors import _vouchers_with_names

    enterprise_vouchers.get(reverse("api:voucher-list"))

    assert _vouchers_with_names()._result_cache is None
