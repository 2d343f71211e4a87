"""The spot-check programme: each program's periods (its cadence) are drawn once, when they
have closed, at the program's rate, by a sweep anyone can re-run.

Population of a period: the program's redemptions approved in it (Redemption.reviewed_at,
local date in Asia/Shanghai, between the period's first and last day) and still approved,
paid or clawed back. The seed is derived from the program and the period, so a draw can be
reproduced from its record. A (program, period) has at most one draw: the unique constraint
spot_check_once_per_program_period makes a second sweep — a re-run, or another worker at the
same moment — find the first one's row, or wait for it and draw nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.transactions import service_transaction
from vouchers.models import Program, Redemption, SpotCheck
from vouchers.services.oversight import SAMPLED_STATES
from vouchers.services.spot_check_sampling import (
    cadence_periods,
    items_create,
    spot_check_sample,
    sweep_seed,
)


def spot_check_periods(program: Program) -> list[tuple[date, date]]:
    """The program's periods: its year's, and the next year's up to its redemption deadline
    (redemptions may be approved until then)."""
    # A deadline at 00:00 ends the day before: the last day a redemption can be approved.
    last_day = timezone.localdate(program.redemption_deadline_at - timedelta(microseconds=1))
    return [(start, end) for year in range(program.year, last_day.year + 1)
            for start, end in cadence_periods(year=year, cadence=program.spot_check_cadence)
            if start <= last_day]


def spot_check_periods_due(*, program: Program, today: date) -> list[tuple[date, date]]:
    """The program's periods that have closed (ended before `today`) and have no draw."""
    drawn = set(SpotCheck.objects.filter(program=program).values_list("period_start", flat=True))
    return [(start, end) for start, end in spot_check_periods(program)
            if end < today and start not in drawn]


def spot_checks_sweep(*, now: datetime) -> list[SpotCheck]:
    """Draw every closed period of every program that has no draw yet (one transaction per
    draw); returns the draws made by this call."""
    today = timezone.localdate(now)
    drawn = []
    for program in Program.objects.filter(year__lte=today.year).order_by("pk"):
        for period_start, period_end in spot_check_periods_due(program=program, today=today):
            spot_check = spot_check_draw_for_period(
                program=program, period_start=period_start, period_end=period_end, now=now)
            if spot_check is not None:
                drawn.append(spot_check)
    return drawn


@service_transaction
def spot_check_draw_for_period(
    *, program: Program, period_start: date, period_end: date, now: datetime
) -> SpotCheck | None:
    """The sweep's draw of one program and period at the program's rate, with its checkers;
    None if that period has been drawn already (by an earlier or a concurrent sweep)."""
    seed = sweep_seed(program_id=program.pk, period_start=period_start)
    population = list(Redemption.objects.filter(
        program=program, state__in=SAMPLED_STATES,
        reviewed_at__date__gte=period_start, reviewed_at__date__lte=period_end,
    ).values_list("pk", flat=True))
    try:
        with transaction.atomic():  # the savepoint a lost race rolls back
            spot_check = SpotCheck.objects.create(
                region_id=program.region_id, program=program, period_start=period_start,
                period_end=period_end, rate_bp=program.spot_check_rate_bp, seed=seed,
                population_count=len(population), drawn_by=None, drawn_at=now,
            )
    except IntegrityError:  # drawn already, or a concurrent sweep committed it first
        return None
    chosen = spot_check_sample(population=population, rate_bp=spot_check.rate_bp, seed=seed)
    items = items_create(spot_check, chosen)
    audit_record(
        actor=None, action="spot_check_sweep_draw", target=spot_check, region=program.region,
        now=now,
        after={"program": program.pk, "period": [period_start.isoformat(),
                                                  period_end.isoformat()],
               "seed": seed, "rate_bp": spot_check.rate_bp, "population": len(population),
               "sample": chosen,
               "without_checker": [item.redemption_id for item in items if item.needs_checker]},
    )
    return spot_check
