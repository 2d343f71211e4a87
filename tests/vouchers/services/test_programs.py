from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.models import AuditEntry, City
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from vouchers.ledger.models import Account
from vouchers.models import Program
from vouchers.services import programs


def test_authority_creates_a_program_serving_the_common_area_by_default(db):
    program = build.make_program(funded_fen=0, categories={"testing": 7000, "consulting": None})

    assert program.region.short_code == "JS"
    assert set(program.serving_cities.all()) == set(City.objects.filter(in_common_area=True))
    assert dict(program.category_rules.values_list("category__code", "ratio_bp")) == {
        "testing": 7000,
        "consulting": None,
    }
    assert program.budget_account.kind == Account.Kind.BUDGET
    assert program.budget_account.debits_must_not_exceed_credits
    assert AuditEntry.objects.filter(action="program_create", object_id=str(program.pk)).exists()


def test_enterprise_may_not_create_a_program(db, refused):
    user = build.enterprise_user()
    with refused("permission_denied"):
        programs.program_create(
            actor=user, now=NOW, categories={build.category(): None}, **build.PROGRAM_DEFAULTS
        )


def test_dates_out_of_order_are_refused_with_a_reason(db, refused):
    values = {**build.PROGRAM_DEFAULTS, "use_by_at": NOW - timedelta(days=400)}
    with refused("program_dates_out_of_order") as info:
        programs.program_create(
            actor=build.authority(), now=NOW, categories={build.category(): None}, **values
        )
    assert info.value.message == "使用截止日期不能早于申领截止日期"
    assert info.value.extra["field"] == "use_by_at"


def test_a_ratio_over_100_percent_is_refused_with_the_rule_not_a_format_error(db, refused):
    # Given a program whose local ratio is 150 % (no form or serializer in between)
    values = {**build.PROGRAM_DEFAULTS, "same_region_ratio_bp": 15_000}
    # When the service validates it against the database constraint, then it refuses, saying why
    with refused("invalid") as info:
        programs.program_create(
            actor=build.authority(), now=NOW, categories={build.category(): None}, **values
        )
    assert info.value.message == "补贴比例不能超过100%（10000基点）"
    assert not Program.objects.exists()


def test_funding_moves_money_from_the_region_into_the_budget_once_per_reference(db):
    program = build.make_program(funded_fen=0)
    reviewer = build.authority()
    for _ in range(2):
        programs.program_fund(
            actor=reviewer, program=program, amount_fen=400_000_00, reference="苏财1号", now=NOW
        )
    assert Account.objects.get(pk=program.budget_account_id).available_fen == 400_000_00
    assert programs.program_funded_fen(program) == 400_000_00


def test_funding_beyond_the_budget_is_refused(db, refused):
    program = build.make_program(funded_fen=900_000_00)
    with refused("over_budget", program):
        programs.program_fund(
            actor=build.authority(), program=program, amount_fen=100_000_01, reference="2", now=NOW
        )


def test_another_regions_authority_may_not_fund(db, refused):
    program = build.make_program(funded_fen=0)
    with refused("other_region"):
        programs.program_fund(
            actor=build.authority("SH"), program=program, amount_fen=1, reference="x", now=NOW
        )


def test_update_changes_rules_and_audits_before_and_after(db):
    program = build.make_program()
    programs.program_update(
        actor=build.authority(), program=program, now=NOW, reason="调整", other_region_ratio_bp=3000
    )
    program.refresh_from_db()
    assert program.other_region_ratio_bp == 3000
    entry = AuditEntry.objects.get(action="program_update")
    assert entry.before["other_region_ratio_bp"] is None
    assert entry.after["other_region_ratio_bp"] == 3000


def test_budget_cannot_be_cut_below_what_was_funded(db, refused):
    program = build.make_program()
    with refused("invalid"):
        programs.program_update(
            actor=build.authority(), program=program, now=NOW, reason="削减", budget_fen=1
        )
    assert Program.objects.get(pk=program.pk).budget_fen == 1_000_000_00


@pytest.mark.parametrize("field", ["year", "region", "budget_account"])
def test_identity_fields_cannot_be_updated(db, field, refused):
    program = build.make_program()
    reviewer = build.authority()
    with refused("invalid"):
        programs.program_update(
            actor=reviewer, program=program, now=NOW, reason="x", **{field: None}
        )
