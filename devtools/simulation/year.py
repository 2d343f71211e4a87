"""The simulated year: event queues in time order, each event one call of a real service.

Every event belongs to one region (the issuing region of what it acts on) and draws from
that region's own seeded random generator; events of one region are taken in (time,
sequence) order. Regions share nothing the services lock or count, except the periodic
jobs (vouchers_expire_due, orders_lapse_due), which act on every region at once: they are
"sweeps", run when every region has reached their time. So the year can run region by
region in parallel (devtools/simulation/engine.py) and one seed on an empty database gives
the same figures however many workers run it (row ids differ between worker counts).
Expected refusals (budget spent, voucher exhausted, deadline passed) are what the services
say they are; they are counted by code, never worked around.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from random import Random
from typing import Any

from django.db.models import QuerySet

from accounts.errors import ApplicationError
from accounts.models import Organisation, User
from devtools.simulation import bulk, plan
from devtools.simulation import parties as party_setup
from devtools.simulation.events import LifeCycleEvents
from devtools.simulation.plan import YUAN, RegionPlan, at, days
from vouchers.models import InstitutionService, Program, ServiceCategory
from vouchers.services import programs

Progress = Callable[[int, datetime], None]
SWEEPS = ("expire", "lapse")  # periodic jobs over every region
ENTERPRISE, INSTITUTION = Organisation.Kind.ENTERPRISE, Organisation.Kind.INSTITUTION


def program_name(year: int) -> str:
    return f"{year}年度科技创新券（模拟）"


@dataclass(order=True)
class Event:
    when: datetime
    sequence: int
    name: str = field(compare=False)
    region: str = field(compare=False, default="")
    payload: Any = field(compare=False, default=None)


class YearSimulation(LifeCycleEvents):
    """Build one year of vouchers through the services: `set_up()`, then run the events
    with `devtools.simulation.engine.run_events`; read the figures with
    `summary.year_summary`. `bulk_registration=False` registers the parties through the
    services one call at a time (the reference the bulk path is tested against)."""

    def __init__(
        self,
        *,
        year: int,
        scale: float,
        enterprises: int,
        institutions: int,
        seed: int,
        bulk_registration: bool = True,
    ) -> None:
        self.year = year
        self.scale = scale
        self.enterprise_count = enterprises
        self.institution_count = institutions
        self.registrar: Any = bulk if bulk_registration else party_setup
        self.plans = {region.short_code: region for region in plan.REGIONS}
        # Seeded generators (S311: a reproducible simulation, not a secret): one for the
        # set-up, one per region for its events.
        self.setup_random = Random(seed)  # noqa: S311
        self.randoms = {code: Random(f"{seed}:{code}") for code in self.plans}  # noqa: S311
        self.random = self.setup_random  # the current event's region's generator
        self.region = ""  # the current event's region
        self.prefix = f"sim{year}"
        # Credit codes encode a serial: each simulated year registers its own parties.
        self.serial_base = (year % 1000) * 100_000_000
        self.queue: list[Event] = []
        self.sweeps: list[Event] = []
        self.sequence = 0
        self.refusals: Counter[str] = Counter()
        self.contracts: Counter[str] = Counter()
        self.parties: dict[str, party_setup.RegionParties] = {}
        self.programs: dict[str, Program] = {}
        self.catalogue: dict[int, list[ServiceCategory]] = {}
        self.user_of: dict[int, User] = {}
        self.rules: dict[Any, Any] = {}

    # The queue
    def schedule(self, when: datetime, name: str, payload: Any = None, region: str = "") -> None:
        """An event of `region` (by default the region of the event being handled)."""
        self.sequence += 1
        event = Event(when, self.sequence, name, region or self.region, payload)
        heapq.heappush(self.sweeps if name in SWEEPS else self.queue, event)

    def dispatch(self, event: Event) -> None:
        self.region = event.region
        self.random = self.randoms[event.region]
        getattr(self, f"_on_{event.name}")(event.when, event.payload)

    def sweep(self, event: Event) -> None:
        getattr(self, f"_on_{event.name}")(event.when, event.payload)

    def _attempt(self, call: Callable[[], Any]) -> Any:
        """Call a service; an expected refusal is counted by its code and yields None."""
        try:
            return call()
        except ApplicationError as error:
            self.refusals[error.code] += 1
            return None

    # Set-up: authorities, programs, parties
    def set_up(self, tick: Callable[[], None] = lambda: None) -> None:
        start = at(self.year, 1, 2)
        self.parties = party_setup.authorities(prefix=self.prefix, now=start)
        party_setup.common_area(prefix=self.prefix, now=start)
        for region_plan in plan.REGIONS:
            self.programs[region_plan.short_code] = self._program(region_plan, start)
        self.register_parties(tick)
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
        code = region_plan.short_code
        self.schedule(at(self.year, 4, 1), "fund", (code, budget - first), region=code)
        return Program.objects.select_related("region").get(pk=program.pk)

    def register_parties(self, tick: Callable[[], None] = lambda: None) -> None:
        """Enterprises and institutions of every region registered and approved, the
        institutions admitted after their public notice, then their catalogues."""
        january = at(self.year, 1, 3)
        registered: dict[str, list[User]] = {ENTERPRISE: [], INSTITUTION: []}
        for index, region_plan in enumerate(plan.REGIONS):
            party = self.parties[region_plan.short_code]
            for kind, share, total, offset in (
                (ENTERPRISE, region_plan.enterprise_share, self.enterprise_count, 0),
                (INSTITUTION, region_plan.institution_share, self.institution_count, 50_000_000),
            ):
                registered[kind] += self.registrar.register(
                    kind=kind,
                    count=max(2, round(total * self.scale * share)),
                    party=party,
                    serial_base=self.serial_base + offset + index * 1_000_000,
                    prefix=self.prefix,
                    random=self.setup_random,
                    now=january + days(index),
                    tick=tick,
                )
        admitted = at(self.year, 1, 20)
        institutions = registered[INSTITUTION]
        self.registrar.admit(
            institutions=[user.organisation for user in institutions], now=admitted
        )
        institution_users = self._fresh(INSTITUTION)
        self.registrar.list_services(
            institution_users=institution_users, random=self.setup_random, now=admitted, tick=tick
        )
        self._remember(self._fresh(ENTERPRISE), institution_users)

    def _fresh(self, kind: str) -> list[User]:
        """This simulation's users of one kind as they are now, by region (in plan order),
        then by pk."""
        order = {code: index for index, code in enumerate(self.plans)}
        users = self._users(kind).select_related("organisation__region")
        return sorted(users, key=lambda user: (order[user.organisation.region.short_code], user.pk))

    def _users(self, kind: str) -> QuerySet[User]:
        return User.objects.filter(username__startswith=f"{self.prefix}_", organisation__kind=kind)

    def _remember(self, enterprises: list[User], institutions: list[User]) -> None:
        listed: dict[int, list[ServiceCategory]] = {}
        for entry in (
            InstitutionService.objects.filter(
                institution__in=self._users(INSTITUTION).values("organisation"), is_active=True
            )
            .select_related("category")
            .order_by("institution_id", "category_id")
        ):
            listed.setdefault(entry.institution_id, []).append(entry.category)
        for user in institutions:
            self.parties[user.organisation.region.short_code].institutions.append(user.organisation)
            self.catalogue[user.organisation_id] = listed.get(user.organisation_id, [])
        for user in enterprises:
            self.parties[user.organisation.region.short_code].enterprises.append(user)
        self.user_of.update({user.organisation_id: user for user in enterprises + institutions})

    def _schedule_region(self, code: str, region_plan: RegionPlan) -> None:
        program = self.programs[code]
        window = program.applications_close_at - program.applications_open_at
        random = self.randoms[code]
        for user in self.parties[code].enterprises:
            if random.random() < plan.APPLY_RATE:
                # Front-loaded: most enterprises apply early in the window.
                when = program.applications_open_at + window * random.random() ** 2
                self.schedule(when, "apply", user, region=code)
        for month in region_plan.pay_months:
            self.schedule(self._month_end(month), "pay", code, region=code)
        self.schedule(program.use_by_at, "expire", None, region=code)
        self.schedule(program.redemption_deadline_at + days(1 / 24), "lapse", None, region=code)

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
