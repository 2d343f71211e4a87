"""Reference data the platform operator edits."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from accounts.audit import audit_record
from accounts.errors import InvalidInput
from accounts.models import City, User
from accounts.permissions import require_operator


@transaction.atomic(durable=True)
def city_set_common_area(
    *, actor: User, city: City, in_common_area: bool, reason: str, now: datetime | None = None
) -> City:
    """The platform operator moves a city into or out of the common-use area (通用区域)."""
    require_operator(actor)
    if not reason.strip():
        raise InvalidInput("修改通用区域必须填写原因", extra={"field": "reason"})
    before = City.objects.select_for_update().get(pk=city.pk).in_common_area
    City.objects.filter(pk=city.pk).update(in_common_area=in_common_area)
    city.refresh_from_db()
    audit_record(
        actor=actor,
        action="city_common_area_changed",
        target=city,
        before={"in_common_area": before},
        after={"in_common_area": in_common_area},
        reason=reason,
        region=city.region,
        now=now,
    )
    return city
