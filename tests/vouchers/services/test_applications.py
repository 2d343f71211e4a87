from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.models import AuditEntry, Organisation, User
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from vouchers.ledger.models import Account
from vouchers.models import Application, Voucher
from vouchers.services import applications, oversight


def submit(program, user, amount_fen=100_000_00, now=NOW):
    return applications.application_submit(
        actor=user,
        program=program,
        amount_fen=amount_fen,
        purpose="检测",
        planned_categories=[build.category()],
        now=now,
    )


def test_approved_enterprise_applies_under_its_regions_open_program(world):
    application = submit(world.program, world.enterprise)

    assert application.state == Application.State.SUBMITTED
    assert application.enterprise == world.enterprise.organisation
    entry = AuditEntry.objects.get(action="application_submit")
    assert (entry.region, entry.amount_fen) == (world.program.region, 100_000_00)


def test_approval_issues_a_voucher_from_the_budget(world, ledger_clean):
    application = submit(world.program, world.enterprise)

    voucher = applications.application_approve(
        actor=world.reviewer, application=application, now=NOW
    )

    assert voucher.code == f"JS-2024-{application.pk:06d}"
    assert (voucher.amount_fen, voucher.state) == (100_000_00, Voucher.State.ACTIVE)
    assert voucher.expires_at == world.program.use_by_at
    assert Account.objects.get(pk=voucher.account_id).available_fen == 100_000_00
    assert Account.objects.get(pk=world.program.budget_account_id).available_fen == 900_000_00


def test_approval_for_less_issues_the_smaller_amount(world):
    application = submit(world.program, world.enterprise)
    voucher = applications.application_approve(
        actor=world.reviewer, application=application, now=NOW, amount_fen=60_000_00, reason="核减"
    )
    application.refresh_from_db()
    assert (application.approved_fen, voucher.amount_fen) == (60_000_00, 60_000_00)


def test_approval_above_the_request_is_refused(world, refused):
    application = submit(world.program, world.enterprise)
    with refused("invalid", application):
        applications.application_approve(
            actor=world.reviewer, application=application, now=NOW, amount_fen=100_000_01
        )


def test_rejection_records_the_reason_and_issues_nothing(world):
    application = submit(world.program, world.enterprise)
    applications.application_reject(
        actor=world.reviewer, application=application, reason="材料不全", now=NOW
    )
    application.refresh_from_db()
    assert (application.state, application.reason) == (Application.State.REJECTED, "材料不全")
    assert not Voucher.objects.exists()


def test_rejection_needs_a_reason(world, refused):
    application = submit(world.program, world.enterprise)
    with refused("invalid", application):
        applications.application_reject(
            actor=world.reviewer, application=application, reason=" ", now=NOW
        )


@pytest.mark.parametrize("decision", ["approve", "reject"])
@pytest.mark.parametrize("decided", ["approve", "reject"])
def test_a_decided_application_cannot_be_decided_again(world, refused, decided, decision):
    application = submit(world.program, world.enterprise)
    act = {
        "approve": lambda: applications.application_approve(
            actor=world.reviewer, application=application, now=NOW
        ),
        "reject": lambda: applications.application_reject(
            actor=world.reviewer, application=application, reason="否", now=NOW
        ),
    }
    act[decided]()
    with refused("illegal_transition", application) as info:
        act[decision]()
    assert {"current", "target"} <= set(info.value.extra)


@pytest.mark.parametrize(
    ("region_code", "role"),
    [("SH", User.Role.AUTHORITY_REVIEWER), ("JS", User.Role.AUTHORITY_FINANCE)],
)
def test_only_the_issuing_regions_reviewer_decides(world, refused, region_code, role):
    application = submit(world.program, world.enterprise)
    other = build.authority(region_code, role=role)
    with refused("other_region" if region_code == "SH" else "permission_denied", application):
        applications.application_approve(actor=other, application=application, now=NOW)


