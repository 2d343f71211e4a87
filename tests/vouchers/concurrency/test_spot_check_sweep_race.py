"""Two sweeps at the same moment, each on its own PostgreSQL connection: one draw per program
and period, never two (the unique row spot_check_once_per_program_period)."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from django.db import connection

from accounts.models import AuditEntry
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW, TZ
from vouchers.models import Program, SpotCheck, SpotCheckItem
from vouchers.services import redemptions
from vouchers.services.spot_check_programme import spot_checks_sweep

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

AFTER_Q1 = datetime(2024, 4, 1, 1, 30, tzinfo=TZ)


def test_two_concurrent_sweeps_draw_each_period_once():
    reviewer = build.authority("JS")
    build.authority("JS")  # a checker who did not approve
    program = build.make_program(actor=reviewer)
    Program.objects.filter(pk=program.pk).update(spot_check_rate_bp=5000,
                                                 spot_check_cadence="quarter")
    enterprise, institution = build.enterprise_user("JS"), build.institution_user("SH")
    voucher = build.issue_voucher(program, enterprise, 100_000_00, reviewer=reviewer)
    for _ in range(4):
        order = build.place_order(voucher, enterprise, institution.organisation, 1_000_00)
        build.delivered_and_confirmed(order, institution, enterprise)
        redemptions.redemption_approve(actor=reviewer, now=NOW,
                                       redemption=build.request_redemption(order, institution))
    barrier = threading.Barrier(2)
    drawn: list[int] = []
    errors: list[BaseException] = []
    guard = threading.Lock()

    def sweep() -> None:
        try:
            barrier.wait()
            made = spot_checks_sweep(now=AFTER_Q1)
            with guard:
                drawn.append(len(made))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(drawn) == [0, 1]
    assert SpotCheck.objects.filter(program=program).count() == 1
    assert SpotCheckItem.objects.count() == 2  # 50 % of 4
    assert AuditEntry.objects.filter(action="spot_check_sweep_draw").count() == 1
