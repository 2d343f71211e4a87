"""Placing an order answers with the order as its detail shows it, without reading it back."""

from __future__ import annotations

from django.urls import reverse

from devtools.factories import vouchers as build


def test_a_placed_order_answers_as_its_detail_does(parties):
    voucher = build.issue_voucher(
        parties.program, parties.enterprise, 100_000_00, reviewer=parties.reviewer
    )
    client = parties.client("enterprise")

    placed = client.post(
        reverse("api:order-place"),
        {
            "voucher_id": voucher.pk,
            "institution_id": parties.institution.organisation_id,
            "category": "testing",
            "contract_number": " HT-9 ",
            "total_fee_fen": 10_000_00,
        },
        format="json",
    )

    assert placed.status_code == 201, placed.json()
    detail = client.get(reverse("api:order-detail", args=[placed.json()["id"]]))
    assert placed.json() == detail.json()
    assert placed.json()["contract_number"] == "HT-9"
    assert (placed.json()["issuing_region_code"], placed.json()["serving_region_code"]) == (
        "JS",
        "SH",
    )
