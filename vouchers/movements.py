"""Money movements of the voucher scheme, named once: the accounts they use, the transfers.

Each movement builds one `TransferSpec` with its idempotency key, its phase (the `Transfer.Phase`
enum) and its memo. The keys are derived here and nowhere else: the journal's unique index and
every replay depend on them, so they never change shape (tests/vouchers/test_movements.py pins
each one). The flow of a fen:

    funding ─fund→ budget ─issue→ voucher ─hold→ payable ─pay→ paid ─claw back→ clawback
       ↑              ↑              │  ↑                                         (owed back)
       │              └─return───────┘  └─release (void of the hold)                 │
       └──────────────────────────────── repay (the payee pays back) ────────────────┘
                                        capture: the hold posted, in full or in part

Account openers and the two composite movements (release a hold, return to the budget) join
the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from django.db.models import F

from accounts.models import Organisation, Region, User
from vouchers.ledger.models import Account, Transfer
from vouchers.ledger.services import account_open, ledger_post
from vouchers.ledger.specs import TransferSpec
from vouchers.models import (
    Application,
    ClawBackRepayment,
    Program,
    Redemption,
    ServiceOrder,
    Voucher,
)

Phase = Transfer.Phase


# Accounts: one per owner and kind (account_open returns the existing one).


def funding_account(region: Region, *, now: datetime) -> Account:
    return account_open(
        now=now,
        kind=Account.Kind.FUNDING,
        owner_type="region",
        owner_id=region.code,
        name=f"{region.name}创新券财政资金",
    )


def budget_account_open(program: Program, *, now: datetime) -> Account:
    return account_open(
        now=now,
        kind=Account.Kind.BUDGET,
        owner_type="program",
        owner_id=str(program.pk),
        name=f"{program.region.name}{program.year}{program.name}未发放预算"[:128],
        debits_must_not_exceed_credits=True,
    )


def voucher_account_open(*, code: str, now: datetime) -> Account:
    return account_open(
        now=now,
        kind=Account.Kind.VOUCHER,
        owner_type="voucher",
        owner_id=code,
        name=f"创新券{code}",
        debits_must_not_exceed_credits=True,
    )


class AccountIdentity(TypedDict):
    kind: str
    owner_type: str
    owner_id: str


def payable_account_identity(program: Program, payee: Organisation) -> AccountIdentity:
    """What names the program's payable account for a payee (kind and owner); it has no
    limits."""
    return {"kind": Account.Kind.PAYABLE, "owner_type": "program_payee",
            "owner_id": f"{program.pk}:{payee.pk}"}


def payable_account(program: Program, payee: Organisation, *, now: datetime) -> Account:
    return account_open(
        now=now,
        **payable_account_identity(program, payee),
        name=f"{program.region.name}{program.year}应付{payee.name}"[:128],
    )


def paid_account(program: Program, *, now: datetime) -> Account:
    return account_open(
        now=now,
        kind=Account.Kind.PAID,
        owner_type="program",
        owner_id=str(program.pk),
        name=f"{program.region.name}{program.year}{program.name}已支付"[:128],
    )


def clawback_account(program: Program, payee: Organisation, *, now: datetime) -> Account:
    return account_open(
        now=now,
        kind=Account.Kind.CLAWBACK,
        owner_type="program_payee",
        owner_id=f"{program.pk}:{payee.pk}",
        name=f"{program.region.name}{program.year}应向{payee.name}追回"[:128],
        # A receivable: repayments debit it, and never more than the claw-backs credited.
        debits_must_not_exceed_credits=True,
    )


# Idempotency keys, by the business record that causes the movement.


def fund_key(program: Program, reference: str) -> str:
    return f"program-fund:{program.pk}:{reference.strip()}"


def issue_key(application: Application) -> str:
    return f"voucher-issue:{application.pk}"


def hold_key(order: ServiceOrder) -> str:
    """The order's current hold: the first is `order-hold:<pk>`, a hold made again after a
    withdrawn claim `order-hold:<pk>:<round>`."""
    first = f"order-hold:{order.pk}"
    return f"{first}:{order.hold_round}" if order.hold_round else first


def cancel_key(order: ServiceOrder) -> str:
    return f"order-cancel:{order.pk}"


def lapse_key(order: ServiceOrder) -> str:
    return f"order-lapse:{order.pk}"


def expire_key(voucher: Voucher) -> str:
    return f"voucher-expire:{voucher.pk}"


def revoke_key(voucher: Voucher) -> str:
    return f"voucher-revoke:{voucher.pk}"


def revoke_order_key(voucher: Voucher, order: ServiceOrder) -> str:
    return f"{revoke_key(voucher)}:order:{order.pk}"


def approve_key(redemption: Redemption) -> str:
    return f"redemption-approve:{redemption.pk}"


def reject_key(redemption: Redemption) -> str:
    return f"redemption-reject:{redemption.pk}"


def withdraw_key(redemption: Redemption) -> str:
    return f"redemption-withdraw:{redemption.pk}"


def void_key(order: ServiceOrder) -> str:
    return f"order-void:{order.pk}"


def pay_key(redemption: Redemption) -> str:
    return f"settlement-pay:{redemption.pk}"


def claw_back_key(redemption: Redemption) -> str:
    return f"clawback:{redemption.pk}"


def repay_key(repayment: ClawBackRepayment) -> str:
    return f"clawback-repay:{repayment.pk}"


def return_key(cause_key: str) -> str:
    """The return to the budget that follows a release or a partial capture."""
    return f"{cause_key}:return"


# Transfers.


def fund_spec(
    program: Program, *, amount_fen: int, reference: str, now: datetime
) -> TransferSpec:
    """The region's funding moves into the program's unissued budget."""
    return TransferSpec(
        idempotency_key=fund_key(program, reference),
        debit_account_id=funding_account(program.region, now=now).pk,
        credit_account_id=program.budget_account_id,
        amount_fen=amount_fen,
        phase=Phase.POSTED,
        business_type="program",
        business_id=str(program.pk),
        memo=f"拨付预算 {reference.strip()}",
    )


def issue_spec(application: Application, *, account: Account, code: str) -> TransferSpec:
    """The approved amount moves from the program's budget to the new voucher's account."""
    return TransferSpec(
        idempotency_key=issue_key(application),
        debit_account_id=application.program.budget_account_id,
        credit_account_id=account.pk,
        amount_fen=application.approved_fen,
        phase=Phase.POSTED,
        business_type="application",
        business_id=str(application.pk),
        memo=f"发放创新券{code}",
    )


def hold_spec(order: ServiceOrder, voucher: Voucher) -> TransferSpec:
    """The order's voucher portion is held from the voucher for the payee."""
    return TransferSpec(
        idempotency_key=hold_key(order),
        debit_account_id=voucher.account_id,
        credit_account_id=order.payable_account_id,
        amount_fen=order.voucher_fen,
        phase=Phase.PENDING,
        business_type="service_order",
        business_id=str(order.pk),
        memo=f"订单{order.contract_number}创新券预留",
    )


