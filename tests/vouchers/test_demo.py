from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from accounts.demo import load_accounts_demo
from vouchers.demo import demo_parties_from_usernames, load_voucher_demo
from vouchers.ledger.models import Transfer
from vouchers.ledger.selectors import ledger_verify
from vouchers.models import (
    Application,
    Delivery,
    PaymentBatch,
    Program,
    Redemption,
    ServiceOrder,
    Voucher,
)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MODELS = (Program, Application, Voucher, ServiceOrder, Delivery, Redemption, PaymentBatch, Transfer)


def counts():
    return [model.objects.count() for model in MODELS]


def test_demo_covers_every_state_and_a_second_run_creates_nothing(db):
    load_accounts_demo()
    parties = demo_parties_from_usernames()
    assert sorted(parties) == ["AH", "JS", "SH", "ZJ"]

    programs = load_voucher_demo(now=NOW, parties=parties)
    first = counts()
    load_voucher_demo(now=NOW, parties=parties)

    assert counts() == first
    assert {program.region.short_code for program in programs} == {"AH", "JS", "SH", "ZJ"}
    for model in (Application, Voucher, ServiceOrder, Delivery, Redemption):
        states = set(model.objects.values_list("state", flat=True))
        expected = set(model.State.values) - {"revoked", "clawed_back"}
        assert states >= expected, (model, expected - states)
    assert set(PaymentBatch.objects.values_list("state", flat=True)) >= {"open", "paid"}
    assert (
        ServiceOrder.objects.filter(institution__region__short_code="SH")
        .exclude(enterprise__region__short_code="SH")
        .exists()
    )
    report = ledger_verify()
    assert report.ok, report.mismatches


def test_demo_without_parties_does_nothing(db):
    assert load_voucher_demo(now=NOW, parties={}) == []
