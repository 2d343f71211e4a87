"""One application per enterprise and program awaits review at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from accounts.models import AuditEntry
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from vouchers.models import Application
from vouchers.services import applications


def submit(program, user, amount_fen=100_000_00, now=NOW):
    return applications.application_submit(
        actor=user, program=program, amount_fen=amount_fen, purpose="检测新产品",
        planned_categories=[build.category()], now=now,
    )


def test_a_second_application_while_one_is_pending_is_refused(world, refused):
    first = submit(world.program, world.enterprise, 120_000_00)
    with refused("application_pending", first) as info:
        submit(world.program, world.enterprise, 120_000_00, now=NOW + timedelta(minutes=2))
    assert info.value.message == (
        "您已有一份待审核的申请（2024年3月1日提交，申领金额120,000.00元），请等待审核结果后再申请"
    )
    assert info.value.extra == {"application_id": first.pk}
    assert Application.objects.filter(enterprise=world.enterprise.organisation).count() == 1


def test_after_a_decision_the_enterprise_may_apply_again(world):
    first = submit(world.program, world.enterprise, 100_000_00)
    applications.application_reject(
        actor=world.reviewer, application=first, reason="材料不全", now=NOW
    )
    second = submit(world.program, world.enterprise, 100_000_00)
    applications.application_approve(actor=world.reviewer, application=second, now=NOW)
    third = submit(world.program, world.enterprise, 50_000_00)
    assert third.state == Application.State.SUBMITTED
    assert AuditEntry.objects.filter(action="application_submit").count() == 3


def test_other_enterprises_and_other_programs_are_not_affected(world):
    submit(world.program, world.enterprise)
    other_program = build.make_program(name="第二批")
    assert submit(world.program, build.enterprise_user()).state == Application.State.SUBMITTED
    assert submit(other_program, world.enterprise).state == Application.State.SUBMITTED


def test_the_database_refuses_a_second_pending_application(world):
    first = submit(world.program, world.enterprise)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            program=world.program, enterprise=first.enterprise, applicant=first.applicant,
            amount_fen=1, purpose="重复", state=Application.State.SUBMITTED, submitted_at=NOW,
        )
    rejected = Application.objects.create(  # decided applications are not limited
        program=world.program, enterprise=first.enterprise, applicant=first.applicant,
        amount_fen=1, purpose="历史", state=Application.State.REJECTED, submitted_at=NOW,
    )
    assert rejected.pk
