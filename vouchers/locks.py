"""Row locks of the voucher records, always taken in one fixed order.

Every service that moves money locks in this order, each kind by ascending pk:
programs → organisations → application → voucher → order → redemptions → claw-backs → batch →
batch counter, and the ledger locks its accounts last (inside ledger_post). Two transactions that
need the same rows therefore queue instead of deadlocking. `no_key=True` (FOR NO KEY UPDATE)
does not block inserts of rows that merely reference the locked ones (audit lines,
transfers); `of=("self",)` keeps joined tables unlocked. SQLite ignores these locks: its
IMMEDIATE transactions serialise writers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db import models

from accounts.models import Organisation
from vouchers.models import (
    Application,
    ClawBack,
    PaymentBatch,
    PaymentBatchCounter,
    Program,
    Redemption,
    ServiceOrder,
    Voucher,
)

_Record = TypeVar("_Record", bound=models.Model)


def _locked(
    model: type[_Record], pks: Iterable[int], related: tuple[str, ...] = ()
) -> list[_Record]:
    # _default_manager is `objects` on every model locked here (none declares another manager).
    queryset = model._default_manager.select_for_update(no_key=True, of=("self",))
    if related:
        queryset = queryset.select_related(*related)
    return list(queryset.filter(pk__in=sorted(set(pks))).order_by("pk"))


def lock_organisations(pks: Iterable[int]) -> list[Organisation]:
    """Quota checks: an enterprise (or its whole group) applies one claim at a time."""
    return _locked(Organisation, pks)


def lock_application(pk: int) -> Application:
    return _locked(Application, [pk])[0]


def lock_voucher(pk: int) -> Voucher:
    """Spending: orders on one voucher read its available balance one after another."""
    return _locked(Voucher, [pk])[0]


def lock_voucher_with_program(pk: int) -> Voucher:
    """lock_voucher, its program and region read in the same statement (not locked: `of`)."""
    return _locked(Voucher, [pk], related=("program__region",))[0]


def lock_order(pk: int) -> ServiceOrder:
    return _locked(ServiceOrder, [pk])[0]


def lock_orders(pks: Iterable[int]) -> list[ServiceOrder]:
    """Sanctions: every open order of a voucher or of a blacklisted party at once."""
    return _locked(ServiceOrder, pks)


def lock_batches(pks: Iterable[int]) -> list[PaymentBatch]:
    """Sanctions: the open batches that stopped claims leave."""
    return _locked(PaymentBatch, pks)


def lock_redemptions(pks: Iterable[int]) -> list[Redemption]:
    return _locked(Redemption, pks)


def lock_claw_backs(pks: Iterable[int]) -> list[ClawBack]:
    """Repayments: what is still outstanding is read and reduced one repayment at a time."""
    return _locked(ClawBack, pks, related=("redemption__program", "redemption__payee"))


def lock_batch(pk: int) -> PaymentBatch:
    return _locked(PaymentBatch, [pk])[0]


def lock_batch_counter(*, region_id: int, year: int) -> PaymentBatchCounter:
    """Numbering: batches of one region and year take their sequence one after another.

    The row is created on first use; `ignore_conflicts` (INSERT … ON CONFLICT DO NOTHING)
    lets two first batches of a year race to create it without either failing.
    """
    PaymentBatchCounter.objects.bulk_create(
        [PaymentBatchCounter(region_id=region_id, year=year)], ignore_conflicts=True
    )
    return (
        PaymentBatchCounter.objects.select_for_update(no_key=True, of=("self",))
        .get(region_id=region_id, year=year)
    )


def lock_program(pk: int) -> Program:
    """Funding and updates of one program queue behind each other."""
    return _locked(Program, [pk])[0]


def lock_programs(pks: Iterable[int]) -> list[Program]:
    """The operator's change to several programs at once (a city added to the common area)."""
    return _locked(Program, pks)


def lock_vouchers(pks: Iterable[int]) -> list[Voucher]:
    """A program's deadline change: no order reads a voucher's use-by while it moves."""
    return _locked(Voucher, pks)
