"""Reads of the institutions' records (信用与绩效): the authorities' sortable list and one
institution's record (its review warnings are vouchers.review_warnings')."""

from __future__ import annotations

from django.db.models import QuerySet

from vouchers.models import InstitutionRecord

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
