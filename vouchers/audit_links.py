"""The voucher records' part of reading the audit trail (accounts/audit_display.py): which
record a line's object links to for a viewer, and the values whose words live here.

One query per kind of record on a page, through the same visibility functions as the pages,
so a link is shown only to a viewer the page itself would admit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from accounts.audit_display import VALUE_FORMATS, list_separator, register_object_link
from accounts.models import User
from vouchers import visibility
from vouchers.models import EvidenceKind, Redemption


def _pages(
    visible: Callable[..., QuerySet[Any]], url_name: str, *, order_field: str = "",
) -> Callable[[User | None, list[str]], dict[str, str]]:
    def resolve(viewer: User | None, ids: list[str]) -> dict[str, str]:
        if viewer is None:
            return {}
        numbers = [int(pk) for pk in ids if pk.isdigit()]
        rows = visible(actor=viewer).filter(pk__in=numbers)
        if order_field:  # a delivery or a file opens on its order's page
            pairs = rows.values_list("pk", order_field)
            return {str(pk): reverse("vouchers:order_detail", args=[order]) for pk, order in pairs}
        return {str(pk): reverse(url_name, args=[pk]) for pk in rows.values_list("pk", flat=True)}

    return resolve


def _application_pages(viewer: User | None, ids: list[str]) -> dict[str, str]:
    if viewer is None:
        return {}
    reviewer = viewer.role == User.Role.AUTHORITY_REVIEWER
    url_name = "vouchers:application_review" if reviewer else "vouchers:application_detail"
    return _pages(visibility.applications_visible_to, url_name)(viewer, ids)


def _evidence_kinds(value: Any) -> str:
    labels = dict(EvidenceKind.choices)
    kinds = value if isinstance(value, list) else [value]
    return list_separator().join(str(labels.get(kind, kind)) for kind in kinds)


def _redemptions(value: Any) -> str:
    noun = str(Redemption._meta.verbose_name)
    numbers = value if isinstance(value, list) else [value]
    return "、".join(f"{noun} #{number}" for number in numbers)


def _destination(value: Any) -> str:
    return str(dict(Redemption.Destination.choices).get(value, value))


def _claim_state(value: Any) -> str:
    return str(dict(Redemption.State.choices).get(value, value))


def register() -> None:
    register_object_link("vouchers.application", _application_pages)
    register_object_link("vouchers.serviceorder",
                         _pages(visibility.orders_visible_to, "vouchers:order_detail"))
    register_object_link("vouchers.redemption",
                         _pages(visibility.redemptions_visible_to, "vouchers:redemption_detail"))
    register_object_link("vouchers.paymentbatch",
                         _pages(visibility.batches_visible_to, "vouchers:batch_detail"))
    register_object_link("vouchers.delivery", _pages(
        visibility.deliveries_visible_to, "", order_field="order_id"))
    register_object_link("vouchers.evidencefile", _pages(
        visibility.evidence_visible_to, "", order_field="order_id"))
    VALUE_FORMATS["required_evidence"] = _evidence_kinds
    VALUE_FORMATS["sample"] = _redemptions
    VALUE_FORMATS["destination"] = _destination
    VALUE_FORMATS["claim_state"] = _claim_state
