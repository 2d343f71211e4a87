"""Settlement: approved redemptions are paid to each payee in batches through the treasury."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.errors import AccessDenied, InvalidInput
from accounts.models import Organisation, Region, User
from accounts.permissions import organisation_of, require_region
from accounts.transactions import service_transaction
from vouchers.errors import ConcurrentUpdate, refuse
from vouchers.ledger.services import ledger_post
from vouchers.locks import lock_batch, lock_batch_counter, lock_redemptions
from vouchers.models import PaymentBatch, PaymentBatchCounter, Redemption
from vouchers.movements import pay_spec
from vouchers.notifications import notify_batch_paid
from vouchers.services.oversight import require_not_blacklisted
from vouchers.states import BATCH_TRANSITIONS, REDEMPTION_TRANSITIONS, move_state

# The scheme's calendar, whatever the server's TIME_ZONE: batch years are Shanghai years.
SHANGHAI = ZoneInfo("Asia/Shanghai")


@service_transaction
def payment_batch_create(
    *,
    actor: User,
    payee: Organisation,
    now: datetime,
    redemption_ids: Collection[int] | None = None,
) -> PaymentBatch:
    """The region's finance officer gathers approved, unbatched redemptions of one payee.

    `redemption_ids` are the ones the officer picked; None takes every one still waiting (the
    API without a `redemptions` list). An empty choice is refused (batch_empty), and so is
    any picked id that is no longer approved and unbatched, or is another payee's or another
    region's (redemption_not_batchable): the officer sees the list again rather than a batch
    other than the one confirmed.

    The batch is numbered "<region>-PAY-<year>-<sequence>": the year of the Shanghai date, the
    sequence consecutive per region and year (batch_number_next).
    """
    require_action(actor, "batch.manage", now=now)
    require_not_blacklisted(payee)
    region = organisation_of(actor).region
    pending = Redemption.objects.filter(
        program__region=region, payee=payee, state=Redemption.State.APPROVED, batch__isnull=True
    )
    if redemption_ids is None:
        redemptions = lock_redemptions(pending.values_list("pk", flat=True))
        if not redemptions:
            refuse("nothing_to_pay", f"{payee.name}没有待支付的已批准兑付")
    else:
        redemptions = _lock_chosen(pending, set(redemption_ids))
    year, sequence = batch_number_next(region=region, now=now)
    batch = PaymentBatch.objects.create(
        region=region,
        payee=payee,
        number=f"{region.short_code}-PAY-{year}-{sequence:06d}",
        year=year,
        sequence=sequence,
        total_fen=sum(redemption.approved_fen for redemption in redemptions),
        state=PaymentBatch.State.OPEN,
        created_by=actor,
        created_at=now,
    )
    claimed = Redemption.objects.filter(
        pk__in=[redemption.pk for redemption in redemptions],
        state=Redemption.State.APPROVED,
        batch__isnull=True,
    ).update(batch=batch)
    if claimed != len(redemptions):
        raise ConcurrentUpdate("部分兑付已被其他批次收录，请重试")
    audit_record(
        actor=actor,
        action="payment_batch_create",
        target=batch,
        region=region,
        now=now,
        after={"state": batch.state, "number": batch.number,
               "redemptions": [r.pk for r in redemptions], "count": len(redemptions),
               "chosen": redemption_ids is not None},
        amount_fen=batch.total_fen,
    )
    return batch


def _lock_chosen(pending: QuerySet[Redemption], chosen: set[int]) -> list[Redemption]:
    """Lock the picked redemptions, then check each against `pending` as it is now: a
    competing batch that committed first has batched some, and they are refused by id."""
    if not chosen:
        raise InvalidInput(_("请至少选择一笔兑付"), code="batch_empty",
                           extra={"field": "redemptions"})
    redemptions = lock_redemptions(chosen)
    batchable = set(pending.filter(pk__in=chosen).values_list("pk", flat=True))
    refused = sorted(chosen - batchable)
    if refused:
        refuse("redemption_not_batchable",
               format_lazy(_("所选兑付中有 {count} 笔已不能编入批次（已编入其他批次、状态已变化，"
                             "或不属于该收款方或本地区），请重新选择"), count=len(refused)),
               redemptions=refused, field="redemptions")
    return redemptions


def batch_number_next(*, region: Region, now: datetime) -> tuple[int, int]:
    """(year, sequence) of the region's next batch; joins the caller's transaction.

    The year is Shanghai's (a batch made at 01:00 on 1 January Shanghai time, still 31
    December in UTC, is of the new year). The counter row is locked until commit, so
    concurrent batches queue and get consecutive numbers; a rollback gives the number back.
    """
    year = timezone.localdate(now, SHANGHAI).year
    counter = lock_batch_counter(region_id=region.pk, year=year)
    sequence = counter.last_sequence + 1
    PaymentBatchCounter.objects.filter(pk=counter.pk).update(last_sequence=sequence)
    return year, sequence


@service_transaction
def payment_batch_pay(
    *,
    actor: User,
    batch: PaymentBatch,
    payment_reference: str,
    paid_on: date,
    now: datetime,
) -> PaymentBatch:
    """Record the treasury's payment; the money moves from payable to paid.

    Separation of duties: whoever approved one of the batch's redemptions may not pay it.
    The payment date cannot be after today's date in Shanghai (payment_date_in_future).
    """
    require_action(actor, "batch.manage", now=now)
    require_region(actor, batch.region_id)
    if not payment_reference.strip():
        raise InvalidInput("请填写国库支付凭证号", extra={"field": "payment_reference"})
    if paid_on > timezone.localdate(now):  # today in Shanghai, not in UTC
        raise InvalidInput(_("国库支付日期不能晚于今天"), code="payment_date_in_future",
                           extra={"field": "paid_on", "today": timezone.localdate(now).isoformat()})
    require_not_blacklisted(batch.payee)
    redemptions = lock_redemptions(batch.redemptions.values_list("pk", flat=True))
    batch = lock_batch(batch.pk)
    # A claim withdrawn or suspended while this waited for its lock has left the batch.
    redemptions = [redemption for redemption in redemptions if redemption.batch_id == batch.pk]
    if any(redemption.reviewed_by_id == actor.pk for redemption in redemptions):
        raise AccessDenied("审核兑付的人员不能登记同一批次的支付", code="separation_of_duties")
    before = move_state(
        batch,
        target=PaymentBatch.State.PAID,
        transitions=BATCH_TRANSITIONS,
        paid_by=actor,
        paid_at=now,
        paid_on=paid_on,
        payment_reference=payment_reference.strip(),
    )
    for redemption in redemptions:
        move_state(redemption, target=Redemption.State.PAID, transitions=REDEMPTION_TRANSITIONS)
    ledger_post(transfers=[pay_spec(redemption, now=now) for redemption in redemptions], now=now,
                actor=actor)
    audit_record(
        actor=actor,
        action="payment_batch_pay",
        target=batch,
        region=batch.region,
        now=now,
        before={"state": before},
        after={"state": batch.state, "payment_reference": batch.payment_reference},
        amount_fen=batch.total_fen,
    )
    notify_batch_paid(batch, now=now)
    return batch


@service_transaction
def payment_batch_cancel(
    *, actor: User, batch: PaymentBatch, reason: str, now: datetime
) -> PaymentBatch:
    """Withdraw an unpaid batch; its redemptions wait for the next one."""
    require_action(actor, "batch.manage", now=now)
    require_region(actor, batch.region_id)
    if not reason.strip():
        raise InvalidInput("撤销批次必须填写原因", extra={"field": "reason"})
    lock_redemptions(batch.redemptions.values_list("pk", flat=True))
    batch = lock_batch(batch.pk)
    before = move_state(
        batch,
        target=PaymentBatch.State.CANCELLED,
        transitions=BATCH_TRANSITIONS,
        reason=reason.strip(),
    )
    Redemption.objects.filter(batch=batch, state=Redemption.State.APPROVED).update(batch=None)
    audit_record(
        actor=actor,
        action="payment_batch_cancel",
        target=batch,
        region=batch.region,
        now=now,
        before={"state": before},
        after={"state": batch.state},
        reason=reason,
        amount_fen=batch.total_fen,
    )
    return batch

