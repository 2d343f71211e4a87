"""The same actual controller on both sides of an order is a related party, in the API too."""

from __future__ import annotations

from django.urls import reverse

from devtools.factories import vouchers as build
from vouchers.models import ServiceOrder


def test_the_api_refuses_an_order_across_one_controller(parties):
    voucher = build.issue_voucher(parties.program, parties.enterprise, reviewer=parties.reviewer)
    for user in (parties.enterprise, parties.institution):
        user.organisation.actual_controller_key = "name:张三"
        user.organisation.save()

    response = parties.client("enterprise").post(reverse("api:order-place"), {
        "voucher_id": voucher.pk, "institution_id": parties.institution.organisation_id,
        "category": "testing", "contract_number": "HT-2024-018", "total_fee_fen": 1_234_50,
    }, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409, response.json()
    body = response.json()
    assert body["code"] == "related_party"
    assert body["detail"] == (
        "Enterprise and institution are related (declared ties or one actual controller)."
    )
    assert response["Content-Type"] == "application/problem+json"
    assert not ServiceOrder.objects.exists()
