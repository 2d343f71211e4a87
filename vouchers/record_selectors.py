"""Reads of the institutions' records (信用与绩效): the authorities' sortable list and the
review warnings a poor record or a sanction raises in every region."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from vouchers.models import Blacklisting, InstitutionRecord

# The list's sort keys: worst first by default.
RECORD_SORTS = {
    "score": ("score", "institution__name"), "-score": ("-score", "institution__name"),
    "name": ("institution__name",), "orders": ("-orders", "institution__name"),
    "disputes": ("-disputes", "institution__name"),
}


def institution_records(*, year: int, sort: str = "score",
                        grade: str = "") -> QuerySet[InstitutionRecord]:
    """Every institution's record of a year (authorities of every region and the operator
    read them all: the record is shared across the area)."""
    records = InstitutionRecord.objects.filter(year=year).select_related(
        "institution__region", "institution__city")
    if grade:
        records = records.filter(grade=grade)
    return records.order_by(*RECORD_SORTS.get(sort, RECORD_SORTS["score"]))


def record_of(*, institution_id: int, year: int) -> InstitutionRecord | None:
    return InstitutionRecord.objects.filter(institution_id=institution_id, year=year).first()


def institution_record_warnings(*, institution_id: int, year: int) -> list[str]:
    """A D grade in the year, or a blacklisting by any region: a warning wherever the
    institution's redemptions are reviewed."""
    warnings = []
    record = record_of(institution_id=institution_id, year=year)
    if record is not None and record.grade == InstitutionRecord.Grade.D:
        warnings.append(_("该服务机构%(year)s年度信用与绩效等级为D（%(score)s分）")
                        % {"year": year, "score": record.score})
    regions = list(Blacklisting.objects.filter(organisation_id=institution_id)
                   .order_by("region__code").values_list("region__name", flat=True))
    if regions:
        warnings.append(_("该服务机构已被%(regions)s列入黑名单") % {"regions": "、".join(regions)})
    return warnings
