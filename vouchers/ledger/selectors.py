"""Reads of the ledger, and `ledger_verify`, which recomputes every balance from the journal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from vouchers.ledger.checks import is_expiry, is_past_timeout
from vouchers.ledger.models import Account, Transfer

Phase = Transfer.Phase
BALANCE_FIELDS = (
    "debits_pending_fen",
    "debits_posted_fen",
    "credits_pending_fen",
    "credits_posted_fen",
)


def pending_transfer_state(transfer: Transfer, *, now: datetime | None = None) -> str:
    """ "pending", "posted", "voided" or "expired" (voided at or after its timeout).

    With `now`, an unresolved hold past its timeout also reads "expired": it can no longer
    be posted and the periodic job will void it.
    """
    if transfer.phase != Phase.PENDING:
        raise ValueError(f"{transfer.idempotency_key} is not a pending transfer")
    resolution = Transfer.objects.filter(pending_transfer=transfer).first()
    if resolution is None:
        expired = now is not None and is_past_timeout(transfer, now=now)
        return "expired" if expired else "pending"
    if resolution.phase == Phase.POST_PENDING:
        return "posted"
    return "expired" if is_expiry(transfer, resolution) else "voided"


def account_transfers(*, account: Account) -> QuerySet[Transfer]:
    """Every transfer debiting or crediting `account`, newest first."""
    return (
        Transfer.objects.filter(Q(debit_account=account) | Q(credit_account=account))
        .select_related("debit_account", "credit_account", "pending_transfer", "actor")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class Mismatch:
    """One disagreement: `subject` is an account ("account 12 name") or a total."""

    subject: str
    field: str
    recorded_fen: int
    journal_fen: int
    account_id: int | None = None

    def __str__(self) -> str:
        return (
            f"{self.subject}: {self.field} recorded {self.recorded_fen}, journal {self.journal_fen}"
        )


@dataclass
class VerifyReport:
    accounts_checked: int = 0
    transfers_checked: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def _journal_sum(side: str, condition: Q) -> Subquery:
    transfers = (
        Transfer.objects.filter(condition, **{side: OuterRef("pk")})
        .order_by()
        .values(side)
        .annotate(total=Sum("amount_fen"))
        .values("total")
    )
    return Coalesce(Subquery(transfers), Value(0))  # type: ignore[return-value]


def _journal_balances() -> dict[str, Subquery]:
    posted = Q(phase__in=[Phase.POSTED, Phase.POST_PENDING])
    # A hold counts as pending until a post or void references it.
    held = Q(phase=Phase.PENDING, resolutions__isnull=True)
    return {
        "journal_debits_pending_fen": _journal_sum("debit_account", held),
        "journal_debits_posted_fen": _journal_sum("debit_account", posted),
        "journal_credits_pending_fen": _journal_sum("credit_account", held),
        "journal_credits_posted_fen": _journal_sum("credit_account", posted),
    }


def ledger_verify() -> VerifyReport:
    """Recompute every account's balances from the journal, in the database, and compare.

    Also checks that total debits equal total credits per phase (pending and posted) over
    all accounts, and that no post exceeds its hold or moves other accounts than it.
    """
    report = VerifyReport(
        accounts_checked=Account.objects.count(), transfers_checked=Transfer.objects.count()
    )
    differs = Q()
    for name in BALANCE_FIELDS:
        differs |= ~Q(**{name: F(f"journal_{name}")})
    wrong = Account.objects.annotate(**_journal_balances()).filter(differs).order_by("pk")
    for account in wrong:
        for name in BALANCE_FIELDS:
            recorded, journal = getattr(account, name), getattr(account, f"journal_{name}")
            if recorded != journal:
                report.mismatches.append(
                    Mismatch(
                        f"account {account.pk} {account.name}", name, recorded, journal, account.pk
                    )
                )
    _check_totals(report)
    _check_resolutions(report)
    return report


def _check_totals(report: VerifyReport) -> None:
    totals = Account.objects.aggregate(
        **{name: Coalesce(Sum(name), Value(0)) for name in BALANCE_FIELDS}
    )
    report.totals = totals
    for phase in ("pending", "posted"):
        debits, credits = totals[f"debits_{phase}_fen"], totals[f"credits_{phase}_fen"]
        if debits != credits:
            report.mismatches.append(
                Mismatch(f"all accounts ({phase})", f"debits_{phase}_fen", debits, credits)
            )


def _check_resolutions(report: VerifyReport) -> None:
    bad = Transfer.objects.filter(pending_transfer__isnull=False).filter(
        Q(amount_fen__gt=F("pending_transfer__amount_fen"))
        | ~Q(debit_account=F("pending_transfer__debit_account"))
        | ~Q(credit_account=F("pending_transfer__credit_account"))
        | ~Q(pending_transfer__phase=Phase.PENDING)
    )
    for transfer in bad.select_related("pending_transfer").order_by("pk"):
        report.mismatches.append(
            Mismatch(
                f"transfer {transfer.idempotency_key}",
                "amount_fen",
                transfer.amount_fen,
                transfer.pending_transfer.amount_fen,  # type: ignore[union-attr]
            )
        )
