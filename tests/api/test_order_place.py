"""Placing an order answers with the order as its detail shows it, without reading it back,
in one transaction of a pinned number of statements."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
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


def test_placing_an_order_is_one_transaction_of_15_statements(parties):
    # Given an enterprise that already placed one order (its payable account exists)
    voucher = build.issue_voucher(
        parties.program, parties.enterprise, 100_000_00, reviewer=parties.reviewer
    )
    client = parties.client("enterprise")
    body = {"voucher_id": voucher.pk, "institution_id": parties.institution.organisation_id,
            "category": "testing", "total_fee_fen": 10_000_00}
    client.post(reverse("api:order-place"), {**body, "contract_number": "HT-1"}, format="json",
                HTTP_IDEMPOTENCY_KEY="first")

    # When it places another, with its Idempotency-Key
    with CaptureQueriesContext(connection) as context:
        placed = client.post(reverse("api:order-place"), {**body, "contract_number": "HT-2"},
                             format="json", HTTP_IDEMPOTENCY_KEY="second")

    # Then the claim, the service and the stored answer are one transaction (in a test, the
    # savepoint standing for BEGIN ... COMMIT) with no savepoint inside, 15 statements within
    assert placed.status_code == 201, placed.json()
    statements = [query["sql"] for query in context.captured_queries]
    assert statements[0].startswith("SAVEPOINT")
    assert statements[-1].startswith("RELEASE SAVEPOINT")
    inside = statements[1:-1]
    assert not [sql for sql in inside if "SAVEPOINT" in sql]
    assert len(inside) == 15
    assert inside[0].startswith('INSERT INTO "accounts_idempotencyrecord"')
    assert inside[-1].startswith('UPDATE "accounts_idempotencyrecord"')
