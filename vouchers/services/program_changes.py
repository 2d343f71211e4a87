"""Program changes with consequences for what is already issued: use-by and redemption
deadline, serving area, the application materials list, and a city the operator adds to the
common-use area.

Each says what happens to the vouchers and orders already there and is audited:
- Deadlines: the reviewer chooses whether active vouchers take the program's new use-by date
  (`vouchers_follow`) or keep theirs. Expired or revoked vouchers stay as they are: their
  unused balance has already gone back to the budget. A new date may not lie in the past, so
  no order already placed can fall after the new use-by; open orders keep their holds and
  lapse at the (new) redemption deadline.
- Materials list (材料清单): applications already submitted keep their documents; a newly
  required material is asked of applications submitted or resubmitted from now on.
- Serving area: open orders with an institution in a removed city stay valid (their money is
  held under the rules of the day they were placed); new orders there are refused.
- Review tiers: applications and redemptions already awaiting review when two tiers are
  switched on stay in the queue; the region decides them with a reason unless the city
  recommends first (the audit line counts them).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from accounts.access import require_action
from accounts.audit import audit_entry_build, audit_record
from accounts.errors import InvalidInput
from accounts.models import AuditEntry, City, User
from accounts.permissions import require_region
from accounts.transactions import service_transaction
from vouchers.locks import lock_program, lock_programs, lock_vouchers
from vouchers.models import Program, Voucher
from vouchers.program_dates import CHINA, china_date
from vouchers.program_selectors import (
    program_active_vouchers,
    program_awaiting_without_recommendation,
    program_deadline_consequences,
    program_open_orders_in_cities,
    programs_serving_whole_common_area,
)
from vouchers.services.application_materials import check_application_materials
from vouchers.services.program_checks import check_dates_in_order, check_dates_within_year


@service_transaction
def program_deadlines_change(
    *,
    actor: User,
    program: Program,
    now: datetime,
    reason: str,
    use_by_at: datetime,
    redemption_deadline_at: datetime,
    vouchers_follow: bool,
) -> Program:
    """The region's reviewer moves the program's use-by date and redemption deadline.

    With `vouchers_follow` every active voucher of the program takes the new use-by date (each
    voucher audited); without, they keep theirs and only vouchers issued from now on get it.
    Refused: deadline_in_past, vouchers_outlive_redemption, and the program date rules.
    """
    require_action(actor, "program.manage", now=now)
    require_region(actor, program.region_id)
    _require_reason(reason)
    program = lock_program(program.pk)
    before = {
        "use_by_at": program.use_by_at, "redemption_deadline_at": program.redemption_deadline_at
    }
    after = {"use_by_at": use_by_at, "redemption_deadline_at": redemption_deadline_at}
    for field, moment in after.items():
        if moment != before[field] and moment <= now:
            raise InvalidInput(_("新的截止时间不能早于现在"), code="deadline_in_past",
                               extra={"field": field})
    program.use_by_at, program.redemption_deadline_at = use_by_at, redemption_deadline_at
    check_dates_in_order(program)
    check_dates_within_year(program)
    # Lock order: program, then its vouchers by pk (vouchers.locks); orders wait on these.
    vouchers = lock_vouchers(program_active_vouchers(program=program).values_list("pk", flat=True))
    consequences = program_deadline_consequences(program=program, use_by_at=use_by_at)
    if not vouchers_follow and consequences.latest_voucher_use_by_at is not None and (
        consequences.latest_voucher_use_by_at > redemption_deadline_at
    ):
        raise InvalidInput(
            _("已发放的创新券保留原使用截止日期时，兑付截止日期不能早于其使用截止日期"),
            code="vouchers_outlive_redemption", extra={"field": "redemption_deadline_at"},
        )
    program.save(update_fields=["use_by_at", "redemption_deadline_at"])
    changed = 0
    if vouchers_follow:
        changed = _vouchers_use_by_set(program, vouchers, actor=actor, now=now, reason=reason)
    audit_record(
        actor=actor, action="program_deadlines_change", target=program, region=program.region,
        now=now, reason=reason,
        before={name: _beijing(value) for name, value in before.items()},
        after={**{name: _beijing(value) for name, value in after.items()},
               "vouchers_follow": vouchers_follow, "vouchers_changed": changed,
               "active_vouchers": consequences.active_vouchers,
               "open_orders": consequences.open_orders},
    )
    return program


def _vouchers_use_by_set(
    program: Program, vouchers: list[Voucher], *, actor: User, now: datetime, reason: str
) -> int:
    use_by_at = program.use_by_at
    moved = [voucher for voucher in vouchers if voucher.expires_at != use_by_at]
    entries = []
    for voucher in moved:
        entries.append(audit_entry_build(
            actor=actor, action="voucher_use_by_change", target=voucher,
            region=program.region, now=now, reason=reason,
            before={"expires_at": _beijing(voucher.expires_at)},
            after={"expires_at": _beijing(use_by_at)},
        ))
        voucher.expires_at = use_by_at
    Voucher.objects.bulk_update(moved, ["expires_at"], batch_size=500)
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    return len(moved)


@service_transaction
def program_serving_area_change(
    *, actor: User, program: Program, cities: Iterable[City], reason: str, now: datetime
) -> Program:
    """The region's reviewer sets the cities whose institutions accept the program's vouchers.

    Open orders with an institution in a removed city stay valid; new orders there are refused.
    """
    require_action(actor, "program.manage", now=now)
    require_region(actor, program.region_id)
    _require_reason(reason)
    wanted = {city.pk: city for city in cities}
    if not wanted:
        raise InvalidInput(_("请至少选择一个服务城市"), code="serving_area_empty",
                           extra={"field": "serving_cities"})
    program = lock_program(program.pk)
    current = set(program.serving_cities.values_list("pk", flat=True))
    removed, added = current - set(wanted), set(wanted) - current
    program.serving_cities.set(list(wanted.values()))
    audit_record(
        actor=actor, action="program_serving_area_change", target=program,
        region=program.region, now=now, reason=reason,
        before={"cities": _codes(current)},
        after={"cities": _codes(set(wanted)), "added": _codes(added), "removed": _codes(removed),
               "open_orders_in_removed_cities": program_open_orders_in_cities(
                   program=program, city_ids=removed)},
    )
    return program


@service_transaction
def program_materials_change(
    *, actor: User, program: Program, materials: list[dict[str, Any]], reason: str,
    now: datetime,
) -> Program:
    """The region's program manager sets the documents an application needs (材料清单):
    each a name, an optional English name, required or optional, and the accepted file types.

    A material kept from the current list keeps its key, so the documents already uploaded
    for it stay attached. Refused: materials_invalid, materials_too_many,
    material_name_invalid, material_name_repeated, material_types_invalid.
    """
    require_action(actor, "program.manage", now=now)
    require_region(actor, program.region_id)
    _require_reason(reason)
    program = lock_program(program.pk)
    before = list(program.application_materials)
    program.application_materials = check_application_materials(materials, current=before)
    program.save(update_fields=["application_materials"])
    audit_record(
        actor=actor, action="program_materials_change", target=program, region=program.region,
        now=now, reason=reason, before={"materials": _material_lines(before)},
        after={"materials": _material_lines(program.application_materials)},
    )
    return program


def _material_lines(materials: list[dict[str, Any]]) -> list[str]:
    # Language-neutral: "*" marks a required material, then the accepted types.
    return [f"{m['name']}{' *' if m['required'] else ''} ({'/'.join(m['types']).upper()})"
            for m in materials]


@service_transaction
def city_add_to_programs(
    *, actor: User, city: City, programs: Iterable[Program], reason: str, now: datetime
) -> list[Program]:
    """The platform operator adds a city newly in the common-use area to programs of the year
    that serve the whole common area (each program audited for its region's authority)."""
    require_action(actor, "reference.manage", now=now)
    _require_reason(reason)
    if not City.objects.filter(pk=city.pk, in_common_area=True).exists():
        raise InvalidInput(_("该城市不在通用区域内"), code="city_not_in_common_area")
    chosen = {program.pk for program in programs}
    if not chosen:
        raise InvalidInput(_("请至少选择一个项目"), code="no_program_chosen",
                           extra={"field": "programs"})
    locked = lock_programs(chosen)
    offered = set(programs_serving_whole_common_area(city=city, year=_year(now))
                  .values_list("pk", flat=True))
    if chosen - offered:
        raise InvalidInput(_("所选项目并非服务整个通用区域，或已包含该城市"),
                           code="program_not_offered", extra={"field": "programs"})
    for program in locked:
        program.serving_cities.add(city)
        audit_record(actor=actor, action="program_serving_city_add", target=program,
              region=program.region, now=now, reason=reason, after={"added": [city.code]})
    return locked


@service_transaction
def program_review_tiers_change(
    *, actor: User, program: Program, application_city_review: bool,
    redemption_city_review: bool, reason: str, now: datetime,
) -> Program:
    """The region's reviewer requires (or stops requiring) a city's first review of the
    program's applications and, separately, of its redemptions."""
    require_action(actor, "program.manage", now=now)
    require_region(actor, program.region_id)
    _require_reason(reason)
    program = lock_program(program.pk)
    before = {"application_city_review": program.application_city_review,
              "redemption_city_review": program.redemption_city_review}
    program.application_city_review = application_city_review
    program.redemption_city_review = redemption_city_review
    program.save(update_fields=["application_city_review", "redemption_city_review"])
    awaiting = program_awaiting_without_recommendation(program=program)
    audit_record(
        actor=actor, action="program_review_tiers_change", target=program,
        region=program.region, now=now, reason=reason, before=before,
        after={"application_city_review": application_city_review,
               "redemption_city_review": redemption_city_review,
               "applications_without_recommendation": awaiting.applications,
               "redemptions_without_recommendation": awaiting.redemptions},
    )
    return program


def _beijing(moment: datetime) -> str:
    return moment.astimezone(CHINA).isoformat()


def _year(now: datetime) -> int:
    return china_date(now).year


def _codes(city_ids: set[int]) -> list[str]:
    return sorted(City.objects.filter(pk__in=city_ids).values_list("code", flat=True))


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise InvalidInput(_("请填写修改原因"), code="required", extra={"field": "reason"})
