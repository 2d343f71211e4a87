"""Balances as of a past moment, derived from the journal alone.

"As of `moment`" means: the transfers with `created_at <= moment` (a transfer's `created_at` is
the instant it was posted, the `now` of the service that posted it), and nothing after.

- posted debits and credits: transfers of phase `posted` or `post_pending` up to the moment
  (a posted hold counts with the amount the post names, which may be less than the hold);
- pending debits and credits: holds (`pending`) made up to the moment that no `post_pending`
  or `void_pending` made up to the moment resolves — a hold posted or voided later was still
  pending then;
- a hold past its `timeout_at` but not yet voided by the moment still counts as pending: the
  journal records its expiry when the void is written, and so does this view.

The same four balances as `Account`, so the current balances are the as-of balances of any
moment after the last transfer (`ledger_verify` checks the same sums without a moment). Two
queries, whatever the number of accounts: one per side, each grouped by account; they use
the journal's account indexes (debit side: `debit_account_id`, credit side:
`(credit_account_id, created_at)`), see docs/benchmarks.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from vouchers.ledger.models import Transfer

Phase = Transfer.Phase
POSTED_PHASES = (Phase.POSTED, Phase.POST_PENDING)


@dataclass(frozen=True)
class AccountBalances:
    """An account's four balances at a moment (fen), with the two figures derived from them."""

    debits_pending_fen: int = 0
    debits_posted_fen: int = 0
    credits_pending_fen: int = 0
    credits_posted_fen: int = 0

    @property
    def balance_fen(self) -> int:
        return self.credits_posted_fen - self.debits_posted_fen

    @property
    def available_fen(self) -> int:
        return self.credits_posted_fen - self.debits_posted_fen - self.debits_pending_fen


def journal_as_of(moment: datetime) -> QuerySet[Transfer]:
    """The journal as it stood at `moment`: every transfer posted at or before it."""
    return Transfer.objects.filter(created_at__lte=moment)


def still_pending(moment: datetime) -> Q:
    """Holds made by `moment` that nothing made by `moment` had posted or voided."""
    resolved = Transfer.objects.filter(pending_transfer=OuterRef("pk"), created_at__lte=moment)
    return Q(phase=Phase.PENDING) & ~Q(Exists(resolved))


def _side(side: str, account_ids: list[int], moment: datetime) -> dict[int, tuple[int, int]]:
    rows = (
        journal_as_of(moment)
        .filter(**{f"{side}_id__in": account_ids})
        .order_by()
        .values(f"{side}_id")
        .annotate(
            posted=Coalesce(Sum("amount_fen", filter=Q(phase__in=POSTED_PHASES)), 0),
            pending=Coalesce(Sum("amount_fen", filter=still_pending(moment)), 0),
        )
    )
    return {row[f"{side}_id"]: (row["posted"], row["pending"]) for row in rows}


def account_balances_as_of(
    *, account_ids: Iterable[int], moment: datetime
) -> dict[int, AccountBalances]:
    """The balances of each account at `moment` (every id gets an entry; zeros if the
    account had no transfer by then). Two queries."""
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    debits = _side("debit_account", ids, moment)
    credits = _side("credit_account", ids, moment)
    return {
        pk: AccountBalances(
            debits_pending_fen=debits.get(pk, (0, 0))[1],
            debits_posted_fen=debits.get(pk, (0, 0))[0],
            credits_pending_fen=credits.get(pk, (0, 0))[1],
            credits_posted_fen=credits.get(pk, (0, 0))[0],
        )
        for pk in ids
    }


def posted_total_as_of(*, moment: datetime, condition: Q) -> int:
    """The sum of the posted transfers matching `condition` at `moment` (fen)."""
    total: Any = journal_as_of(moment).filter(condition, phase__in=POSTED_PHASES).aggregate(
        total=Coalesce(Sum("amount_fen"), 0))["total"]
    return int(total)


def pending_total_as_of(*, moment: datetime, condition: Q) -> int:
    """The sum of the holds matching `condition` still pending at `moment` (fen)."""
    total: Any = journal_as_of(moment).filter(condition).filter(still_pending(moment)).aggregate(
        total=Coalesce(Sum("amount_fen"), 0))["total"]
    return int(total)
