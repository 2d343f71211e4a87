"""What a user may see: one function per record kind, for the web pages and the API alike.

Each function narrows its records to the actor's scope for an action, read from the
permission matrix (accounts.access.MATRIX): its own organisation's, its region's as issuer
(vouchers, programs its region issued), as server (services its institutions delivered),
either, or all. The web selectors (vouchers/selectors.py) and the API selectors
(vouchers/api/selectors.py) add their joins and order on top and never filter by role
themselves, so a page and an endpoint cannot disagree on who sees what.

The querysets are plain (no joins, no order): each reader adds what its rows show, which
keeps the pinned query counts of both.
"""

from __future__ import annotations

import functools
import operator
from typing import TypeVar

from django.db.models import F, Model, Prefetch, Q, QuerySet

from accounts.access import Scope, scope_for
from accounts.models import Organisation, User
from accounts.permissions import organisation_of
from vouchers.models import (
    Application,
    ClawBack,
    Delivery,
    EvidenceFile,
    InstitutionService,
    PaymentBatch,
    Program,
    Redemption,
    ServiceOrder,
    Voucher,
)

_Record = TypeVar("_Record", bound=Model)


def scoped(
    queryset: QuerySet[_Record],
    *,
    actor: User,
    action: str,
    own: tuple[str, ...] = (),
    issuer: str | None = None,
    server: str | None = None,
    city: str | None = None,
) -> QuerySet[_Record]:
    """Narrow `queryset` to what `actor` may see for `action` (field paths name the owners).

    `own`: the organisations owning a record; `issuer`: the region that issued it;
    `server`: the region of the institution serving it; `city`: the city of the enterprise
    (a city reviewer's scope). A scope with no path is nothing.
    """
    scope = scope_for(actor, action)
    if scope in (Scope.ALL, Scope.ANY):
        return queryset
    if scope is None or actor.organisation_id is None:
        return queryset.none()
    region_id = organisation_of(actor).region_id
    paths_by_scope: dict[Scope, list[tuple[str | None, int]]] = {
        Scope.OWN_ORGANISATION: [(path, actor.organisation_id) for path in own],
        Scope.OWN_REGION_AS_ISSUER: [(issuer, region_id)],
        Scope.OWN_REGION_AS_SERVER: [(server, region_id)],
        Scope.OWN_REGION: [(issuer, region_id), (server, region_id)],
        Scope.OWN_CITY: [(city, actor.review_city_id or 0)],
    }
    paths = paths_by_scope[scope]
    conditions = [Q(**{path: value}) for path, value in paths if path is not None]
    if not conditions:
        return queryset.none()
    return queryset.filter(functools.reduce(operator.or_, conditions))


def programs_visible_to(*, actor: User, action: str = "program.view") -> QuerySet[Program]:
    return scoped(Program.objects.all(), actor=actor, action=action, issuer="region_id")


def applications_visible_to(
    *, actor: User, action: str = "application.view"
) -> QuerySet[Application]:
    return scoped(
        Application.objects.all(), actor=actor, action=action, own=("enterprise_id",),
        issuer="program__region_id", city="enterprise__city_id",
    )


def vouchers_visible_to(
    *, actor: User, action: str = "voucher.view", vouchers: QuerySet[Voucher] | None = None
) -> QuerySet[Voucher]:
    """`vouchers` (default: all) narrowed to the actor's scope."""
    return scoped(
        Voucher.objects.all() if vouchers is None else vouchers, actor=actor, action=action,
        own=("enterprise_id",), issuer="program__region_id",
    )


def with_voucher_balances(queryset: QuerySet[Voucher]) -> QuerySet[Voucher]:
    """available, held and spent (fen) from the voucher's ledger account.

    spent = posted debits of the voucher account less what went back to the budget, less
    what withdrawn claims brought back (credits beyond the issued amount).
    """
    account = "account__"
    return queryset.annotate(
        available_fen=F(f"{account}credits_posted_fen")
        - F(f"{account}debits_posted_fen")
        - F(f"{account}debits_pending_fen"),
        held_fen=F(f"{account}debits_pending_fen"),
        spent_fen=F(f"{account}debits_posted_fen") - F("returned_fen")
        - (F(f"{account}credits_posted_fen") - F("amount_fen")),
    )


def orders_visible_to(*, actor: User, action: str = "order.view") -> QuerySet[ServiceOrder]:
    """Its own as a party; as an authority, those its region issued or its institutions
    serve (a cross-region order is seen by both regions); the operator all."""
    return scoped(
        ServiceOrder.objects.all(), actor=actor, action=action,
        own=("enterprise_id", "institution_id"),
        issuer="voucher__program__region_id", server="institution__region_id",
    )


def deliveries_visible_to(*, actor: User, action: str = "delivery.view") -> QuerySet[Delivery]:
    return scoped(
        Delivery.objects.all(), actor=actor, action=action,
        own=("order__enterprise_id", "order__institution_id"),
        issuer="order__voucher__program__region_id", server="order__institution__region_id",
    )


def evidence_visible_to(
    *, actor: User, action: str = "evidence.view"
) -> QuerySet[EvidenceFile]:
    return scoped(
        EvidenceFile.objects.all(), actor=actor, action=action,
        own=("order__enterprise_id", "order__institution_id"),
        issuer="order__voucher__program__region_id", server="order__institution__region_id",
    )


def redemptions_visible_to(
    *, actor: User, action: str = "redemption.view"
) -> QuerySet[Redemption]:
    """The payee's and the order's parties'; authorities: those of their region's programs."""
    return scoped(
        Redemption.objects.all(), actor=actor, action=action,
        own=("payee_id", "order__enterprise_id", "order__institution_id"),
        issuer="program__region_id", city="order__enterprise__city_id",
    )


def batches_visible_to(*, actor: User, action: str = "batch.view") -> QuerySet[PaymentBatch]:
    return scoped(
        PaymentBatch.objects.all(), actor=actor, action=action, own=("payee_id",),
        issuer="region_id",
    )


def institutions_directory(
    *, region_id: int | None = None, city_id: int | None = None,
    category_id: int | None = None, text: str = "",
) -> QuerySet[Organisation]:
    """Admitted, not blacklisted institutions in the common-use area, each with its active
    catalogue entries as `services`. Public (directory.view, institution.search: any role)."""
    institutions = Organisation.objects.filter(
        kind=Organisation.Kind.INSTITUTION,
        status=Organisation.Status.APPROVED,
        city__in_common_area=True,
        blacklistings__isnull=True,
    )
    if region_id:
        institutions = institutions.filter(region_id=region_id)
    if city_id:
        institutions = institutions.filter(city_id=city_id)
    if category_id:
        institutions = institutions.filter(
            catalogue_entries__category_id=category_id, catalogue_entries__is_active=True
        )
    if text.strip():
        institutions = institutions.filter(name__icontains=text.strip())
    active = InstitutionService.objects.filter(is_active=True).select_related("category")
    return (
        institutions.distinct()
        .select_related("region", "city")
        .prefetch_related(Prefetch("catalogue_entries", queryset=active, to_attr="services"))
        .order_by("region__code", "city__code", "name", "pk")
    )


def claw_backs_visible_to(*, actor: User, action: str = "clawback.view") -> QuerySet[ClawBack]:
    """The issuing region's authorities see its claw-backs; the operator all."""
    return scoped(ClawBack.objects.all(), actor=actor, action=action,
                  issuer="redemption__program__region_id")
