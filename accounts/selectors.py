"""Reads about organisations and users."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import AuditEntry, City, Organisation, User


def organisations_awaiting_review(*, actor: User) -> QuerySet[Organisation]:
    """Registrations of the actor's region waiting for its authority, oldest first."""
    return (
        Organisation.objects.filter(
            region_id=actor.organisation.region_id, status=Organisation.Status.PENDING
        )
        .select_related("region", "city")
        .order_by("created_at", "pk")
    )


def audit_trail_for(*, target: object) -> QuerySet[AuditEntry]:
    """Every audit line about one record, newest first."""
    return AuditEntry.objects.filter(
        object_type=target._meta.label_lower, object_id=str(target.pk)
    ).select_related("actor", "organisation")


def common_area_cities() -> QuerySet[City]:
    return City.objects.filter(in_common_area=True).select_related("region")