def capture_spec(redemption: Redemption, order: ServiceOrder, *, amount_fen: int) -> TransferSpec:
    """The approved amount of the order's hold is posted to the payee; the rest is released."""
    return TransferSpec(
        idempotency_key=approve_key(redemption),
        phase=Phase.POST_PENDING,
        pending_key=hold_key(order),
        amount_fen=amount_fen,
        business_type="redemption",
        business_id=str(redemption.pk),
        memo=f"兑付发票{redemption.invoice_label}",
    )


def release_spec(order: ServiceOrder, *, key: str, memo: str) -> TransferSpec:
    """The order's hold is voided: the money is the voucher's again."""
    return TransferSpec(
        idempotency_key=key,
        phase=Phase.VOID_PENDING,
        pending_key=hold_key(order),
        business_type="service_order",
        business_id=str(order.pk),
        memo=memo,
    )


def return_to_budget_spec(voucher: Voucher, *, amount_fen: int, key: str) -> TransferSpec:
    """Money of a voucher no longer active goes back to its program's unissued budget."""
    return TransferSpec(
        idempotency_key=key,
        debit_account_id=voucher.account_id,
        credit_account_id=voucher.program.budget_account_id,
        amount_fen=amount_fen,
        phase=Phase.POSTED,
        business_type="voucher",
        business_id=str(voucher.pk),
        memo=f"创新券{voucher.code}余额退回预算",
    )


