"""POST /payment-batches/create/ with an optional `redemptions` list: the same service and
refusals as the page's checklist."""

from __future__ import annotations

import pytest

from devtools.factories import vouchers as build
from vouchers.models import PaymentBatch, Redemption
from vouchers.services import redemptions

URL = "/api/v1/payment-batches/create/"


@pytest.fixture
def approved(parties) -> list[Redemption]:
    voucher = build.issue_voucher(parties.program, parties.enterprise, 100_000_00,
                                  reviewer=parties.reviewer)
    made = []
    for fee in (2_000_00, 6_000_00):
        order = build.place_order(voucher, parties.enterprise, parties.institution.organisation,
                                  fee)
        build.delivered_and_confirmed(order, parties.institution, parties.enterprise)
        made.append(redemptions.redemption_approve(
            actor=parties.reviewer,
            redemption=build.request_redemption(order, parties.institution), now=build.NOW))
    return made


def post(parties, body, key):
    return parties.client("finance").post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_batch_of_the_listed_redemptions(parties, approved):
    payee = parties.institution.organisation.pk

    response = post(parties, {"payee_id": payee, "redemptions": [approved[1].pk]}, "pick-1")

    assert response.status_code == 201, response.json()
    assert response.json()["total_fen"] == 3_000_00
    batch = PaymentBatch.objects.get()
    assert list(batch.redemptions.values_list("pk", flat=True)) == [approved[1].pk]


def test_without_a_list_every_approved_redemption_is_taken(parties, approved):
    response = post(parties, {"payee_id": parties.institution.organisation.pk}, "pick-all")

    assert response.status_code == 201
    assert response.json()["total_fen"] == 4_000_00


def test_an_empty_list_and_a_stale_id_are_refused_with_their_codes(parties, approved):
    payee = parties.institution.organisation.pk
    empty = post(parties, {"payee_id": payee, "redemptions": []}, "pick-empty")
    assert empty.status_code == 422
    assert empty.json()["code"] == "batch_empty"
    post(parties, {"payee_id": payee, "redemptions": [approved[0].pk]}, "pick-first")

    stale = post(parties, {"payee_id": payee, "redemptions": [approved[0].pk, approved[1].pk]},
                 "pick-again")

    assert stale.status_code == 409
    assert stale.json()["code"] == "redemption_not_batchable"
    assert PaymentBatch.objects.count() == 1
