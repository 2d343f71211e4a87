"""Reconciliation (对账): approved redemptions ↔ ledger postings ↔ treasury payments.

`reconciliation_findings` only reads; the run executor (`services.runs`) writes the findings
of one run in its final transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.db.models import (
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Concat

from accounts.models import Region
from config.db_routers import reading_primary
from reporting.models import Discrepancy, TreasuryPayment
from reporting.selectors import local_day_start
from reporting.services.annual_totals import Progress
from vouchers.ledger.models import Account, Transfer
from vouchers.models import ClawBackRepayment, PaymentBatch, Program, Redemption
from vouchers.recovery_selectors import outstanding_claw_backs
from vouchers.states import PAID_STATES, REDEEMED_STATES

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

Kind = Discrepancy.Kind


@dataclass(frozen=True)
class Finding:
    kind: str
    subject: str
    description: str
    expected_fen: int | None = None
    actual_fen: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


class PaymentMatch(TypedDict):
    """What _treasury_payments annotates on a treasury payment: its batch, if any."""

    batch_id: int | None
    batch_state: str | None
    payee_code: str | None
    approved_fen: int | None
    is_repeat: bool


def due_days_default() -> int:
    days: int = getattr(settings, "RECONCILIATION_DUE_DAYS", 30)
    return days


def reconciliation_findings(
    *, region: Region, date_from: date, date_to: date, due_days: int,
    progress: Progress | None = None,
) -> list[Finding]:
    """Every discrepancy of `region` for the period [date_from, date_to] (local dates).

    Reads on the primary, never on a replica: the findings must match the ledger exactly."""
    checks = (_unpaid_overdue, _treasury_payments, _postings_without_record,
              _records_without_posting, _claw_backs_overdue, _repayments_unmatched)
    findings: list[Finding] = []
    for index, check in enumerate(checks, start=1):
        with reading_primary():
            findings.extend(check(region, date_from, date_to, due_days))
        if progress is not None:
            progress(index, len(checks))
    return sorted(findings, key=lambda finding: (finding.kind, finding.subject))


def _text_pk() -> Cast:
    return Cast("pk", output_field=CharField())


def _treasury_paid(region: Region, date_to: date) -> QuerySet[TreasuryPayment]:
    return TreasuryPayment.objects.filter(
        region=region, batch_reference=OuterRef("batch__number"), paid_on__lte=date_to
    )


def _unpaid_overdue(
    region: Region, date_from: date, date_to: date, due_days: int
) -> list[Finding]:
    """Approved at least `due_days` before the period's end and not paid by the treasury by
    then (ageing looks back past the period's start)."""
    approved_before = local_day_start(date_to - timedelta(days=due_days - 1))
    rows = (
        Redemption.objects.filter(
            program__region=region, state__in=REDEEMED_STATES, reviewed_at__lt=approved_before
        )
        .annotate(treasury_paid=Exists(_treasury_paid(region, date_to)))
        .filter(treasury_paid=False)
        .select_related("payee", "batch")
        .order_by("pk")
    )
    return [
        Finding(
            Kind.UNPAID_OVERDUE, f"redemption:{row.pk}",
            f"兑付#{row.pk}（{row.payee.name}）批准已超过{due_days}天，国库尚未支付",
            expected_fen=row.approved_fen, actual_fen=0,
            details={"approved_on": _approved_on(row),
                     "batch": row.batch.number if row.batch else ""},
        )
        for row in rows
    ]


def _approved_on(redemption: Redemption) -> str:
    reviewed_at = redemption.reviewed_at
    if reviewed_at is None:  # unreachable: the query selects reviewed redemptions only
        raise ValueError(f"redemption {redemption.pk} was not reviewed")
    return reviewed_at.date().isoformat()


def _treasury_payments(
    region: Region, date_from: date, date_to: date, due_days: int
) -> list[Finding]:
    batches = PaymentBatch.objects.filter(region=region, number=OuterRef("batch_reference"))
    approved = (
        Redemption.objects.filter(batch=OuterRef("pk")).order_by().values("batch")
        .annotate(total=Sum("approved_fen")).values("total")
    )
    earlier = TreasuryPayment.objects.filter(
        region=region, batch_reference=OuterRef("batch_reference")
    ).filter(
        Q(paid_on__lt=OuterRef("paid_on")) | Q(paid_on=OuterRef("paid_on"), pk__lt=OuterRef("pk"))
    )
    payments = (
        TreasuryPayment.objects.filter(region=region, paid_on__gte=date_from, paid_on__lte=date_to)
        .annotate(
            batch_id=Subquery(batches.values("pk")[:1]),
            batch_state=Subquery(batches.values("state")[:1]),
            payee_code=Subquery(batches.values("payee__credit_code")[:1]),
            approved_fen=Subquery(
                batches.annotate(total=Subquery(approved)).values("total")[:1]
            ),
            is_repeat=Exists(earlier),
        )
        .order_by("pk")
    )
    return [finding for payment in payments if (finding := _classify_payment(payment))]


def _classify_payment(payment: WithAnnotations[TreasuryPayment, PaymentMatch]) -> Finding | None:
    subject = f"payment:{payment.bank_reference}"
    details = {"batch_reference": payment.batch_reference, "paid_on": payment.paid_on.isoformat(),
               "line": payment.line_number}
    if payment.batch_id is None:
        return Finding(Kind.UNMATCHED_PAYMENT, subject,
                       f"国库支付{payment.bank_reference}的批次号{payment.batch_reference}不存在",
                       actual_fen=payment.amount_fen, details=details)
    if payment.payee_code != payment.credit_code or payment.batch_state != PaymentBatch.State.PAID:
        return Finding(Kind.UNMATCHED_PAYMENT, subject,
                       f"国库支付{payment.bank_reference}与批次{payment.batch_reference}的收款单位"
                       "或支付状态不符", actual_fen=payment.amount_fen,
                       details={**details, "batch_state": payment.batch_state,
                                "credit_code": payment.credit_code})
    if payment.is_repeat:
        return Finding(Kind.DUPLICATE_PAYMENT, subject,
                       f"批次{payment.batch_reference}已由国库支付过，此笔为重复支付",
                       expected_fen=0, actual_fen=payment.amount_fen, details=details)
    if payment.amount_fen != payment.approved_fen:
        return Finding(Kind.AMOUNT_MISMATCH, subject,
                       f"批次{payment.batch_reference}国库支付金额与核定兑付金额不符",
                       expected_fen=payment.approved_fen, actual_fen=payment.amount_fen,
                       details=details)
    return None


def _region_postings(region: Region, date_from: date, date_to: date) -> QuerySet[Transfer]:
    """Redemption postings of the region's programs: approvals (into a payable account) and
    treasury payments (into the program's paid account), created within the period."""
    program_ids = [str(pk) for pk in Program.objects.filter(region=region).values_list("pk",
                                                                                        flat=True)]
    payable = Q()
    for program_id in program_ids:
        payable |= Q(credit_account__owner_id__startswith=f"{program_id}:")
    scope = Q(credit_account__kind=Account.Kind.PAID, credit_account__owner_id__in=program_ids)
    if program_ids:
        scope |= Q(credit_account__kind=Account.Kind.PAYABLE) & payable
    return Transfer.objects.filter(
        scope,
        business_type="redemption",
        created_at__gte=local_day_start(date_from),
        created_at__lt=local_day_start(date_to + timedelta(days=1)),
    )


def _postings_without_record(
    region: Region, date_from: date, date_to: date, due_days: int
) -> list[Finding]:
    def matching(states: tuple[str, ...] | None) -> QuerySet[Redemption]:
        claims = Redemption.objects.annotate(text_pk=_text_pk()).filter(
            text_pk=OuterRef("business_id"), approved_fen=OuterRef("amount_fen"))
        return claims if states is None else claims.filter(state__in=states)

    approvals = Q(phase=Transfer.Phase.POST_PENDING, has_approval=False)
    payments = Q(phase=Transfer.Phase.POSTED, credit_account__kind=Account.Kind.PAID,
                 has_payment=False)
    rows = (
        _region_postings(region, date_from, date_to)
        # An approval's record is the claim's approved amount, whatever came after it: a
        # claim withdrawn before payment, or suspended by a blacklisting, was approved.
        .annotate(has_approval=Exists(matching(None)),
                  has_payment=Exists(matching(PAID_STATES)))
        .filter(approvals | payments)
        .order_by("pk")
    )
    return [
        Finding(Kind.POSTING_WITHOUT_RECORD, f"transfer:{row.idempotency_key}",
                f"总账流水{row.idempotency_key}找不到状态和金额一致的兑付记录#{row.business_id}",
                actual_fen=row.amount_fen,
                details={"business_id": row.business_id, "phase": row.phase})
        for row in rows
    ]


def _records_without_posting(
    region: Region, date_from: date, date_to: date, due_days: int
) -> list[Finding]:
    start, end = local_day_start(date_from), local_day_start(date_to + timedelta(days=1))

    def posting(prefix: str) -> Exists:
        return Exists(Transfer.objects.filter(
            idempotency_key=Concat(Value(prefix), Cast(OuterRef("pk"), CharField())),
            amount_fen=OuterRef("approved_fen"),
        ))

    approved = Redemption.objects.filter(
        program__region=region, state__in=REDEEMED_STATES, reviewed_at__gte=start,
        reviewed_at__lt=end,
    ).annotate(posted=posting("redemption-approve:")).filter(posted=False)
    paid = Redemption.objects.filter(
        program__region=region, state__in=PAID_STATES, batch__paid_at__gte=start,
        batch__paid_at__lt=end,
    ).annotate(posted=posting("settlement-pay:")).filter(posted=False)
    findings = [
        Finding(Kind.RECORD_WITHOUT_POSTING, f"redemption:{row.pk}:{label}",
                f"兑付#{row.pk}{text}，但总账没有对应记账", expected_fen=row.approved_fen,
                details={"state": row.state})
        for rows, label, text in ((approved, "approve", "已批准"), (paid, "pay", "已支付"))
        for row in rows.annotate(amount=F("approved_fen")).order_by("pk")
    ]
    return findings


def _claw_backs_overdue(
    region: Region, date_from: date, date_to: date, due_days: int
) -> list[Finding]:
    """Claw-backs still owed at the period's end whose due date had passed by then (ageing
    looks back past the period's start, as for unpaid redemptions)."""
    return [
        Finding(
            Kind.CLAW_BACK_OVERDUE, f"claw_back:{row.pk}",
            f"追回款CB-{row.pk}（{row.redemption.payee.name}）应于{row.due_on.isoformat()}前退回，"
            "尚未退清",
            expected_fen=row.amount_fen, actual_fen=row.amount_fen - row.owed_fen,
            details={"due_on": row.due_on.isoformat(), "owed_fen": row.owed_fen},
        )
        for row in outstanding_claw_backs(region=region, on=date_to).filter(due_on__lt=date_to)
    ]


def _repayments_unmatched(
    region: Region, date_from: date, date_to: date, due_days: int
) -> list[Finding]:
    """Repayments recorded in the period against their ledger postings, both ways: a
    repayment whose `clawback-repay:<id>` transfer is missing or of another amount, and a
    repayment posting with no such repayment."""
    start, end = local_day_start(date_from), local_day_start(date_to + timedelta(days=1))
    posted = Transfer.objects.filter(
        idempotency_key=Concat(Value("clawback-repay:"), Cast(OuterRef("pk"), CharField())),
        amount_fen=OuterRef("amount_fen"))
    records = (ClawBackRepayment.objects.filter(region=region, recorded_at__gte=start,
                                                recorded_at__lt=end)
               .annotate(posted=Exists(posted)).filter(posted=False).order_by("pk"))
    findings = [
        Finding(Kind.RECORD_WITHOUT_POSTING, f"repayment:{row.pk}",
                f"追回款退回（流水号{row.bank_reference}）已登记，但总账没有对应记账",
                expected_fen=row.amount_fen, details={"claw_back": row.claw_back_id})
        for row in records
    ]
    recorded = ClawBackRepayment.objects.annotate(text_pk=_text_pk()).filter(
        text_pk=OuterRef("business_id"), amount_fen=OuterRef("amount_fen"))
    funding = Account.objects.filter(kind=Account.Kind.FUNDING, owner_id=region.code)
    postings = (Transfer.objects.filter(business_type="claw_back_repayment",
                                        credit_account__in=funding, created_at__gte=start,
                                        created_at__lt=end)
                .annotate(has_record=Exists(recorded)).filter(has_record=False).order_by("pk"))
    findings += [
        Finding(Kind.POSTING_WITHOUT_RECORD, f"transfer:{row.idempotency_key}",
                f"总账流水{row.idempotency_key}找不到金额一致的追回款退回记录",
                actual_fen=row.amount_fen, details={"business_id": row.business_id})
        for row in postings
    ]
    return findings