def withdraw_spec(redemption: Redemption, voucher: Voucher) -> TransferSpec:
    """An approved, unpaid redemption withdrawn: a compensating entry from the payee's payable
    account back to the voucher (the capture itself is never edited)."""
    return TransferSpec(
        idempotency_key=withdraw_key(redemption),
        debit_account_id=redemption.order.payable_account_id,
        credit_account_id=voucher.account_id,
        amount_fen=redemption.approved_fen,
        phase=Phase.POSTED,
        business_type="redemption",
        business_id=str(redemption.pk),
        memo=f"撤回已批准兑付 发票{redemption.invoice_label}",
    )


def pay_spec(redemption: Redemption, *, now: datetime) -> TransferSpec:
    """The treasury pays an approved redemption: payable to paid."""
    return TransferSpec(
        idempotency_key=pay_key(redemption),
        debit_account_id=redemption.order.payable_account_id,
        credit_account_id=paid_account(redemption.program, now=now).pk,
        amount_fen=redemption.approved_fen,
        phase=Phase.POSTED,
        business_type="redemption",
        business_id=str(redemption.pk),
        memo=f"国库支付 批次{redemption.batch_id}",
    )


def claw_back_spec(redemption: Redemption, *, now: datetime) -> TransferSpec:
    """A paid redemption is reversed by a compensating entry: paid to what the payee owes."""
    program = redemption.program
    return TransferSpec(
        idempotency_key=claw_back_key(redemption),
        debit_account_id=paid_account(program, now=now).pk,
        credit_account_id=clawback_account(program, redemption.payee, now=now).pk,
        amount_fen=redemption.approved_fen,
        phase=Phase.POSTED,
        business_type="redemption",
        business_id=str(redemption.pk),
        memo=f"追回兑付款 发票{redemption.invoice_label}",
    )


def repay_spec(repayment: ClawBackRepayment, *, now: datetime) -> TransferSpec:
    """The payee pays a claw-back back: what it owes drops, the region's treasury receives it.

    Into the region's FUNDING account, not the program's budget: the program's year may be
    over, and unused quota never carries over."""
    redemption = repayment.claw_back.redemption
    program = redemption.program
    return TransferSpec(
        idempotency_key=repay_key(repayment),
        debit_account_id=clawback_account(program, redemption.payee, now=now).pk,
        credit_account_id=funding_account(program.region, now=now).pk,
        amount_fen=repayment.amount_fen,
        phase=Phase.POSTED,
        business_type="claw_back_repayment",
        business_id=str(repayment.pk),
        memo=f"追回款退回 {repayment.claw_back.reference} 流水{repayment.bank_reference}"[:255],
    )


# Composite movements.


def return_to_budget(
    *, voucher: Voucher, amount_fen: int, key: str, now: datetime, actor: User | None
) -> None:
    """Move money from a voucher back to its program's unissued budget (nothing if none)."""
    if amount_fen <= 0:
        return
    spec = return_to_budget_spec(voucher, amount_fen=amount_fen, key=key)
    ledger_post(transfers=[spec], now=now, actor=actor)
    Voucher.objects.filter(pk=voucher.pk).update(returned_fen=F("returned_fen") + amount_fen)


def release_hold(
    *, order: ServiceOrder, key: str, now: datetime, actor: User | None, memo: str
) -> None:
    """Void an order's hold; if the voucher is no longer active, on to the budget."""
    ledger_post(transfers=[release_spec(order, key=key, memo=memo)], now=now, actor=actor)
    voucher = order.voucher
    if voucher.state != Voucher.State.ACTIVE:
        return_to_budget(
            voucher=voucher, amount_fen=order.voucher_fen, key=return_key(key), now=now,
            actor=actor,
        )
