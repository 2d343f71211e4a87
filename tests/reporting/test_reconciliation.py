"""Each discrepancy kind is detected, and only that one, against an otherwise clean year."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from accounts.models import Region
from bench.year_seed import PAID_ON
from devtools.factories.vouchers import NOW
from reporting.models import Discrepancy, TreasuryPayment
from reporting.services.reconciliation import reconciliation_findings
from vouchers.ledger.models import Account
from vouchers.ledger.services import TransferSpec, ledger_post
from vouchers.models import PaymentBatch, Redemption
from vouchers.services import settlements

Kind = Discrepancy.Kind
_bank = itertools.count(1)


def treasury(batch: PaymentBatch, *, amount_fen=None, reference=None, paid_on=PAID_ON,
             credit_code=None) -> TreasuryPayment:
    return TreasuryPayment.objects.create(
        region=batch.region, batch_reference=reference or batch.number,
        credit_code=credit_code or batch.payee.credit_code,
        amount_fen=batch.total_fen if amount_fen is None else amount_fen, paid_on=paid_on,
        bank_reference=f"BANK-{next(_bank)}", source_name="t.csv", line_number=2,
        imported_by=batch.created_by, imported_at=NOW,
    )


def findings(code: str, *, due_days=30, date_to=date(2024, 4, 30)):
    return reconciliation_findings(
        region=Region.objects.get(short_code=code), date_from=date(2024, 3, 1), date_to=date_to,
        due_days=due_days,
    )


def kinds(code: str, **options) -> list[str]:
    return [finding.kind for finding in findings(code, **options)]


@pytest.fixture
def reconciled(year):
    """Every paid batch has its treasury payment: Jiangsu and Zhejiang reconcile clean."""
    for batch in year.batches.values():
        treasury(batch)
    return year


def test_a_fully_paid_region_reconciles_clean(reconciled):
    assert kinds("JS") == []
    assert kinds("ZJ") == []


def test_an_approval_unpaid_past_the_due_period(reconciled):
    [finding] = findings("SH")

    redemption = reconciled.redemptions["sh_zj"]
    assert (finding.kind, finding.subject) == (Kind.UNPAID_OVERDUE, f"redemption:{redemption.pk}")
    assert (finding.expected_fen, finding.actual_fen) == (6_000_00, 0)
    assert kinds("SH", due_days=70) == []  # not due yet
    assert kinds("SH", date_to=date(2024, 3, 20)) == []  # as of an earlier day: not yet due


def test_a_batch_paid_after_the_period_is_unpaid_as_of_its_end(reconciled):
    treasury(reconciled.batches["js_sh"], paid_on=date(2024, 5, 3),
             reference="JS-unknown-later")  # unrelated, outside the period
    assert kinds("JS", date_to=date(2024, 4, 1)) == [Kind.UNPAID_OVERDUE, Kind.UNPAID_OVERDUE,
                                                     Kind.UNPAID_OVERDUE]


def test_a_paid_amount_differing_from_the_approved_amount(reconciled):
    batch = reconciled.batches["js_js"]
    TreasuryPayment.objects.filter(batch_reference=batch.number).delete()
    treasury(batch, amount_fen=batch.total_fen - 1)

    [finding] = findings("JS")
    assert finding.kind == Kind.AMOUNT_MISMATCH
    assert (finding.expected_fen, finding.actual_fen) == (3_000_00, 2_999_99)


def test_a_payment_with_no_batch(reconciled):
    treasury(reconciled.batches["js_js"], reference="JS-PAY-2024-999999")
    assert kinds("JS") == [Kind.UNMATCHED_PAYMENT]


def test_a_payment_to_another_payee_than_the_batch(reconciled, year):
    treasury(reconciled.batches["js_js"], credit_code=year.institutions["SH"].organisation
             .credit_code)
    assert kinds("JS") == [Kind.UNMATCHED_PAYMENT]


def test_a_duplicate_payment(reconciled):
    treasury(reconciled.batches["js_js"])
    [finding] = findings("JS")
    assert finding.kind == Kind.DUPLICATE_PAYMENT
    assert finding.actual_fen == 3_000_00


def test_a_ledger_posting_with_no_business_record(reconciled):
    program = reconciled.programs["JS"]
    paid = Account.objects.get(kind=Account.Kind.PAID, owner_id=str(program.pk))
    payable = Account.objects.filter(kind=Account.Kind.PAYABLE,
                                     owner_id__startswith=f"{program.pk}:").first()
    ledger_post(transfers=[TransferSpec(
        idempotency_key="stray-payment", debit_account_id=payable.pk, credit_account_id=paid.pk,
        amount_fen=1_00, business_type="redemption", business_id="999999",
    )], now=NOW)

    [finding] = findings("JS")
    assert (finding.kind, finding.subject) == (Kind.POSTING_WITHOUT_RECORD,
                                               "transfer:stray-payment")


def test_a_business_record_with_no_ledger_posting(reconciled):
    # A payment recorded on the batch and the redemption without its ledger posting
    # (written behind the services' back).
    redemption = reconciled.redemptions["sh_zj"]
    batch = settlements.payment_batch_create(
        actor=reconciled.finance["SH"], payee=redemption.payee, now=NOW)
    PaymentBatch.objects.filter(pk=batch.pk).update(
        state="paid", paid_at=NOW, paid_on=PAID_ON, payment_reference="GK-SH-001")
    Redemption.objects.filter(pk=redemption.pk).update(state="paid")
    batch.refresh_from_db()
    treasury(batch)

    [finding] = findings("SH")
    assert (finding.kind, finding.subject) == (Kind.RECORD_WITHOUT_POSTING,
                                               f"redemption:{redemption.pk}:pay")
