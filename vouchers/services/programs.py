"""Programs: created, changed and funded by the authority of their region."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.errors import InvalidInput
from accounts.models import City, User
from accounts.permissions import organisation_of, require_region
from accounts.transactions import service_transaction
from vouchers.errors import refuse
from vouchers.ledger.models import Transfer
from vouchers.ledger.services import ledger_post
from vouchers.locks import lock_program
from vouchers.models import Program, ProgramCategory, ServiceCategory
from vouchers.movements import budget_account_open, fund_key, fund_spec
from vouchers.services.program_checks import (
    check_dates_in_order,
    check_dates_within_year,
    check_required_evidence,
)

# Once vouchers are issued these change only through vouchers.services.program_changes, which
# says and decides what happens to the vouchers and orders already there.
DATED_FIELDS = frozenset({"use_by_at", "redemption_deadline_at"})

MAX_CLAW_BACK_DUE_DAYS = 365
UPDATABLE_FIELDS = frozenset(
    {
        "name",
        "budget_fen",
        "payee_mode",
        "enterprise_annual_cap_fen",
        "group_annual_cap_fen",
        "per_claim_max_fen",
        "ratio_bp",
        "same_region_ratio_bp",
        "other_region_ratio_bp",
        "small_order_threshold_fen",
        "claw_back_due_days",
        "applications_open_at",
        "applications_close_at",
        "use_by_at",
        "redemption_deadline_at",
        "required_evidence",
        "spot_check_rate_bp",
        "spot_check_cadence",
    }
)


@service_transaction
def program_create(
    *,
    actor: User,
    now: datetime,
    categories: Mapping[ServiceCategory, int | None],
    serving_cities: Iterable[City] | None = None,
    **fields: Any,
) -> Program:
    """The region's authority opens a year's program (fields: see UPDATABLE_FIELDS and `year`).

    `categories` maps each eligible category to its own ratio in basis points (or None).
    Without `serving_cities` the program serves the cities now in the common-use area.
    Dates stay inside `year` (see vouchers.program_dates); required evidence lists only
    known kinds, each once.
    """
    require_action(actor, "program.manage", now=now)
    unknown = set(fields) - UPDATABLE_FIELDS - {"year"}
    if unknown:
        raise InvalidInput(f"未知字段：{', '.join(sorted(unknown))}")
    if not categories:
        raise InvalidInput("请至少选择一个服务类别", extra={"field": "categories"})
    region = organisation_of(actor).region
    program = Program(region=region, created_by=actor, created_at=now, **fields)
    program_check(program)
    program.save()
    program.budget_account = budget_account_open(program, now=now)
    program.save(update_fields=["budget_account"])
    _set_categories(program, categories)
    cities = City.objects.filter(in_common_area=True) if serving_cities is None else serving_cities
    program.serving_cities.set(list(cities))
    audit_record(
        actor=actor,
        action="program_create",
        target=program,
        region=region,
        now=now,
        after=_snapshot(program),
        amount_fen=program.budget_fen,
    )
    return program


@service_transaction
def program_update(
    *,
    actor: User,
    program: Program,
    now: datetime,
    reason: str,
    categories: Mapping[ServiceCategory, int | None] | None = None,
    serving_cities: Iterable[City] | None = None,
    **changes: Any,
) -> Program:
    """The region's authority changes a program's rules, with a reason (audited before/after).

    Once the program has issued vouchers its use-by date, redemption deadline and serving
    area change only through program_changes (program_has_vouchers), which says what happens
    to the vouchers and orders already issued.
    """
    require_action(actor, "program.manage", now=now)
    require_region(actor, program.region_id)
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise InvalidInput(f"不可修改的字段：{', '.join(sorted(unknown))}")
    program = lock_program(program.pk)
    before = _snapshot(program)
    _require_no_consequences(program, changes, serving_cities)
    for name, value in changes.items():
        setattr(program, name, value)
    program_check(program)
    if program.budget_fen < program_funded_fen(program):
        raise InvalidInput("预算不能低于已拨付金额", extra={"field": "budget_fen"})
    program.save()
    if categories is not None:
        program.category_rules.all().delete()
        _set_categories(program, categories)
    if serving_cities is not None:
        program.serving_cities.set(list(serving_cities))
    audit_record(
        actor=actor,
        action="program_update",
        target=program,
        region=program.region,
        now=now,
        before=before,
        after=_snapshot(program),
        reason=reason,
    )
    return program


@service_transaction
def program_fund(
    *, actor: User, program: Program, amount_fen: int, reference: str, now: datetime
) -> Program:
    """Move `amount_fen` from the region's funding into the program's budget account.

    `reference` is the appropriation document's number; replaying it funds nothing twice.
    """
    require_action(actor, "program.fund", now=now)
    require_region(actor, program.region_id)
    if amount_fen <= 0:
        raise InvalidInput("拨付金额必须大于0", extra={"field": "amount_fen"})
    if not reference.strip():
        raise InvalidInput("请填写拨款文号", extra={"field": "reference"})
    program = lock_program(program.pk)
    if Transfer.objects.filter(idempotency_key=fund_key(program, reference)).exists():
        return program
    if program_funded_fen(program) + amount_fen > program.budget_fen:
        refuse("over_budget", "拨付后将超过项目预算", budget_fen=program.budget_fen)
    ledger_post(
        transfers=[fund_spec(program, amount_fen=amount_fen, reference=reference, now=now)],
        now=now,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="program_fund",
        target=program,
        region=program.region,
        now=now,
        reason=reference.strip(),
        amount_fen=amount_fen,
    )
    return program


def program_check(program: Program) -> None:
    """The configuration rules, field by field, then the model's own checks (joins no
    transaction; used by every service that writes a program)."""
    check_dates_in_order(program)
    check_dates_within_year(program)
    program.required_evidence = check_required_evidence(program.required_evidence)
    if not 1 <= program.claw_back_due_days <= MAX_CLAW_BACK_DUE_DAYS:
        raise InvalidInput(gettext_lazy("追回款还款期限须在1–365天之间"),
                           code="claw_back_due_days_invalid",
                           extra={"field": "claw_back_due_days"})
    _clean(program)


def _require_no_consequences(
    program: Program, changes: Mapping[str, Any], serving_cities: Iterable[City] | None
) -> None:
    if not program.vouchers.exists():
        return
    dated = sorted(name for name in DATED_FIELDS & set(changes)
                   if changes[name] != getattr(program, name))
    if dated:
        raise InvalidInput(
            _("本项目已发放创新券，使用截止日期和兑付截止日期请在「调整期限」页面修改，"
              "并选择已发放的创新券是否随之调整"),
            code="program_has_vouchers", extra={"field": dated[0]},
        )
    if serving_cities is not None and {city.pk for city in serving_cities} != set(
        program.serving_cities.values_list("pk", flat=True)
    ):
        raise InvalidInput(
            _("本项目已发放创新券，服务区域请在「调整服务区域」页面修改"),
            code="program_has_vouchers", extra={"field": "serving_cities"},
        )


def program_funded_fen(program: Program) -> int:
    """Everything ever moved from the region's funding into this program's budget."""
    total = Transfer.objects.filter(
        credit_account_id=program.budget_account_id,
        debit_account__kind="funding",
        phase=Transfer.Phase.POSTED,
    ).aggregate(total=Sum("amount_fen"))["total"]
    return total or 0


def _set_categories(program: Program, categories: Mapping[ServiceCategory, int | None]) -> None:
    rules = [
        ProgramCategory(program=program, category=category, ratio_bp=ratio)
        for category, ratio in categories.items()
    ]
    for rule in rules:
        _clean(rule, exclude=["program"])
    ProgramCategory.objects.bulk_create(rules)


def _clean(instance: Any, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=[*(exclude or []), "budget_account", "created_by"])
    except ValidationError as error:
        codes = {item.code for items in error.error_dict.values() for item in items}
        messages = [message for values in error.message_dict.values() for message in values]
        if "program_name_taken" in codes:  # the name is the field to change, with its code
            raise InvalidInput("；".join(messages), code="program_name_taken",
                               extra={"field": "name"}) from error
        raise InvalidInput(
            "；".join(messages), extra={"fields": sorted(error.message_dict)}
        ) from error


def _snapshot(program: Program) -> dict[str, Any]:
    return {
        name: (value.isoformat() if isinstance(value, datetime) else value)
        for name in sorted(UPDATABLE_FIELDS)
        for value in [getattr(program, name)]
    }
