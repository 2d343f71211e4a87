from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.credit_codes import locate_credit_code
from accounts.models import Organisation
from devtools.demo.accounts import load_accounts_demo
from devtools.demo.vouchers import demo_parties_from_usernames, load_voucher_demo
from vouchers.ledger.models import Transfer
from vouchers.ledger.selectors import ledger_verify
from vouchers.models import (
    Application,
    Delivery,
    InstitutionService,
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
    load_accounts_demo(now=timezone.now())
    parties = demo_parties_from_usernames()
    assert sorted(parties) == ["AH", "JS", "SH", "ZJ"]

    programs = load_voucher_demo(now=NOW, parties=parties)
    first = counts()
    load_voucher_demo(now=NOW, parties=parties)

    assert counts() == first
    assert {program.region.short_code for program in programs} == {"AH", "JS", "SH", "ZJ"}
    for model in (Application, Voucher, ServiceOrder, Delivery, Redemption):
        states = set(model.objects.values_list("state", flat=True))
        # Suspended needs a blacklisted party, which would stop the demo's own parties.
        expected = set(model.State.values) - {"revoked", "clawed_back", "suspended"}
        assert states >= expected, (model, expected - states)
    assert set(PaymentBatch.objects.values_list("state", flat=True)) >= {"open", "paid"}
    # A program with a materials list and two tiers of review (issue 21).
    assert Program.objects.filter(application_city_review=True,
                                  redemption_city_review=True).exclude(application_materials=[])
    assert (
        ServiceOrder.objects.filter(institution__region__short_code="SH")
        .exclude(enterprise__region__short_code="SH")
        .exists()
    )
    report = ledger_verify()
    assert report.ok, report.mismatches


def test_demo_without_parties_does_nothing(db):
    assert load_voucher_demo(now=NOW, parties={}) == []


def test_demo_parties_sit_in_the_city_their_name_says(db):
    # When the demo loads, each enterprise and institution is in the city its name says:
    # its organisation's city and its credit code's registration division
    load_accounts_demo(now=timezone.now())

    parties = Organisation.objects.filter(kind__in=["enterprise", "institution"])
    located = {
        party.name: (party.city.name, locate_credit_code(party.credit_code).city.name)
        for party in parties.select_related("city")
    }
    assert located == {
        "上海浦江微电子有限公司": ("上海市", "上海市"),
        "上海张江检测技术服务有限公司": ("上海市", "上海市"),
        "苏州吴中精密机械有限公司": ("苏州市", "苏州市"),
        "南京紫金分析测试中心有限公司": ("南京市", "南京市"),
        "杭州西溪智能科技有限公司": ("杭州市", "杭州市"),
        "宁波甬江材料检测研究院有限公司": ("宁波市", "宁波市"),
        "合肥蜀山新能源有限公司": ("合肥市", "合肥市"),
        "芜湖长江工业设计研究院有限公司": ("芜湖市", "芜湖市"),
    }
    nanjing = parties.get(name="南京紫金分析测试中心有限公司")
    assert nanjing.credit_code[2:8] == "320102"  # 玄武区
    assert nanjing.address == "江苏省南京市玄武区中山门大街2号"
    assert nanjing.contact_phone == "025-84312001"
    shanghai = parties.get(name="上海张江检测技术服务有限公司")
    assert shanghai.address == "上海市浦东新区张衡路1号"


def test_demo_catalogue_lists_real_prices_for_some_services(db):
    load_accounts_demo(now=timezone.now())
    load_voucher_demo(now=NOW, parties=demo_parties_from_usernames())

    entries = InstitutionService.objects.filter(institution__name="南京紫金分析测试中心有限公司")
    prices = dict(entries.values_list("category__code", "price_note"))
    assert prices == {
        "testing": "800 元/样，5个工作日出报告",
        "instruments": "300 元/机时，含操作人员",
        "consulting": "2,000 元/人·天",
        "novelty_search": "1,200 元/项",
        "rnd_design": "面议",
        "tech_transfer": "面议",
        "ip_services": "面议",
        "pilot": "面议",
    }
    assert InstitutionService.objects.exclude(price_note="面议").count() == 4 * 4
    # The demo orders are 15 samples of testing at the listed price
    assert set(ServiceOrder.objects.values_list("total_fee_fen", flat=True)) == {15 * 800_00}
