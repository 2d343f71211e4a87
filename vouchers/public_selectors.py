"""Reads for the public pages: the redemption results a region publishes (兑付结果公示)."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Region
from accounts.services.admission import region_rules_of
from vouchers.models import Redemption


def region_publishes_results(region: Region) -> bool:
    return region_rules_of(region).publish_redemption_results


def published_redemption_results(*, region: Region) -> QuerySet[Redemption]:
    """The region's approved redemptions (approved or paid; a clawed-back one is withdrawn
    from the notice), newest decision first. Only what the notice shows is read: the two
    organisations' names, the approved amount and the day of the decision; no person, no
    invoice or contract number, no bank detail."""
    return (
        Redemption.objects.filter(program__region=region,
                                  state__in=(Redemption.State.APPROVED, Redemption.State.PAID))
        .select_related("order__institution__region", "order__enterprise")
        .only("approved_fen", "reviewed_at", "order__institution__name",
              "order__institution__region__code", "order__institution__region__name",
              "order__institution__region__name_en", "order__enterprise__name")
        .order_by("-reviewed_at", "-pk")
    )
