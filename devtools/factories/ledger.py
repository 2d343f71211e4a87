"""Factories for ledger accounts, and a helper that funds an account through the journal."""

from __future__ import annotations

import itertools
from datetime import datetime

import factory

from vouchers.ledger.models import Account, Transfer
from vouchers.ledger.services import TransferSpec, ledger_post

_keys = itertools.count(1)


def next_key(prefix: str = "t") -> str:
    return f"{prefix}-{next(_keys)}"


class AccountFactory(factory.django.DjangoModelFactory):
    """An unlimited account; `limited=True` forbids debits beyond credits."""

    class Meta:
        model = Account

    class Params:
        limited = factory.Trait(debits_must_not_exceed_credits=True)

    kind = Account.Kind.VOUCHER
    owner_type = "test"
    owner_id = factory.Sequence(lambda n: f"owner-{n}")
    name = factory.Sequence(lambda n: f"测试账户{n}")


def fund(account: Account, amount_fen: int, *, now: datetime) -> Transfer:
    """Credit `account` from a fresh unlimited funding account, through `ledger_post`."""
    source = AccountFactory(kind=Account.Kind.FUNDING)
    [transfer] = ledger_post(
        transfers=[
            TransferSpec(
                idempotency_key=next_key("fund"),
                debit_account_id=source.pk,
                credit_account_id=account.pk,
                amount_fen=amount_fen,
            )
        ],
        now=now,
    )
    account.refresh_from_db()
    return transfer
