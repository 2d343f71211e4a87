"""Idempotency-Key on application submit; lists cost the same queries for one item or many."""

from __future__ import annotations

import pytest
from django.urls import reverse

from devtools.factories import vouchers as build
from vouchers.models import Application


def _submit(client, parties, amount_fen: int, key: str):
    return client.post(
        reverse("api:application-submit"),
        {"program_id": parties.program.pk, "amount_fen": amount_fen, "purpose": "检测",
         "planned_categories": ["testing"]},
        format="json", HTTP_IDEMPOTENCY_KEY=key,
    )


def test_replayed_submit_returns_the_first_application_and_creates_one(parties):
    client = parties.client("enterprise")

    first = _submit(client, parties, 10_000_00, "erp-claim-42")
    replay = _submit(client, parties, 10_000_00, "erp-claim-42")

    assert first.status_code == replay.status_code == 201
    assert replay.json()["id"] == first.json()["id"]
    assert replay["Idempotent-Replayed"] == "true"
    assert Application.objects.count() == 1


def test_same_key_with_another_body_is_refused_with_422(parties):
    client = parties.client("enterprise")
    _submit(client, parties, 10_000_00, "erp-claim-43")

    other = _submit(client, parties, 20_000_00, "erp-claim-43")

    assert other.status_code == 422
    assert other["Content-Type"] == "application/problem+json"
    assert other.json()["code"] == "idempotency_key_reused"
    assert Application.objects.get().amount_fen == 10_000_00


def test_business_refusal_is_a_problem_naming_the_rule(parties):
    response = _submit(parties.client("enterprise"), parties, 400_000_00, "too-much")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "over_annual_cap"
    assert body["type"] == "urn:yrd-vouchers:problem:over_annual_cap"
    assert Application.objects.count() == 0


@pytest.mark.parametrize("amount_fen", [2**63, 100_000_000_001])
def test_amount_above_the_maximum_is_a_field_error(parties, amount_fen):
    response = _submit(parties.client("enterprise"), parties, amount_fen, "overflow")
    assert response.status_code == 400
    assert response.json()["errors"] == [{
        "field": "amount_fen", "code": "amount_too_large",
        "message": "金额不能超过1,000,000,000.00元",
    }]
    assert Application.objects.count() == 0


def _add_records(parties, count: int) -> None:
    """`count` more vouchers, orders, deliveries, redemptions and batches."""
    from vouchers.services import redemptions, settlements

    for _ in range(count):
        enterprise = build.enterprise_user("JS")
        voucher = build.issue_voucher(parties.program, enterprise, 10_000_00,
                                      reviewer=parties.reviewer)
        order = build.place_order(voucher, enterprise, parties.institution.organisation)
        build.delivered_and_confirmed(order, parties.institution, enterprise)
        redemption = build.request_redemption(order, parties.institution)
        redemptions.redemption_approve(actor=parties.reviewer, redemption=redemption,
                                       now=build.NOW)
        settlements.payment_batch_create(
            actor=parties.finance, payee=parties.institution.organisation, now=build.NOW
        )


LISTS = [
    ("program-list", "operator", None),
    ("application-list", "operator", None),
    ("voucher-list", "operator", None),
    ("institution-list", "operator", None),
    ("order-list", "operator", None),
    ("delivery-list", "operator", None),
    ("redemption-list", "operator", None),
    ("batch-list", "finance", None),
    ("ledger-account-list", "finance", None),
    ("evidence-list", "institution", "order"),
]


@pytest.mark.parametrize(("url_name", "role", "needs"), LISTS, ids=[row[0] for row in LISTS])
def test_list_queries_do_not_grow_with_items(
    parties, django_assert_max_num_queries, url_name, role, needs
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _add_records(parties, 1)
    client = parties.client(role)
    args = []
    if needs == "order":
        args = [parties.institution.organisation.service_orders.order_by("pk").first().pk]
    url = reverse(f"api:{url_name}", args=args)
    client.get(url)  # warm: token lookup paths, content types
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200

    _add_records(parties, 3)

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    if needs is None and url_name not in ("program-list",):
        assert response.json()["count"] > 1
