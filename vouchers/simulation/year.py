"""The simulated year: an event queue in time order, each event one call of a real service.

Events are (time, sequence number) ordered, the random generator is seeded and every time
is derived from the year, so one seed on an empty database gives one result. Expected
refusals (budget spent, voucher exhausted, deadline passed) are what the services say
they are; they are counted by code, never worked around.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from random import Random
from typing import Any

from accounts.errors import ApplicationError
from accounts.models import Organisation, User
from accounts.services import notices_conclude_due
from vouchers.models import InstitutionService, Program, ProgramCategory, ServiceCategory
from vouchers.services import programs
from vouchers.simulation import parties as party_setup
from vouchers.simulation import plan
from vouchers.simulation.events import LifeCycleEvents
from vouchers.simulation.plan import YUAN, RegionPlan, at, days

Progress = Callable[[int, datetime], None]


def program_name(year: int) -> str:
    return f"{year}年度科技创新券（模拟）"


@dataclass(order=True)
class Event:
    when: datetime
    sequence: int
    name: str = field(compare=False)
    payload: Any = field(compare=False, default=None)


class YearSimulation(LifeCycleEvents):
    """Build one year of vouchers through the services; `run()` returns nothing, read
    the figures with `summary.year_summary`."""

    def __init__(
        self,
        *,
        year: int,
        scale: float,
        enterprises: int,
        institutions: int,
        seed: int,
        progress: Progress | None = None,
    ) -> None:
        self.year = year
        self.scale = scale
        self.enterprise_count = enterprises
        self.institution_count = institutions
        self.random = Random(seed)  # noqa: S311 - a reproducible simulation, not a secret
        self.progress = progress
        self.prefix = f"sim{year}"
        # Credit codes encode a serial: each simulated year registers its own parties.
        self.serial_base = (year % 1000) * 100_000_000
        self.queue: list[Event] = []
        self.sequence = 0
        self.processed = 0
        self.refusals: Counter[str] = Counter()
        self.contracts = 0
        self.parties: dict[str, party_setup.RegionParties] = {}
        self.plans = {region.short_code: region for region in plan.REGIONS}
        self.programs: dict[str, Program] = {}
        self.catalogue: dict[int, list[ServiceCategory]] = {}
        self.user_of: dict[int, User] = {}
        self.rules: dict[tuple[int, int], ProgramCategory] = {}

    # The engine
    def schedule(self, when: datetime, name: str, payload: Any = None) -> None:
        self.sequence += 1
        heapq.heappush(self.queue, Event(when, self.sequence, name, payload))

    def run(self) -> None:
        self._set_up()
        while self.queue:
            event = heapq.heappop(self.queue)
            getattr(self, f"_on_{event.name}")(event.when, event.payload)
            self._tick(event.when)

    def _tick(self, when: datetime) -> None:
        self.processed += 1
        if self.progress is not None:
            self.progress(self.processed, when)

    def _attempt(self, call: Callable[[], Any]) -> Any:
        """Call a service; an expected refusal is counted by its code and yields None."""
        try:
            return call()
        except ApplicationError as error:
            self.refusals[error.code] += 1
            return None

    # Set-up: authorities, programs, parties
    def _set_up(self) -> None:
        start = at(self.year, 1, 2)
        self.parties = party_setup.authorities(prefix=self.prefix, now=start)
        party_setup.common_area(prefix=self.prefix, now=start)
        for region_plan in plan.REGIONS:
            self.programs[region_plan.short_code] = self._program(region_plan, start)
        self._register_parties()
        for code, region_plan in self.plans.items():
            self._schedule_region(code, region_plan)

    def _program(self, region_plan: RegionPlan, now: datetime) -> Program:
        party = self.parties[region_plan.short_code]
        categories = {
            category: region_plan.category_ratios.get(category.code)
            for category in ServiceCategory.objects.filter(is_active=True).order_by("pk")
            if category.code not in region_plan.excluded_categories
        }
        budget = round(region_plan.budget_yuan * self.scale) * YUAN

        def optional(value: int | None) -> int | None:
            return None if value is None else value * YUAN

        program = programs.program_create(
            actor=party.reviewer,
            now=now,
            categories=categories,
            name=program_name(self.year),
            year=self.year,
            budget_fen=budget,
            payee_mode=region_plan.payee_mode,
            enterprise_annual_cap_fen=region_plan.cap_yuan * YUAN,
            per_claim_max_fen=optional(region_plan.per_claim_max_yuan),
            ratio_bp=region_plan.ratio_bp,
            other_region_ratio_bp=region_plan.other_region_ratio_bp,
            small_order_threshold_fen=optional(region_plan.small_order_threshold_yuan),
            applications_open_at=at(self.year, *region_plan.opens),
            applications_close_at=at(self.year, *region_plan.closes, hour=17),
            use_by_at=at(self.year, *region_plan.use_by, hour=0),
            redemption_deadline_at=at(self.year, *region_plan.redemption_deadline, hour=17),
        )
        # Two appropriations: most of the budget at the start, the rest in spring.
        first = budget * 7 // 10
        programs.program_fund(
            actor=party.finance,
            program=program,
            amount_fen=first,
            reference=f"{region_plan.short_code}财科〔{self.year}〕1号",
            now=now,
        )
        self.schedule(at(self.year, 4, 1), "fund", (region_plan.short_code, budget - first))
        return Program.objects.select_related("region").get(pk=program.pk)

    def _register_parties(self) -> None:
        january = at(self.year, 1, 3)
        for index, region_plan in enumerate(plan.REGIONS):
            party = self.parties[region_plan.short_code]
            count = max(2, round(self.enterprise_count * self.scale * region_plan.enterprise_share))
            party.enterprises = party_setup.register(
                kind=Organisation.Kind.ENTERPRISE,
                count=count,
                party=party,
                serial_base=self.serial_base + index * 1_000_000,
                prefix=self.prefix,
                random=self.random,
                now=january + days(index),
                tick=lambda: None,
            )
            count = max(
                2, round(self.institution_count * self.scale * region_plan.institution_share)
            )
            users = party_setup.register(
                kind=Organisation.Kind.INSTITUTION,
                count=count,
                party=party,
                serial_base=self.serial_base + 50_000_000 + index * 1_000_000,
                prefix=self.prefix,
                random=self.random,
                now=january + days(index),
                tick=lambda: None,
            )
            self.user_of.update({user.organisation_id: user for user in users})
            self.user_of.update({user.organisation_id: user for user in party.enterprises})
        admitted = at(self.year, 1, 20)
        notices_conclude_due(now=admitted)
        users = [
            user
            for party in self.parties.values()
            for user in User.objects.filter(
                organisation__kind=Organisation.Kind.INSTITUTION,
                organisation__region=party.region,
                username__startswith=f"{self.prefix}_",
            )
            .select_related("organisation__region")
            .order_by("pk")
        ]
        party_setup.list_services(
            institution_users=users, random=self.random, now=admitted, tick=lambda: None
        )
        for user in users:
            self.user_of[user.organisation_id] = user
            self.parties[user.organisation.region.short_code].institutions.append(user.organisation)
            self.catalogue[user.organisation_id] = [
                entry.category
                for entry in InstitutionService.objects.filter(
                    institution=user.organisation, is_active=True
                )
                .select_related("category")
                .order_by("category_id")
            ]
        for party in self.parties.values():  # fresh rows: registration and approval changed them
            party.enterprises = list(
                User.objects.filter(pk__in=[u.pk for u in party.enterprises])
                .select_related("organisation__region")
                .order_by("pk")
            )
            self.user_of.update({user.organisation_id: user for user in party.enterprises})

    def _schedule_region(self, code: str, region_plan: RegionPlan) -> None:
        program = self.programs[code]
        window = program.applications_close_at - program.applications_open_at
        for user in self.parties[code].enterprises:
            if self.random.random() < plan.APPLY_RATE:
                # Front-loaded: most enterprises apply early in the window.
                when = program.applications_open_at + window * self.random.random() ** 2
                self.schedule(when, "apply", user)
        for month in region_plan.pay_months:
            self.schedule(self._month_end(month), "pay", code)
        self.schedule(program.use_by_at, "expire", None)
        self.schedule(program.redemption_deadline_at + days(1 / 24), "lapse", None)

    def registered(self) -> tuple[int, int]:
        """(enterprises, institutions) registered by this simulation."""
        return (
            sum(len(party.enterprises) for party in self.parties.values()),
            sum(len(party.institutions) for party in self.parties.values()),
        )

    def _month_end(self, month: int) -> datetime:
        if month == 12:
            return at(self.year, 12, 31, hour=16)
        return at(self.year, month + 1, 1, hour=16) - days(1)

    def _last_moment(self, when: datetime) -> datetime:
        return min(when, at(self.year, 12, 31, hour=12))
