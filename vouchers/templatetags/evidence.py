"""Template filters of the voucher pages."""

from __future__ import annotations

from django import template

from vouchers import evidence_preview
from vouchers.models.reference import evidence_kind_label

register = template.Library()


@register.filter
def evidence_label(kind: str, payee_mode: str) -> str:
    """`{{ item.kind|evidence_label:payee_mode }}`: under 通用 the payment proof is of the
    whole fee, not of an own share."""
    return evidence_kind_label(kind, payee_mode=payee_mode or "")


@register.filter
def previewable(content_type: str) -> bool:
    """`{% if item.content_type|previewable %}`: PDF and images have an inline preview."""
    return evidence_preview.previewable(content_type)
