"""Building blocks of a spot-check draw, shared by the manual draw and the sweep: the exact
rate, the reproducible sample, the periods of a cadence and the checkers' assignment.

None of them opens a transaction: they join the draw's.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from accounts.errors import InvalidInput
from accounts.models import Organisation, User
from vouchers.models import BASIS_POINTS, Program, Redemption, SpotCheck, SpotCheckItem

# Months a period of each cadence spans; periods start in January.
CADENCE_MONTHS = {
    Program.SpotCheckCadence.QUARTER: 3,
    Program.SpotCheckCadence.HALF_YEAR: 6,
    Program.SpotCheckCadence.YEAR: 12,
}


def rate_bp_from_percent(percent: Decimal | int | str) -> int:
    """"2.5" (%) is 250 basis points, exactly; more than two decimals, zero or more than 100 %
    is refused (spot_check_rate_invalid)."""
    try:
        basis_points = Decimal(str(percent).strip()) * 100
    except InvalidOperation as error:
        raise _rate_invalid() from error
    if not basis_points.is_finite() or basis_points != basis_points.to_integral_value():
        raise _rate_invalid()
    if not 0 < basis_points <= BASIS_POINTS:
        raise _rate_invalid()
    return int(basis_points)


def _rate_invalid() -> InvalidInput:
    return InvalidInput(_("抽查比例须大于0且不超过100%，最多两位小数"),
                        code="spot_check_rate_invalid", extra={"field": "percentage"})


def rate_percent_text(rate_bp: int) -> str:
    """250 basis points as "2.5%", 500 as "5%": the exact rate, no float."""
    return f"{(Decimal(rate_bp) / 100).normalize():f}%"


def sample_size(population: int, rate_bp: int) -> int:
    """ceil(population × rate), in integers: 2.5 % of 41 is 2 (1.025 rounded up)."""
    return -(-population * rate_bp // BASIS_POINTS)


def spot_check_sample(*, population: Iterable[int], rate_bp: int, seed: int) -> list[int]:
    """The same population (pks, in any order), rate and seed always draw the same sample."""
    ordered = sorted(population)
    rng = random.Random(seed)  # noqa: S311 - reproducibility, not secrecy, is the point
    return sorted(rng.sample(ordered, sample_size(len(ordered), rate_bp)))


def cadence_periods(*, year: int, cadence: str) -> list[tuple[date, date]]:
    """The periods of a program's year: [(1 Jan, 31 Mar), …] for a quarter."""
    months = CADENCE_MONTHS[Program.SpotCheckCadence(cadence)]
    periods = []
    for first_month in range(1, 13, months):
        last_month = first_month + months - 1
        last_day = calendar.monthrange(year, last_month)[1]
        periods.append((date(year, first_month, 1), date(year, last_month, last_day)))
    return periods


def sweep_seed(*, program_id: int, period_start: date) -> int:
    """The sweep's seed: derived from the program and period, so that anyone can redraw."""
    return program_id * 100_000_000 + int(period_start.strftime("%Y%m%d"))


def items_create(spot_check: SpotCheck, chosen: list[int]) -> list[SpotCheckItem]:
    """The sampled redemptions as pending items, each with a checker (see checkers_choose)."""
    checkers = checkers_choose(region_id=spot_check.region_id, redemption_ids=chosen,
                               seed=spot_check.seed)
    items = [SpotCheckItem(spot_check=spot_check, redemption_id=pk,
                           state=SpotCheckItem.State.PENDING, assigned_to_id=checkers[pk],
                           needs_checker=checkers[pk] is None) for pk in chosen]
    return SpotCheckItem.objects.bulk_create(items)


def checkers_choose(
    *, region_id: int, redemption_ids: list[int], seed: int
) -> dict[int, int | None]:
    """A checker per redemption among the region's active reviewers: never the one who
    approved it, nor one linked to its payee or institution (separation of duties). The
    least loaded qualified reviewer takes each redemption in pk order, ties broken by an
    order the seed shuffles; None where nobody qualifies."""
    reviewers = list(User.objects.filter(
        role=User.Role.AUTHORITY_REVIEWER, is_active=True,
        organisation__kind=Organisation.Kind.AUTHORITY, organisation__region_id=region_id,
    ).order_by("pk").values_list("pk", flat=True))
    random.Random(seed).shuffle(reviewers)  # noqa: S311 - a fair, reproducible tie-break
    linked: dict[int, set[int]] = {}
    for user_id, organisation_id in User.linked_organisations.through.objects.filter(
        user_id__in=reviewers
    ).values_list("user_id", "organisation_id"):
        linked.setdefault(user_id, set()).add(organisation_id)
    load = dict.fromkeys(reviewers, 0)
    chosen: dict[int, int | None] = {}
    redemptions = Redemption.objects.filter(pk__in=redemption_ids).order_by("pk").values_list(
        "pk", "reviewed_by_id", "payee_id", "institution_id")
    for pk, approver_id, payee_id, institution_id in redemptions:
        parties = {payee_id, institution_id}
        qualified = [user_id for user_id in reviewers if user_id != approver_id
                     and not linked.get(user_id, set()) & parties]
        checker = min(qualified, key=lambda user_id: load[user_id], default=None)
        if checker is not None:
            load[checker] += 1
        chosen[pk] = checker
    return chosen
