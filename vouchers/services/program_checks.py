"""The rules a program's configuration must pass, each raising a field-specific refusal.

Run by program_create, program_update and the dated changes before the model's own checks,
so that a person sees which date or list is wrong and why. Internal.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.errors import InvalidInput
from vouchers.models import EvidenceKind, Program
from vouchers.program_dates import china_date, redemption_allowance_end


def _refuse(code: str, field: str, message: str, **extra: Any) -> NoReturn:
    raise InvalidInput(message, code=code, extra={"field": field, **extra})


def _day(moment: datetime) -> str:
    return date_format(china_date(moment), "DATE_FORMAT")


def check_dates_within_year(program: Program) -> None:
    """Applications and use-by inside the program's year (Beijing dates); the redemption
    deadline at most until the allowance of the next year. Unused quota cannot carry over."""
    year = program.year
    for field, message in (("applications_open_at", _("申领开始日期须在%(year)s年内")),
                           ("applications_close_at", _("申领截止日期须在%(year)s年内")),
                           ("use_by_at", _("使用截止日期须在%(year)s年内"))):
        if china_date(getattr(program, field)).year != year:
            _refuse("program_date_outside_year", field, message % {"year": year}, year=year)
    latest = redemption_allowance_end(year)
    if program.redemption_deadline_at > latest:
        _refuse("redemption_deadline_too_late", "redemption_deadline_at",
                _("兑付截止日期最晚为%(day)s") % {"day": _day(latest)},
                latest=latest.isoformat())


def check_dates_in_order(program: Program) -> None:
    """Opening < closing ≤ use-by ≤ redemption deadline (the model's check says it once more)."""
    if program.applications_close_at <= program.applications_open_at:
        _refuse("program_dates_out_of_order", "applications_close_at",
                _("申领截止日期须晚于申领开始日期"))
    if program.use_by_at < program.applications_close_at:
        _refuse("program_dates_out_of_order", "use_by_at",
                _("使用截止日期不能早于申领截止日期"))
    if program.redemption_deadline_at < program.use_by_at:
        _refuse("program_dates_out_of_order", "redemption_deadline_at",
                _("兑付截止日期不能早于使用截止日期"))


def check_required_evidence(kinds: Any) -> list[str]:
    """A non-empty list of known evidence kinds, each once; returned in the kinds' own order.

    An unknown kind could never be uploaded and would make every redemption impossible."""
    if not isinstance(kinds, list | tuple) or not all(isinstance(k, str) for k in kinds):
        _refuse("evidence_kinds_invalid", "required_evidence", _("兑付所需材料须为材料类型的列表"))
    if not kinds:
        _refuse("evidence_kinds_empty", "required_evidence", _("请至少选择一种兑付所需材料"))
    unknown = sorted(set(kinds) - set(EvidenceKind.values))
    if unknown:
        _refuse("evidence_kind_unknown", "required_evidence",
                _("未知的材料类型：%(kinds)s") % {"kinds": "、".join(unknown)}, unknown=unknown)
    if len(set(kinds)) != len(kinds):
        _refuse("evidence_kind_repeated", "required_evidence", _("兑付所需材料不能重复"))
    return [kind for kind in EvidenceKind.values if kind in kinds]
