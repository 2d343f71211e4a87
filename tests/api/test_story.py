"""The cross-region story over the API: a Jiangsu voucher spent at a Shanghai institution."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from tests.api.conftest import PDF, PNG
from vouchers.ledger.selectors import ledger_verify
from vouchers.models import EvidenceKind


def test_jiangsu_voucher_spent_in_shanghai_end_to_end(parties):
    enterprise = parties.client("enterprise")
    reviewer = parties.client("reviewer")
    institution = parties.client("institution")
    finance = parties.client("finance")
    program = parties.program

    # Given a Jiangsu enterprise that applies and a Jiangsu reviewer who approves less
    applied = enterprise.post(
        reverse("api:application-submit"),
        {"program_id": program.pk, "amount_fen": 100_000_00, "purpose": "检测新产品",
         "planned_categories": ["testing"]},
        format="json", HTTP_IDEMPOTENCY_KEY="apply-1",
    )
    assert applied.status_code == 201, applied.json()
    approved = reviewer.post(
        reverse("api:application-approve", args=[applied.json()["id"]]),
        {"amount_fen": 80_000_00, "reason": "按八成核定"}, format="json",
    )
    assert approved.status_code == 200, approved.json()
    assert approved.json()["state"] == "approved"
    voucher_id = approved.json()["voucher_id"]

    # When it orders from a Shanghai institution (50 % of 10,000 yuan held)
    ordered = enterprise.post(
        reverse("api:order-place"),
        {"voucher_id": voucher_id, "institution_id": parties.institution.organisation_id,
         "category": "testing", "contract_number": "HT-2024-001", "total_fee_fen": 10_000_00},
        format="json",
    )
    assert ordered.status_code == 201, ordered.json()
    order = ordered.json()
    assert (order["voucher_fen"], order["enterprise_share_fen"]) == (5_000_00, 5_000_00)
    assert order["issuing_region_code"] == "JS"
    assert order["serving_region_code"] == "SH"
    voucher = enterprise.get(reverse("api:voucher-detail", args=[voucher_id])).json()
    assert (voucher["available_fen"], voucher["held_fen"], voucher["spent_fen"]) == (
        75_000_00, 5_000_00, 0,
    )

    # And the institution logs the delivery and uploads its evidence
    logged = institution.post(
        reverse("api:delivery-log"),
        {"order_id": order["id"], "delivered_on": timezone.localdate().isoformat(),
         "description": "检测报告一份", "invoice_number": "24312000000000000001",
         "report_number": "BG-0001"},
        format="json",
    )
    assert logged.status_code == 201, logged.json()
    for kind in EvidenceKind.values:
        content = PNG if kind == "report" else PDF
        uploaded = institution.post(
            reverse("api:evidence-upload", args=[order["id"]]),
            {"kind": kind, "file": _file(f"{kind}.bin", content)}, format="multipart",
        )
        assert uploaded.status_code == 201, uploaded.json()
    evidence = enterprise.get(reverse("api:evidence-list", args=[order["id"]])).json()
    assert evidence["count"] == 4
    assert {row["content_type"] for row in evidence["results"]} == {
        "application/pdf", "image/png",
    }

    # And the enterprise confirms, the institution requests redemption, Jiangsu approves
    confirmed = enterprise.post(reverse("api:delivery-confirm", args=[logged.json()["id"]]))
    assert confirmed.json()["state"] == "confirmed"
    requested = institution.post(
        reverse("api:redemption-request"), {"order_id": order["id"]}, format="json"
    )
    assert requested.status_code == 201, requested.json()
    redemption_id = requested.json()["id"]
    decided = reviewer.post(reverse("api:redemption-approve", args=[redemption_id]), {},
                            format="json")
    assert decided.json()["state"] == "approved"

    # And Jiangsu finance batches and pays
    batch = finance.post(
        reverse("api:batch-create"), {"payee_id": parties.institution.organisation_id},
        format="json", HTTP_IDEMPOTENCY_KEY="batch-1",
    )
    assert batch.status_code == 201, batch.json()
    assert batch.json()["total_fen"] == 5_000_00
    exported = finance.get(reverse("api:batch-export", args=[batch.json()["id"]])).json()
    assert [row["amount_fen"] for row in exported["rows"]] == [5_000_00]
    csv = finance.get(reverse("api:batch-export-csv", args=[batch.json()["id"]]))
    assert b"HT-2024-001" in b"".join(csv.streaming_content)
    paid = finance.post(
        reverse("api:batch-pay", args=[batch.json()["id"]]),
        {"payment_reference": "GK-2024-0001", "paid_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert paid.status_code == 200, paid.json()
    assert paid.json()["state"] == "paid"

    # Then the ledger is clean and its read side shows the balances
    assert ledger_verify().ok
    assert enterprise.get(
        reverse("api:redemption-detail", args=[redemption_id])
    ).json()["state"] == "paid"
    accounts = {
        (row["kind"], row["owner_id"]): row
        for row in finance.get(reverse("api:ledger-account-list"), {"page_size": 200})
        .json()["results"]
    }
    voucher_code = voucher["code"]
    assert accounts[("voucher", voucher_code)]["balance_fen"] == 75_000_00
    assert accounts[("voucher", voucher_code)]["available_fen"] == 75_000_00
    paid_account = accounts[("paid", str(program.pk))]
    assert paid_account["credits_posted_fen"] == 5_000_00
    payable = accounts[("payable", f"{program.pk}:{parties.institution.organisation_id}")]
    assert payable["credits_posted_fen"] == payable["debits_posted_fen"] == 5_000_00
    budget = accounts[("budget", str(program.pk))]
    assert budget["available_fen"] == program.budget_fen - 80_000_00
    transfers = finance.get(
        reverse("api:ledger-account-transfers", args=[accounts[("voucher", voucher_code)]["id"]])
    ).json()
    assert [row["phase"] for row in transfers["results"]] == [
        "post_pending", "pending", "posted",
    ]
    # Shanghai's authority sees none of Jiangsu's money
    shanghai = parties.client("sh_finance").get(reverse("api:ledger-account-list")).json()
    assert all(row["owner_id"] != voucher_code for row in shanghai["results"])


def _file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
