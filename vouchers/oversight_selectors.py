"""Reads of the spot-check programme's pages: the draws, a checker's queue, the cases and the
programs' settings, each for the actor's region (the pages' one access path)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from accounts.permissions import organisation_of
from vouchers.models import OversightCase, Program, SpotCheck, SpotCheckItem

_I = SpotCheckItem.State


def spot_checks_with_counts(checks: QuerySet[SpotCheck]) -> QuerySet[SpotCheck]:
    """Draws with their program, drawer, sample size and items nobody may check."""
    return checks.select_related("program", "drawn_by").annotate(
        sample=Count("items", distinct=True),
        without_checker=Count("items", distinct=True,
                              filter=Q(items__state=_I.PENDING, items__needs_checker=True)),
    ).order_by("-drawn_at", "-pk")  # an aggregate drops the model's ordering


def spot_check_queue(*, actor: User) -> QuerySet[SpotCheckItem]:
    """What the actor has to check: pending items assigned to them, then the region's
    pending items nobody qualified for that they did not approve themselves."""
    region_id = organisation_of(actor).region_id
    return SpotCheckItem.objects.filter(
        Q(assigned_to=actor) | (Q(needs_checker=True) & ~Q(redemption__reviewed_by=actor)),
        state=_I.PENDING, spot_check__region_id=region_id,
    ).select_related(
        "spot_check__program", "redemption__payee", "redemption__order__enterprise",
    ).order_by("needs_checker", "spot_check__period_start", "pk")


def oversight_cases_for(*, actor: User, open_only: bool = False) -> QuerySet[OversightCase]:
    """The region's cases, open first, newest first."""
    cases = OversightCase.objects.filter(region_id=organisation_of(actor).region_id)
    if open_only:
        cases = cases.filter(state=OversightCase.State.OPEN)
    return cases.select_related(
        "redemption__payee", "item__spot_check", "item__checked_by", "closed_by",
    ).order_by("-state", "-opened_at", "-pk")


def programme_settings_for(*, actor: User) -> QuerySet[Program]:
    """The region's programs with their spot-check rate and cadence, newest year first."""
    return Program.objects.filter(region_id=organisation_of(actor).region_id).order_by(
        "-year", "name", "pk")
