"""Reads about organisations and users."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from accounts.models import AuditEntry, City, Notification, Objection, Organisation, User
from accounts.permissions import organisation_of


def organisations_awaiting_review(*, actor: User) -> QuerySet[Organisation]:
    """Registrations of the actor's region waiting for its authority, oldest first."""
    return (
        Organisation.objects.filter(
            region_id=organisation_of(actor).region_id, status=Organisation.Status.PENDING
        )
        .select_related("region", "city")
        .order_by("created_at", "pk")
    )


def notices_to_conclude(*, actor: User) -> QuerySet[Organisation]:
    """The reviewer's region: institutions in notice, or with objections still open (the
    notice review page and the reviewer's to-do count)."""
    return Organisation.objects.filter(
        Q(status=Organisation.Status.NOTICE) | Q(objections__status=Objection.Status.OPEN),
        kind=Organisation.Kind.INSTITUTION, region_id=organisation_of(actor).region_id,
    ).distinct().select_related("city").prefetch_related("objections").order_by(
        "notice_ends_at", "pk")


def audit_trail_for(*, target: models.Model) -> QuerySet[AuditEntry]:
    """Every audit line about one record, newest first."""
    return AuditEntry.objects.filter(
        object_type=target._meta.label_lower, object_id=str(target.pk)
    ).select_related("actor", "organisation")


def common_area_cities() -> QuerySet[City]:
    return City.objects.filter(in_common_area=True).select_related("region")


def audit_entries_visible_to(
    *, actor: User, action: str = "", date_from: date | None = None, date_to: date | None = None
) -> QuerySet[AuditEntry]:
    """The trail an authority may read (`audit_entries_of_region`) or, for the operator, all
    of it."""
    entries = AuditEntry.objects.select_related("actor", "organisation", "region")
    if actor.role != User.Role.OPERATOR:
        entries = audit_entries_of_region(entries, region_id=organisation_of(actor).region_id)
    if action:
        entries = entries.filter(action=action)
    if date_from:
        entries = entries.filter(created_at__date__gte=date_from)
    if date_to:
        entries = entries.filter(created_at__date__lte=date_to)
    return entries.order_by("-created_at", "-pk")


def organisations_under_review_of(*, actor: User) -> QuerySet[Organisation]:
    """Enterprises and institutions of the actor's region, whatever their status: what its
    reviewers may set the city and actual controller of."""
    return Organisation.objects.filter(
        region_id=organisation_of(actor).region_id,
        kind__in=[Organisation.Kind.ENTERPRISE, Organisation.Kind.INSTITUTION],
    ).select_related("region", "city")


def audit_entries_of_region(
    entries: QuerySet[AuditEntry], *, region_id: int
) -> QuerySet[AuditEntry]:
    """The lines of `entries` a region's authority reads: the region's, less the operator's.

    The operator's trail is the operator's own. A line is the operator's when it was written
    on behalf of the operator's organisation (an operator user's sign-ins, tokens, reference
    changes and all-regions report requests and downloads, whose region otherwise defaults to
    the operator organisation's) or when it is about the operator's organisation or one of its
    users (a lockout, a password change). An operator
    action recorded against another organisation of the region (creating its authority) is
    about that organisation and stays visible. One rule for the audit trail page, its CSV and
    the history page.
    """
    operator_organisations = Organisation.objects.filter(kind=Organisation.Kind.OPERATOR)
    operator_users = User.objects.filter(
        Q(role=User.Role.OPERATOR) | Q(organisation__kind=Organisation.Kind.OPERATOR)
    )
    about_operator = Q(
        object_type="accounts.organisation",
        object_id__in=operator_organisations.values_list(Cast("pk", CharField()), flat=True),
    ) | Q(
        object_type="accounts.user",
        object_id__in=operator_users.values_list(Cast("pk", CharField()), flat=True),
    )
    return entries.filter(region_id=region_id).exclude(
        Q(organisation__in=operator_organisations) | about_operator
    )


def organisation_members(*, organisation_id: int) -> QuerySet[User]:
    """The active users acting for an organisation: who its messages reach."""
    return User.objects.filter(organisation_id=organisation_id, is_active=True).order_by("pk")


def region_reviewers(*, region_id: int) -> QuerySet[User]:
    """The active reviewers of a region's authority: who a region's review work reaches."""
    return User.objects.filter(
        role=User.Role.AUTHORITY_REVIEWER, organisation__kind=Organisation.Kind.AUTHORITY,
        organisation__region_id=region_id, is_active=True,
    ).order_by("pk")


def notifications_of(*, actor: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The actor's own messages, newest first (no one reads another's)."""
    messages = Notification.objects.filter(recipient=actor).order_by("-created_at", "-pk")
    return messages.filter(read_at__isnull=True) if unread_only else messages


def unread_notification_count(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).count()
