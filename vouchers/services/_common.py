"""Building blocks shared by the voucher services; they join the caller's transaction."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import F

from accounts.audit import audit_record
from accounts.models import Organisation, Region, User
from vouchers.errors import Blacklisted, ConcurrentUpdate
from vouchers.ledger.models import Account
from vouchers.ledger.services import TransferSpec, account_open, ledger_post
from vouchers.models import Blacklisting, Program, ServiceOrder, Voucher
from vouchers.states import require_transition


def move_state(
    record: Any,
    *,
    target: str,
    transitions: Mapping[str, frozenset[str]],
    **fields: Any,
) -> str:
    """Check the transition table, then compare-and-set; returns the previous state.

    `record` must have been read under its lock (or be fresh): its state is the expected one.
    """
    current = record.state
    model = type(record)
    require_transition(transitions, model.State, current, target, record=str(record))
    updated = model.objects.filter(pk=record.pk, state=current).update(state=target, **fields)
    if updated != 1:
        raise ConcurrentUpdate("该记录已被他人处理，请刷新后查看", extra={"record": str(record)})
    record.state = target
    for name, value in fields.items():
        setattr(record, name, value)
    return current


def audit(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    region: Region,
    now: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    amount_fen: int | None = None,
) -> None:
    """One audit line, readable by the authority of `region` (the issuing region)."""
    audit_record(
        actor=actor,
        action=action,
        target=target,
        before=before,
        after=after,
        reason=reason,
        amount_fen=amount_fen,
        region=region,
        now=now,
    )


def normalise_number(raw: str) -> str:
    """Invoice and contract numbers compare without width, case, spaces, dashes or invisible
    characters (a zero-width space must not make a used invoice number look new)."""
    folded = unicodedata.normalize("NFKC", raw or "")
    return "".join(
        ch for ch in folded
        if not ch.isspace() and ch not in "-_/" and unicodedata.category(ch)[0] != "C"
    ).upper()


def require_not_blacklisted(organisation: Organisation) -> None:
    if Blacklisting.objects.filter(organisation=organisation).exists():
        raise Blacklisted(
            f"{organisation.name}已被列入黑名单，不能申领、使用或兑付创新券",
            extra={"organisation": organisation.pk},
        )


def funding_account(region: Region, *, now: datetime) -> Account:
    return account_open(
        kind=Account.Kind.FUNDING,
        owner_type="region",
        owner_id=region.code,
        name=f"{region.name}创新券财政资金",
        now=now,
    )


def budget_account_open(program: Program, *, now: datetime) -> Account:
    return account_open(
        kind=Account.Kind.BUDGET,
        owner_type="program",
        owner_id=str(program.pk),
        name=f"{program.region.name}{program.year}{program.name}未发放预算"[:128],
        debits_must_not_exceed_credits=True,
        now=now,
    )


def voucher_account_open(*, code: str, now: datetime) -> Account:
    return account_open(
        kind=Account.Kind.VOUCHER,
        owner_type="voucher",
        owner_id=code,
        name=f"创新券{code}",
        debits_must_not_exceed_credits=True,
        now=now,
    )


def payable_account(program: Program, payee: Organisation, *, now: datetime) -> Account:
    return account_open(
        kind=Account.Kind.PAYABLE,
        owner_type="program_payee",
        owner_id=f"{program.pk}:{payee.pk}",
        name=f"{program.region.name}{program.year}应付{payee.name}"[:128],
        now=now,
    )


def paid_account(program: Program, *, now: datetime) -> Account:
    return account_open(
        kind=Account.Kind.PAID,
        owner_type="program",
        owner_id=str(program.pk),
        name=f"{program.region.name}{program.year}{program.name}已支付"[:128],
        now=now,
    )


def clawback_account(program: Program, payee: Organisation, *, now: datetime) -> Account:
    return account_open(
        kind=Account.Kind.CLAWBACK,
        owner_type="program_payee",
        owner_id=f"{program.pk}:{payee.pk}",
        name=f"{program.region.name}{program.year}应向{payee.name}追回"[:128],
        now=now,
    )


def post(*specs: TransferSpec, now: datetime, actor: User | None) -> None:
    ledger_post(transfers=list(specs), now=now, actor=actor)


def return_to_budget(
    *, voucher: Voucher, amount_fen: int, key: str, now: datetime, actor: User | None
) -> None:
    """Move money from a voucher back to its program's unissued budget."""
    if amount_fen <= 0:
        return
    program = voucher.program
    post(
        TransferSpec(
            idempotency_key=key,
            debit_account_id=voucher.account_id,
            credit_account_id=program.budget_account_id,
            amount_fen=amount_fen,
            business_type="voucher",
            business_id=str(voucher.pk),
            memo=f"创新券{voucher.code}余额退回预算",
        ),
        now=now,
        actor=actor,
    )
    Voucher.objects.filter(pk=voucher.pk).update(returned_fen=F("returned_fen") + amount_fen)


def release_hold(
    *, order: ServiceOrder, key: str, now: datetime, actor: User | None, memo: str
) -> None:
    """Void an order's hold; if the voucher is no longer active, on to the budget."""
    post(
        TransferSpec(
            idempotency_key=key,
            phase="void_pending",
            pending_key=hold_key(order),
            business_type="service_order",
            business_id=str(order.pk),
            memo=memo,
        ),
        now=now,
        actor=actor,
    )
    voucher = order.voucher
    if voucher.state != Voucher.State.ACTIVE:
        return_to_budget(
            voucher=voucher, amount_fen=order.voucher_fen, key=f"{key}:return", now=now, actor=actor
        )


def hold_key(order: ServiceOrder) -> str:
    return f"order-hold:{order.pk}"
