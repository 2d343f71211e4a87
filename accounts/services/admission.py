"""Admission of service institutions by their region's rules (准入): minimum years in
operation from the founding date, an integrity declaration (诚信承诺), documents; the notice
period (公示期) of the region; whether its redemption results are published."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.errors import InvalidInput
from accounts.models import Organisation, Region, RegionRules, RegistrationDocument, User
from accounts.permissions import organisation_of
from accounts.text import clean_text
from accounts.transactions import service_transaction
from accounts.uploads import InvalidUpload, Upload, check_upload

MAX_DOCUMENTS = 10


def region_rules_of(region: Region) -> RegionRules:
    """The region's rules, or the defaults (unsaved) if its authority has set none."""
    return RegionRules.objects.filter(region=region).first() or RegionRules(region=region)


@service_transaction
def region_rules_set(
    *,
    actor: User,
    min_years_in_operation: int,
    integrity_declaration_required: bool,
    integrity_statement: str,
    required_documents: list[str],
    notice_days: int | None,
    publish_redemption_results: bool,
    reason: str,
    now: datetime,
) -> RegionRules:
    """The region's authority sets its admission and notice rules (audited, with a reason).

    Refused (InvalidInput): required (reason), min_years_invalid, notice_days_invalid,
    documents_invalid. Without a wording of its own the platform's standard one is declared.
    """
    require_action(actor, "region_rules.manage", now=now)
    region = organisation_of(actor).region
    if not reason.strip():
        raise InvalidInput(_("请填写修改原因"), code="required", extra={"field": "reason"})
    if not 0 <= min_years_in_operation <= 50:
        raise InvalidInput(_("最低成立年限须在0到50年之间"), code="min_years_invalid",
                           extra={"field": "min_years_in_operation"})
    if notice_days is not None and not 1 <= notice_days <= 90:
        raise InvalidInput(_("公示期须在1到90天之间"), code="notice_days_invalid",
                           extra={"field": "notice_days"})
    statement = clean_text(integrity_statement, field="integrity_statement", label="诚信承诺内容",
                           max_length=2000, multiline=True, required=False).strip()
    documents = _document_names(required_documents)
    rules = RegionRules.objects.select_for_update().filter(region=region).first() \
        or RegionRules(region=region)
    before = _snapshot(rules) if rules.pk else {}
    rules.min_years_in_operation = min_years_in_operation
    rules.integrity_declaration_required = integrity_declaration_required
    rules.integrity_statement = statement
    rules.required_documents = documents
    rules.notice_days = notice_days
    rules.publish_redemption_results = publish_redemption_results
    rules.updated_by, rules.updated_at = actor, now
    rules.save()
    audit_record(actor=actor, action="region_rules_change", target=rules, region=region,
                 now=now, reason=reason, before=before, after=_snapshot(rules))
    return rules


def check_institution_admission(
    *, region: Region, founded_on: date | None, integrity_declared: bool,
    documents: Mapping[str, Upload], now: datetime,
) -> RegionRules:
    """Refuse an institution that fails its region's rules, saying which and why:
    founded_on_required, founded_on_future, too_young, integrity_declaration_required,
    registration_documents_missing."""
    rules = region_rules_of(region)
    today = timezone.localdate(now)
    if founded_on is not None and founded_on > today:
        raise InvalidInput(_("成立日期不能晚于今天"), code="founded_on_future",
                           extra={"field": "founded_on"})
    if rules.min_years_in_operation:
        if founded_on is None:
            raise InvalidInput(_("请填写成立日期"), code="founded_on_required",
                               extra={"field": "founded_on"})
        years = years_between(founded_on, today)
        if years < rules.min_years_in_operation:
            raise InvalidInput(
                _("%(region)s要求服务机构成立满%(years)d年，贵机构成立于%(founded)s，"
                  "尚不满足，暂不能注册") % {
                    "region": region.display_name, "years": rules.min_years_in_operation,
                    "founded": founded_on.isoformat()},
                code="too_young", extra={"field": "founded_on",
                                         "min_years": rules.min_years_in_operation})
    if rules.integrity_declaration_required and not integrity_declared:
        raise InvalidInput(_("请阅读并勾选诚信承诺"), code="integrity_declaration_required",
                           extra={"field": "integrity_declared"})
    missing = [name for name in rules.required_documents if name not in documents]
    if missing:
        names = pgettext("list separator", "、").join(f"“{name}”" for name in missing)
        raise InvalidInput(_("缺少注册所需材料：%(names)s") % {"names": names},
                           code="registration_documents_missing",
                           extra={"field": "documents", "documents": missing})
    return rules


def registration_documents_store(
    *, organisation: Organisation, documents: Mapping[str, Upload], now: datetime
) -> list[RegistrationDocument]:
    """Check each upload as delivery evidence is checked, then store it under a random name."""
    checked = {}
    for name, upload in documents.items():
        try:
            checked[name] = check_upload(content=upload.content, name=upload.name)
        except InvalidUpload as error:
            raise InvalidUpload(_("材料“%(name)s”：%(error)s") % {
                "name": name, "error": _(str(error.message))},
                extra={**error.extra, "field": "documents"}) from error
    stored = []
    for name, upload in documents.items():
        path = default_storage.save(f"registration/{uuid.uuid4().hex}{checked[name].extension}",
                                    ContentFile(upload.content))
        stored.append(RegistrationDocument.objects.create(
            organisation=organisation, name=name, file=path,
            original_name=checked[name].display_name, content_type=checked[name].content_type,
            size_bytes=len(upload.content), sha256=hashlib.sha256(upload.content).hexdigest(),
            uploaded_at=now))
    return stored


def years_between(start: date, end: date) -> int:
    """Whole years from `start` to `end` (a 29 February founding turns a year older on
    1 March in common years)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def all_required_documents() -> dict[str, list[Region]]:
    """Each document name any region requires, with the regions requiring it (the
    registration form shows them all: the region is known only from the credit code)."""
    names: dict[str, list[Region]] = {}
    for rules in RegionRules.objects.select_related("region").order_by("region__code"):
        for name in rules.required_documents:
            names.setdefault(name, []).append(rules.region)
    return names


def all_integrity_statements() -> dict[Region, str]:
    """The regions requiring a declaration in a wording of their own, with the wording."""
    return {rules.region: rules.integrity_statement for rules in
            RegionRules.objects.select_related("region").filter(
                integrity_declaration_required=True).exclude(integrity_statement="")
            .order_by("region__code")}


def _document_names(names: Any) -> list[str]:
    if not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
        raise InvalidInput(_("注册所需材料须为名称列表"), code="documents_invalid",
                           extra={"field": "required_documents"})
    cleaned = [name.strip() for name in names if name.strip()]
    if len(cleaned) != len(set(cleaned)) or len(cleaned) > MAX_DOCUMENTS or any(
            len(name) > 64 for name in cleaned):
        raise InvalidInput(_("注册所需材料名称不能重复，每个不超过64个字，最多10项"),
                           code="documents_invalid", extra={"field": "required_documents"})
    return cleaned


def _snapshot(rules: RegionRules) -> dict[str, Any]:
    return {"min_years_in_operation": rules.min_years_in_operation,
            "integrity_declaration_required": rules.integrity_declaration_required,
            "required_documents": list(rules.required_documents),
            "notice_days": rules.effective_notice_days,
            "publish_redemption_results": rules.publish_redemption_results}
