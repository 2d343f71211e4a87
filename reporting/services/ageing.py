"""Ageing (账龄) in the reconciliation report, as of the end of its last day (Beijing).

Four tables, each by days since the record's start in the buckets of `vouchers.ageing`:

- claw-backs still owed: booked by then, less the repayments received by then (since booked);
- claims awaiting review: redemptions requested by then and not decided by then (since the
  request; amount requested);
- approved, not paid: redemptions approved by then and not paid by the treasury by then
  (since the request; amount approved);
- (a claim voided or withdrawn by a sanction is in neither from the moment it was stopped);
- held, not delivered: orders placed by then whose hold was neither posted nor released by
  then and with no delivery logged by then (since placement; the voucher portion held).

Each is derived from timestamps, not from today's state, so a report on a past period shows
what was open at its end.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat

from accounts.models import Region
from vouchers.ageing import age_in_days, ageing_rows
from vouchers.ledger.models import Transfer
from vouchers.models import Delivery, Redemption, ServiceOrder
from vouchers.program_dates import day_end
from vouchers.recovery_selectors import claw_back_ageing

AGEING_TITLES = {
    "claw_backs": "追回款账龄（尚欠）",
    "claims_requested": "已申请待审核的兑付账龄",
    "claims_approved": "已批准待支付的兑付账龄",
    "held_undelivered": "已预留未交付的订单账龄",
}


def reconciliation_ageing(*, region: Region, on: date) -> dict[str, list[dict[str, Any]]]:
    """The four ageing tables of `region` as of the end of `on` (Beijing)."""
    end = day_end(on)
    # A claim voided or withdrawn by a sanction (stopped_at) was open until then, never after.
    redemptions = (Redemption.objects.filter(program__region=region, requested_at__lte=end)
                   .exclude(stopped_at__lte=end))
    decided = Q(reviewed_at__lte=end)
    requested = redemptions.exclude(decided)
    approved = redemptions.filter(decided).exclude(state=Redemption.State.REJECTED).exclude(
        batch__paid_at__lte=end)
    return {
        "claw_backs": claw_back_ageing(region=region, on=on),
        "claims_requested": ageing_rows([
            (age_in_days(at, on=on), fen)
            for at, fen in requested.values_list("requested_at", "requested_fen")]),
        "claims_approved": ageing_rows([
            (age_in_days(at, on=on), fen or 0)
            for at, fen in approved.values_list("requested_at", "approved_fen")]),
        "held_undelivered": ageing_rows([
            (age_in_days(at, on=on), fen)
            for at, fen in _held_undelivered(region, end).values_list("placed_at", "voucher_fen")
        ]),
    }


def _held_undelivered(region: Region, end: datetime) -> QuerySet[ServiceOrder]:
    hold_resolved = Transfer.objects.filter(
        pending_transfer__idempotency_key=OuterRef("hold_key"), created_at__lte=end)
    delivered = Delivery.objects.filter(order=OuterRef("pk"), logged_at__lte=end)
    return (
        ServiceOrder.objects.filter(voucher__program__region=region, placed_at__lte=end)
        .annotate(hold_key=Concat(Value("order-hold:"), Cast("pk", CharField())))
        .exclude(Exists(hold_resolved))
        .exclude(Exists(delivered))
    )
