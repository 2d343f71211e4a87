"""The parameters of a report request, checked, and the fingerprint that deduplicates runs."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from accounts.errors import InvalidInput
from accounts.models import Region
from reporting.models import ReportRun
from reporting.services.reconciliation import due_days_default

Kind = ReportRun.Kind
MAX_PERIOD_DAYS = 3 * 366


def report_parameters_clean(
    *, kind: str, region: Region | None, parameters: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """The parameters a run of `kind` keeps, or InvalidInput naming the field."""
    if kind in (Kind.ANNUAL_TOTALS, Kind.SPOT_CHECKS):
        return _annual(parameters, now)
    if kind == Kind.RECONCILIATION:
        if region is None:
            raise InvalidInput("对账须选择地区", extra={"field": "region"})
        return _reconciliation(parameters, now)
    raise InvalidInput("未知的报表类型", extra={"field": "kind"})


def report_fingerprint(
    *, kind: str, region: Region | None, parameters: dict[str, Any], data_version: str
) -> str:
    """The same report over the same data has the same fingerprint."""
    payload = json.dumps(
        {"kind": kind, "region": region.short_code if region else None,
         "parameters": parameters, "data": data_version}, sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _annual(parameters: dict[str, Any], now: datetime) -> dict[str, Any]:
    try:
        year = int(parameters.get("year"))  # type: ignore[arg-type]  # refused below
    except (TypeError, ValueError) as error:
        raise InvalidInput("请填写年度", extra={"field": "year"}) from error
    this_year = timezone.localdate(now).year  # the platform's year, whatever `now`'s zone
    if not 2000 <= year <= this_year:
        raise InvalidInput(f"年度须在2000至{this_year}之间", extra={"field": "year"})
    return {"year": year}


def _reconciliation(parameters: dict[str, Any], now: datetime) -> dict[str, Any]:
    try:
        date_from = date.fromisoformat(str(parameters.get("date_from")))
        date_to = date.fromisoformat(str(parameters.get("date_to")))
    except ValueError as error:
        raise InvalidInput("日期格式应为YYYY-MM-DD", extra={"field": "date_from"}) from error
    if date_from > date_to or (date_to - date_from).days > MAX_PERIOD_DAYS:
        raise InvalidInput("对账期间无效（起始不能晚于截止，且不超过三年）",
                           extra={"field": "date_to"})
    if date_to >= timezone.localdate(now):
        raise InvalidInput("只能对今天以前的期间对账", extra={"field": "date_to"})
    due_days = int(parameters.get("due_days") or due_days_default())
    if not 1 <= due_days <= 365:
        raise InvalidInput("支付期限须为1至365天", extra={"field": "due_days"})
    return {"date_from": date_from.isoformat(), "date_to": date_to.isoformat(),
            "due_days": due_days}
