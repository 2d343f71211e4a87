"""The sanction endpoints: revoke a voucher, blacklist a party, withdraw an approved claim,
lift or reject what a blacklisting suspended. Refusals are problem+json that change nothing;
a replayed Idempotency-Key returns the first answer."""

from __future__ import annotations

from django.urls import reverse

from vouchers.ledger.selectors import ledger_verify
from vouchers.models import Blacklisting, PaymentBatch, Redemption, ServiceOrder, Voucher


def problem(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


def post(client, name: str, pk: int, body: dict | None = None, **headers):
    return client.post(reverse(f"api:{name}", args=[pk]), body or {}, format="json", **headers)


def test_revoking_a_voucher_stops_its_orders_and_claims(parties, records):
    reviewer = parties.client("reviewer")
    answer = post(reviewer, "voucher-revoke", records.voucher.pk, {"reason": "骗补"},
                  HTTP_IDEMPOTENCY_KEY="revoke-1")
    assert answer.status_code == 200, answer.content
    assert (answer.json()["state"], answer.json()["available_fen"],
            answer.json()["held_fen"]) == ("revoked", 0, 0)
    assert ServiceOrder.objects.get(pk=records.order.pk).state == "voided"
    assert ServiceOrder.objects.get(pk=records.placed_order.pk).state == "cancelled"
    assert Redemption.objects.get(pk=records.redemption.pk).state == "voided"
    approved = Redemption.objects.get(pk=records.approved_redemption.pk)
    assert (approved.state, approved.batch_id) == ("withdrawn", None)
    assert PaymentBatch.objects.get(pk=records.batch.pk).state == "cancelled"
    assert ledger_verify().ok
    # The same key replays the first answer; a new call is refused and changes nothing.
    replay = post(reviewer, "voucher-revoke", records.voucher.pk, {"reason": "骗补"},
                  HTTP_IDEMPOTENCY_KEY="revoke-1")
    assert (replay.status_code, replay.json()) == (200, answer.json())
    problem(post(reviewer, "voucher-revoke", records.voucher.pk, {"reason": "骗补"}),
            409, "already_revoked")


def test_revoking_needs_a_reason(parties, records):
    problem(post(parties.client("reviewer"), "voucher-revoke", records.voucher.pk,
                 {"reason": ""}), 400, "invalid")
    assert Voucher.objects.get(pk=records.voucher.pk).state == "active"


def test_withdrawing_an_approved_claim(parties, records):
    reviewer = parties.client("reviewer")
    pk = records.approved_redemption.pk
    problem(post(reviewer, "redemption-withdraw", pk, {"reason": "x", "destination": "bank"}),
            400, "invalid")
    answer = post(reviewer, "redemption-withdraw", pk,
                  {"reason": "发票作废", "destination": "budget"})
    assert answer.status_code == 200, answer.content
    assert (answer.json()["state"], answer.json()["batch_id"]) == ("withdrawn", None)
    problem(post(reviewer, "redemption-withdraw", pk, {"reason": "x", "destination": "budget"}),
            409, "not_withdrawable")
    problem(post(reviewer, "redemption-withdraw", records.redemption.pk,
                 {"reason": "x", "destination": "budget"}), 409, "not_withdrawable")
    assert ledger_verify().ok


def test_withdrawing_back_to_the_hold_and_claiming_again(parties, records):
    reviewer = parties.client("reviewer")
    pk = records.approved_redemption.pk
    answer = post(reviewer, "redemption-withdraw", pk,
                  {"reason": "金额有误", "destination": "hold"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["state"] == "withdrawn"
    order = ServiceOrder.objects.get(pk=records.approved_redemption.order_id)
    assert (order.state, order.hold_round) == ("delivered", 1)
    claim = parties.client("institution").post(reverse("api:redemption-request"),
                                               {"order_id": order.pk}, format="json")
    assert claim.status_code == 201, claim.content
    assert claim.json()["invoice_number"] == records.approved_redemption.invoice_number
    assert ledger_verify().ok


def test_a_suspended_claim_cannot_go_back_to_the_hold(parties, records):
    post(parties.client("sh_reviewer"), "organisation-blacklist",
         parties.enterprise.organisation_id, {"reason": "骗补"})
    problem(post(parties.client("reviewer"), "redemption-suspension-reject",
                 records.approved_redemption.pk, {"reason": "x", "destination": "hold"}),
            400, "invalid")
    assert Redemption.objects.get(pk=records.approved_redemption.pk).state == "suspended"


def test_blacklisting_suspends_and_the_issuing_reviewer_decides(parties, records):
    answer = post(parties.client("sh_reviewer"), "organisation-blacklist",
                  parties.enterprise.organisation_id, {"reason": "骗补"})
    assert answer.status_code == 201, answer.content
    assert (answer.json()["organisation_id"], answer.json()["region_code"]) == (
        parties.enterprise.organisation_id, "SH")
    assert Blacklisting.objects.count() == 1
    listed = parties.client("reviewer").get(reverse("api:redemption-list"),
                                            {"state": "suspended"}).json()
    assert sorted(row["id"] for row in listed["results"]) == sorted(
        [records.redemption.pk, records.approved_redemption.pk])
    orders = parties.client("reviewer").get(reverse("api:order-list"),
                                            {"state": "suspended"}).json()
    assert [row["id"] for row in orders["results"]] == [records.placed_order.pk]

    reviewer = parties.client("reviewer")
    lifted = post(reviewer, "redemption-suspension-lift", records.redemption.pk)
    assert lifted.json()["state"] == "requested"
    problem(post(reviewer, "redemption-suspension-lift", records.redemption.pk), 409,
            "not_suspended")
    problem(post(reviewer, "redemption-suspension-reject", records.approved_redemption.pk,
                 {"destination": "voucher"}), 400, "invalid")
    rejected = post(reviewer, "redemption-suspension-reject", records.approved_redemption.pk,
                    {"reason": "骗补", "destination": "voucher"})
    assert rejected.json()["state"] == "withdrawn"
    ended = post(reviewer, "order-suspension-reject", records.placed_order.pk,
                 {"reason": "骗补", "destination": "budget"})
    assert ended.json()["state"] == "voided"
    assert ledger_verify().ok


def test_blacklisting_an_operator_or_twice_is_refused(parties, records):
    reviewer = parties.client("reviewer")
    assert post(reviewer, "organisation-blacklist", parties.operator.organisation_id,
                {"reason": "x"}).status_code == 404
    post(reviewer, "organisation-blacklist", parties.institution.organisation_id,
         {"reason": "x"})
    problem(post(reviewer, "organisation-blacklist", parties.institution.organisation_id,
                 {"reason": "x"}), 409, "already_blacklisted")


def test_finance_cannot_pay_or_batch_for_a_blacklisted_payee(parties, records):
    post(parties.client("reviewer"), "organisation-blacklist",
         parties.institution.organisation_id, {"reason": "伪造报告"})
    finance = parties.client("finance")
    answer = finance.post(reverse("api:batch-create"),
                          {"payee_id": parties.institution.organisation_id}, format="json")
    problem(answer, 403, "blacklisted")
