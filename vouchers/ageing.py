"""Ageing buckets (账龄) shared by the claw-back pages and the reconciliation report.

An age is a whole number of Beijing days between a record's start (a claw-back booked, a
redemption requested, an order placed) and the report's day: booked today is 0 days old.
Buckets are closed ranges: 0–30, 31–90, 91–180, then more than 180 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vouchers.program_dates import china_date


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str | Promise
    first_day: int
    last_day: int | None  # None: no upper end


BUCKETS = (
    Bucket("0_30", _("0–30天"), 0, 30),
    Bucket("31_90", _("31–90天"), 31, 90),
    Bucket("91_180", _("91–180天"), 91, 180),
    Bucket("over_180", _("180天以上"), 181, None),
)


def age_in_days(started_at: datetime, *, on: date) -> int:
    """Beijing days from `started_at` to the day `on` (never negative)."""
    return max((on - china_date(started_at)).days, 0)


def bucket_for(days: int) -> Bucket:
    for bucket in BUCKETS:
        if bucket.last_day is None or days <= bucket.last_day:
            return bucket
    raise ValueError(days)  # unreachable: the last bucket has no upper end


def ageing_rows(items: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """(age in days, amount in fen) pairs summed per bucket, every bucket listed once."""
    totals = {bucket.key: [0, 0] for bucket in BUCKETS}
    for days, amount_fen in items:
        total = totals[bucket_for(days).key]
        total[0] += 1
        total[1] += amount_fen
    return [{"bucket": bucket.key, "count": totals[bucket.key][0],
             "amount_fen": totals[bucket.key][1]} for bucket in BUCKETS]
