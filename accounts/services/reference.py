"""Reference data the platform operator edits: the common-use area, historical divisions."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from django.utils.translation import gettext as _

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.errors import Conflict, InvalidInput
from accounts.models import City, HistoricalDivision, User
from accounts.text import clean_text
from accounts.transactions import service_transaction


@service_transaction
def city_set_common_area(
    *, actor: User, city: City, in_common_area: bool, reason: str, now: datetime
) -> City:
    """The platform operator moves a city into or out of the common-use area (通用区域)."""
    require_action(actor, "reference.manage", now=now)
    if not reason.strip():
        raise InvalidInput("修改通用区域必须填写原因", extra={"field": "reason"})
    before = City.objects.select_for_update().get(pk=city.pk).in_common_area
    City.objects.filter(pk=city.pk).update(in_common_area=in_common_area)
    city.refresh_from_db()
    audit_record(
        actor=actor,
        action="city_common_area_changed",
        target=city,
        before={"in_common_area": before},
        after={"in_common_area": in_common_area},
        reason=reason,
        region=city.region,
        now=now,
    )
    return city


@service_transaction
def historical_division_record(
    *, actor: User, code: str, name: str, abolished_year: int, successor_code: str,
    successor_name: str = "", source: str, reason: str, now: datetime,
) -> HistoricalDivision:
    """The platform operator records a historical division missing from the shipped table
    (a change published after it was built), with its source."""
    require_action(actor, "reference.manage", now=now)
    reason = _required_reason(reason)
    code = division_code_clean(code, field="code")
    if HistoricalDivision.objects.filter(code=code).exists():
        raise Conflict(_("该历史行政区划已登记"), code="division_exists", extra={"field": "code"})
    if not 1949 <= abolished_year <= now.year:
        raise InvalidInput(_("撤销年份不正确"), extra={"field": "abolished_year"})
    division = HistoricalDivision(
        code=code,
        name=clean_text(name, field="name", label="原名称", max_length=32),
        abolished_year=abolished_year,
        successor_code=successor_code_clean(code, successor_code),
        successor_name=clean_text(successor_name, field="successor_name", label="接续区划名称",
                                  max_length=32, required=False),
        basis=HistoricalDivision.Basis.OPERATOR,
        source=clean_text(source, field="source", label="来源", max_length=200),
    )
    division.save(force_insert=True)
    audit_record(
        actor=actor, action="historical_division_recorded", target=division,
        after=_division_state(division), reason=reason, now=now,
    )
    return division


@service_transaction
def historical_division_set_successor(
    *, actor: User, division: HistoricalDivision, successor_code: str,
    successor_name: str = "", source: str, reason: str, now: datetime,
) -> HistoricalDivision:
    """The platform operator corrects which division succeeded an abolished one ("" for none:
    organisations registered under it are then placed at region level for the reviewer)."""
    require_action(actor, "reference.manage", now=now)
    reason = _required_reason(reason)
    locked = HistoricalDivision.objects.select_for_update().get(pk=division.pk)
    before = _division_state(locked)
    locked.successor_code = successor_code_clean(locked.code, successor_code)
    locked.successor_name = clean_text(successor_name, field="successor_name",
                                       label="接续区划名称", max_length=32, required=False)
    locked.source = clean_text(source, field="source", label="来源", max_length=200)
    locked.basis = HistoricalDivision.Basis.OPERATOR
    locked.save(update_fields=["successor_code", "successor_name", "source", "basis"])
    audit_record(
        actor=actor, action="historical_division_changed", target=locked,
        before=before, after=_division_state(locked), reason=reason, now=now,
    )
    division.refresh_from_db()
    return division


def _required_reason(reason: str) -> str:
    if not (reason or "").strip():
        raise InvalidInput(_("修改历史行政区划必须填写原因"), extra={"field": "reason"})
    return clean_text(reason, field="reason", label="原因", max_length=500)


def division_code_clean(value: str, *, field: str) -> str:
    """A 6-digit division code of 31–34 (NFKC-folded, spaces removed), or InvalidInput."""
    code = "".join(unicodedata.normalize("NFKC", value or "").split())
    if not re.fullmatch(r"3[1-4][0-9]{4}", code):
        raise InvalidInput(
            _("行政区划代码应为6位数字，且属于上海、江苏、浙江、安徽（31–34开头）"),
            extra={"field": field},
        )
    return code


def successor_code_clean(code: str, value: str) -> str:
    """A valid successor for `code` ("" for none) that does not lead back to it."""
    if not (value or "").strip():
        return ""
    successor = division_code_clean(value, field="successor_code")
    seen = {code}
    while successor:
        if successor in seen:
            raise InvalidInput(_("接续区划不能回到该区划本身（形成循环）"),
                               code="division_cycle", extra={"field": "successor_code"})
        seen.add(successor)
        successor = HistoricalDivision.objects.filter(code=successor).values_list(
            "successor_code", flat=True).first() or ""
    return division_code_clean(value, field="successor_code")


def _division_state(division: HistoricalDivision) -> dict[str, str | int]:
    return {"code": division.code, "name": division.name,
            "abolished_year": division.abolished_year,
            "successor_code": division.successor_code, "successor_name": division.successor_name,
            "source": division.source}
