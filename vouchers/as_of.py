"""A voucher's and a program's figures as of a past moment, from the journal
(`vouchers.ledger.as_of`), and the one reading of an `as_of` parameter for pages and API.

`as_of` is an ISO date or datetime. A date means the end of that day in Beijing time
(23:59:59.999999 Asia/Shanghai, as a typed deadline does: `program_dates.day_end`); a
datetime with an offset is that instant; one without an offset is Beijing time. Anything
else is refused (`as_of_invalid`, 400 in the API). A moment after the last transfer answers
today's balances.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.errors import ApplicationError
from vouchers.ledger.as_of import (
    AccountBalances,
    account_balances_as_of,
    pending_total_as_of,
    posted_total_as_of,
)
from vouchers.ledger.models import Account
from vouchers.models import Program, Voucher
from vouchers.program_dates import CHINA, day_end


class AsOfInvalid(ApplicationError):
    code = "as_of_invalid"
    http_status = 400


EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def as_of_moment(value: str) -> datetime:
    """The instant an `as_of` parameter names (see the module's docstring)."""
    text = value.strip()
    try:
        if len(text) == 10:
            moment = day_end(date.fromisoformat(text))
        else:
            moment = datetime.fromisoformat(text)
            moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=CHINA)
    except ValueError:
        raise AsOfInvalid(_("日期无效，请输入 2024-03-01 或 2024-03-01T12:00:00+08:00 格式"),
                          extra={"field": "as_of"}) from None
    # Any valid ISO moment is an answer, but years 1 and 9999 leave datetime's range once
    # moved to UTC (the database's zone): the journal holds nothing before EARLIEST or after
    # LATEST, so those bounds give the same balances.
    try:
        bounded = min(max(moment.astimezone(UTC), EARLIEST), LATEST)
    except OverflowError:
        bounded = EARLIEST if moment.year < 5000 else LATEST
    return moment if bounded == moment else bounded.astimezone(CHINA)


@dataclass(frozen=True)
class VoucherAsOf:
    """What the voucher endpoint shows, at a moment."""

    moment: datetime
    available_fen: int
    held_fen: int
    spent_fen: int
    returned_fen: int


def voucher_as_of(voucher: Voucher, *, moment: datetime) -> VoucherAsOf:
    """available, held, spent and returned as of `moment`: spent is the posted debits of
    the voucher's account less what went back to the budget (as the live figures)."""
    balances = account_balances_as_of(account_ids=[voucher.account_id], moment=moment)
    account = balances[voucher.account_id]
    returned = posted_total_as_of(moment=moment, condition=Q(
        debit_account_id=voucher.account_id, credit_account__kind=Account.Kind.BUDGET))
    return VoucherAsOf(moment=moment, available_fen=account.available_fen,
                       held_fen=account.debits_pending_fen,
                       spent_fen=account.debits_posted_fen - returned, returned_fen=returned)


@dataclass(frozen=True)
class ProgramAsOf:
    """The budget page's figures of one program, as of a moment (fen)."""

    moment: datetime
    funded_fen: int
    allocated_fen: int
    held_fen: int
    redeemed_fen: int
    paid_fen: int
    clawed_back_fen: int
    returned_fen: int
    unallocated_fen: int


def program_as_of(program: Program, *, moment: datetime) -> ProgramAsOf:
    """funded (FUNDING → BUDGET), allocated (BUDGET → VOUCHER), returned (VOUCHER → BUDGET),
    held (the program's pending holds), redeemed (holds posted to the payees), paid (into
    PAID), clawed back (out of PAID), unallocated (the budget account's available balance)."""
    budget_id = program.budget_account_id
    budget = account_balances_as_of(account_ids=[budget_id], moment=moment).get(
        budget_id or 0, AccountBalances())
    payable = Q(credit_account__kind=Account.Kind.PAYABLE,
                credit_account__owner_id__startswith=f"{program.pk}:")
    paid = Q(kind=Account.Kind.PAID, owner_type="program", owner_id=str(program.pk))
    into_budget = Q(credit_account_id=budget_id)

    def posted(condition: Q) -> int:
        return posted_total_as_of(moment=moment, condition=condition)

    return ProgramAsOf(
        moment=moment,
        funded_fen=posted(into_budget & Q(debit_account__kind=Account.Kind.FUNDING)),
        allocated_fen=budget.debits_posted_fen,
        held_fen=pending_total_as_of(moment=moment, condition=payable),
        redeemed_fen=posted(payable & Q(phase="post_pending")),
        paid_fen=posted(Q(credit_account__in=Account.objects.filter(paid))),
        clawed_back_fen=posted(Q(debit_account__in=Account.objects.filter(paid))),
        returned_fen=posted(into_budget & Q(debit_account__kind=Account.Kind.VOUCHER)),
        unallocated_fen=budget.available_fen,
    )