def test_approval_beyond_the_remaining_budget_is_refused(world, refused):
    program = build.make_program(name="小预算", budget_fen=150_000_00)
    first = submit(program, world.enterprise)
    second = submit(program, build.enterprise_user())
    applications.application_approve(actor=world.reviewer, application=first, now=NOW)
    with refused("budget_exhausted", second):
        applications.application_approve(actor=world.reviewer, application=second, now=NOW)


# Refusals at submission: each with its stable code, and nothing written.


def test_refused_when_the_enterprise_is_not_approved(world, refused):
    user = build.enterprise_user(status=Organisation.Status.PENDING)
    with refused("enterprise_not_approved"):
        submit(world.program, user)


def test_refused_when_the_enterprise_is_blacklisted(world, refused):
    oversight.organisation_blacklist(
        actor=world.reviewer, organisation=world.enterprise.organisation, reason="骗补", now=NOW
    )
    with refused("blacklisted"):
        submit(world.program, world.enterprise)


def test_refused_under_another_regions_program(world, refused):
    with refused("other_region"):
        submit(world.program, build.enterprise_user("SH"))


@pytest.mark.parametrize("moment", [NOW.replace(year=2023), NOW.replace(month=7, day=2)])
def test_refused_outside_the_application_window(world, refused, moment):
    with refused("program_closed"):
        submit(world.program, world.enterprise, now=moment)


def test_refused_above_the_per_claim_maximum(world, refused):
    program = build.make_program(name="单次上限", per_claim_max_fen=50_000_00)
    with refused("over_per_claim_max"):
        submit(program, world.enterprise, 50_000_01)


def test_annual_cap_counts_pending_claims_and_issued_vouchers_across_programs(world, refused):
    other = build.make_program(name="第二批")
    third = build.make_program(name="第三批")  # one pending claim per program at a time
    build.issue_voucher(world.program, world.enterprise, 200_000_00, reviewer=world.reviewer)
    submit(other, world.enterprise, 50_000_00)
    with refused("over_annual_cap") as info:
        submit(third, world.enterprise, 50_000_01)
    assert info.value.extra["remaining_fen"] == 50_000_00
    submit(third, world.enterprise, 50_000_00)


def test_last_years_vouchers_do_not_count_against_this_years_cap(world):
    last_year = build.make_program(
        year=2023,
        applications_open_at=NOW.replace(year=2023),
        applications_close_at=NOW.replace(year=2023) + timedelta(days=30),
        use_by_at=NOW.replace(year=2023) + timedelta(days=60),
        redemption_deadline_at=NOW.replace(year=2023) + timedelta(days=90),
    )
    submit(last_year, world.enterprise, 300_000_00, now=NOW.replace(year=2023))
    assert submit(world.program, world.enterprise, 300_000_00).amount_fen == 300_000_00


def test_group_cap_sums_the_enterprises_of_one_actual_controller(world, refused):
    program = build.make_program(name="集团上限", group_annual_cap_fen=150_000_00)
    sister = build.enterprise_user(actual_controller="张三")
    brother = build.enterprise_user(actual_controller="张三")
    submit(program, sister, 100_000_00)
    with refused("over_group_cap"):
        submit(program, brother, 50_000_01)
    submit(program, brother, 50_000_00)


def test_refused_above_the_unallocated_budget(world, refused):
    program = build.make_program(name="未拨足", funded_fen=80_000_00)
    with refused("over_budget"):
        submit(program, world.enterprise, 80_000_01)


def test_refused_for_a_category_the_program_does_not_cover(world, refused):
    with refused("invalid"):
        applications.application_submit(
            actor=world.enterprise,
            program=world.program,
            amount_fen=1,
            purpose="x",
            planned_categories=[build.category("ip_services")],
            now=NOW,
        )


def test_approval_for_a_since_blacklisted_enterprise_is_refused(world, refused):
    application = submit(world.program, world.enterprise)
    oversight.organisation_blacklist(
        actor=world.reviewer, organisation=world.enterprise.organisation, reason="x", now=NOW
    )
    with refused("blacklisted", application):
        applications.application_approve(actor=world.reviewer, application=application, now=NOW)
