"""Registration with historical credit codes, the reviewer's city and actual controller, and
the operator's historical-division table, through the pages (Django test client)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import uscc

from accounts import services
from accounts.models import AuditEntry, City, HistoricalDivision, Organisation, User
from devtools.factories import vouchers as f
from devtools.factories.accounts import OrganisationFactory, UserFactory
from tests.views.conftest import issue, token
from vouchers.models import ServiceOrder


def code(division: str, body: str = "MA1MXXXXX") -> str:
    stem = f"91{division}{body}"
    return stem + uscc.calc_check_digit(stem)


def registration(**overrides) -> dict:
    data = {
        "kind": "enterprise", "name": "上海静安新材料有限公司", "credit_code": code("310108"),
        "legal_representative": "李四", "contact_phone": "021-61234567",
        "address": "上海市静安区共和新路1号", "username": "jaxcl", "email": "",
        "password": "a-Strong-passphrase-9", "password_again": "a-Strong-passphrase-9",
        "actual_controller": "", "actual_controller_identifier": "",
    }
    return data | overrides


def english(client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


@pytest.mark.parametrize(
    ("typed", "region", "city"),
    [
        (code("310108"), "上海市", "上海市"),  # 闸北区, merged into 静安区 in 2015
        (code("310119").lower(), "上海市", "上海市"),  # 南汇区, lower case
        (" ".join([code("320881")[:2], code("320881")[2:8], code("320881")[8:]]), "江苏省",
         "宿迁市"),  # spaced as printed on a licence
        ("".join(chr(ord(ch) + 0xFEE0) for ch in code("341424")), "安徽省", "马鞍山市"),
        (code("320000"), "江苏省", None),
    ],
)
def test_registration_form_registers_historical_and_provincial_codes(
    client, db, typed, region, city
):
    response = client.post(reverse("accounts:register"), registration(credit_code=typed),
                           follow=True)

    assert response.status_code == 200
    organisation = Organisation.objects.get(name="上海静安新材料有限公司")
    assert organisation.region.name == region
    assert (organisation.city.name if organisation.city else None) == city
    assert organisation.status == Organisation.Status.PENDING


def test_registration_form_names_the_invisible_character(client, db):
    response = client.post(reverse("accounts:register"),
                           registration(credit_code=code("310108") + "\u200b"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "统一社会信用代码中发现1个不可见字符（U+200B），请删除后重新输入" in body
    assert "当前为19位" not in body
    assert not Organisation.objects.exists()


def test_registration_form_names_the_invisible_character_in_english(client, db):
    english(client)
    response = client.post(reverse("accounts:register"),
                           registration(credit_code="\ufeff" + code("310108")))

    body = response.content.decode()
    assert ("1 invisible character(s) found in the unified social credit code (U+FEFF); "
            "delete them and enter the code again.") in body
    assert not Organisation.objects.exists()


def test_registration_form_takes_the_actual_controller(client, db):
    client.post(reverse("accounts:register"), registration(
        actual_controller="张三 ", actual_controller_identifier="310104198506151237"))

    organisation = Organisation.objects.get()
    assert (organisation.actual_controller, organisation.actual_controller_identifier) == (
        "张三", "310104********1237")


def test_registration_form_refuses_a_bad_controller_number_next_to_the_field(client, db):
    response = client.post(reverse("accounts:register"), registration(
        actual_controller="张三", actual_controller_identifier="310104198506151238"))

    body = response.content.decode()
    assert "实际控制人证件号码应为有效的统一社会信用代码或18位居民身份证号码，请核对" in body
    assert 'value="上海静安新材料有限公司"' in body
    assert not Organisation.objects.exists()


@pytest.fixture
def provincial(db) -> Organisation:
    user = services.organisation_register(
        kind="enterprise", name="江苏省级登记科技有限公司", credit_code=code("320000"),
        username="provincial", password="a-Strong-passphrase-9",
        now=timezone.now(),
    )
    return user.organisation


def test_review_pages_say_the_city_is_for_the_reviewer(client, provincial):
    client.force_login(UserFactory.authority("JS"))

    queue = client.get(reverse("accounts:registration_queue")).content.decode()
    page = client.get(reverse("accounts:registration_review", args=[provincial.pk]))

    assert "城市待审核员确定" in queue
    assert "城市待审核员确定" in page.content.decode()
    assert "None" not in page.content.decode()
    english(client)
    page = client.get(reverse("accounts:registration_review", args=[provincial.pk]))
    assert "City to be set by the reviewer" in page.content.decode()


def test_approving_without_a_city_shows_why_and_changes_nothing(client, provincial):
    client.force_login(UserFactory.authority("JS"))

    response = client.post(reverse("accounts:registration_review", args=[provincial.pk]),
                           {"decision": "approve", "reason": ""})

    assert response.status_code == 200
    assert "该机构所在城市尚未确定，请先设置城市再审核通过" in response.content.decode()
    provincial.refresh_from_db()
    assert provincial.status == Organisation.Status.PENDING


def test_reviewer_sets_the_city_then_approves(client, provincial):
    reviewer = UserFactory.authority("JS")
    client.force_login(reviewer)
    nantong = City.objects.get(code="320600")

    response = client.post(reverse("accounts:registration_set_city", args=[provincial.pk]),
                           {"city": nantong.pk, "reason": ""})
    assert response.status_code == 302
    client.post(reverse("accounts:registration_review", args=[provincial.pk]),
                {"decision": "approve", "reason": ""})

    provincial.refresh_from_db()
    assert (provincial.city, provincial.status) == (nantong, Organisation.Status.APPROVED)
    assert AuditEntry.objects.get(action="organisation_city_set").actor == reviewer


def test_city_form_offers_only_the_region_s_cities(client, provincial):
    client.force_login(UserFactory.authority("JS"))
    hangzhou = City.objects.get(code="330100")

    response = client.post(reverse("accounts:registration_set_city", args=[provincial.pk]),
                           {"city": hangzhou.pk})

    assert response.status_code == 200
    assert "选择一个有效的选项： 该选择不在可用的选项中。" in response.content.decode()
    provincial.refresh_from_db()
    assert provincial.city is None


def test_another_region_s_reviewer_cannot_reach_the_city_form(client, provincial):
    client.force_login(UserFactory.authority("SH"))
    response = client.post(reverse("accounts:registration_set_city", args=[provincial.pk]),
                           {"city": City.objects.get(code="310100").pk})
    assert response.status_code == 404
    provincial.refresh_from_db()
    assert provincial.city is None


def test_reviewer_corrects_the_actual_controller_on_the_page(client, provincial):
    client.force_login(UserFactory.authority("JS"))
    url = reverse("accounts:registration_set_controller", args=[provincial.pk])

    refused = client.post(url, {"actual_controller": "张三", "reason": ""})
    assert "请填写原因" in refused.content.decode()
    client.post(url, {"actual_controller": "張三", "actual_controller_identifier": "",
                      "reason": "工商登记信息"})

    provincial.refresh_from_db()
    assert provincial.actual_controller == "張三"
    entry = AuditEntry.objects.get(action="organisation_actual_controller_set")
    assert entry.reason == "工商登记信息"


@pytest.fixture
def operator(db) -> User:
    organisation = OrganisationFactory(kind="operator", credit_code=None, city=None,
                                       region_code="SH")
    return services.user_create(actor=None, organisation=organisation, username="ops",
                                password="pw-for-tests", role=User.Role.OPERATOR,
                                now=timezone.now())


def test_admin_lists_the_table_with_its_source(client, operator):
    client.force_login(operator)
    body = client.get(reverse("admin:accounts_historicaldivision_changelist")).content.decode()
    assert "GB/T 2260" in body
    assert "卢湾区" in body


def test_operator_corrects_a_successor_in_the_admin_with_an_audit_line(client, operator):
    client.force_login(operator)
    nanhui = HistoricalDivision.objects.get(code="310119")
    url = reverse("admin:accounts_historicaldivision_change", args=[nanhui.pk])
    fields = {"successor_code": "310115", "successor_name": "浦东新区",
              "source": "民政部《2009年县级以上行政区划变更情况》：撤销南汇区并入浦东新区（复核）"}

    missing_reason = client.post(url, fields | {"reason": ""})
    assert missing_reason.status_code == 200
    nanhui.refresh_from_db()
    assert nanhui.basis == HistoricalDivision.Basis.CURATED
    client.post(url, fields | {"reason": "复核民政部公告"})

    nanhui.refresh_from_db()
    assert nanhui.basis == HistoricalDivision.Basis.OPERATOR
    assert nanhui.source.endswith("（复核）")
    entry = AuditEntry.objects.get(action="historical_division_changed")
    assert (entry.actor, entry.reason) == (operator, "复核民政部公告")
    assert entry.before["source"] == ("民政部《2009年县级以上行政区划变更情况》："
                                      "撤销南汇区并入浦东新区")


def test_admin_refuses_a_successor_cycle(client, operator):
    client.force_login(operator)
    nanhui_county = HistoricalDivision.objects.get(code="310225")  # → 310119 南汇区
    nanhui = HistoricalDivision.objects.get(code="310119")
    url = reverse("admin:accounts_historicaldivision_change", args=[nanhui.pk])

    response = client.post(url, {"successor_code": "310225", "successor_name": "南汇县",
                                 "source": "x", "reason": "试图形成循环"})

    assert "接续区划不能回到该区划本身（形成循环）" in response.content.decode()
    nanhui.refresh_from_db()
    assert nanhui.successor_code == "310115"
    assert nanhui_county.successor_code == "310119"
    assert not AuditEntry.objects.filter(action="historical_division_changed").exists()


def test_operator_records_a_new_historical_division(client, operator):
    client.force_login(operator)
    response = client.post(reverse("admin:accounts_historicaldivision_add"), {
        "code": "３２０６９９", "name": "测试撤销区", "abolished_year": "2024",
        "successor_code": "320613", "successor_name": "崇川区",
        "source": "民政部《2024年县级以上行政区划变更情况》", "reason": "补录",
    })

    assert response.status_code == 302
    recorded = HistoricalDivision.objects.get(code="320699")
    assert (recorded.basis, recorded.successor_code) == ("operator", "320613")
    assert AuditEntry.objects.get(action="historical_division_recorded").after["code"] == "320699"


def test_only_the_operator_edits_the_table(db):
    from accounts.errors import AccessDenied

    with pytest.raises(AccessDenied):
        services.historical_division_set_successor(
            actor=UserFactory.authority("SH"), division=HistoricalDivision.objects.get(
                code="310119"), successor_code="", source="x", reason="x", now=timezone.now())
    assert HistoricalDivision.objects.get(code="310119").successor_code == "310115"


def test_the_order_page_refuses_an_order_across_one_controller(client, world):
    voucher = issue(world)
    for user in (world.enterprise, world.institution):
        user.organisation.actual_controller_key = "name:张三"
        user.organisation.save()
    client.force_login(world.enterprise)
    url = reverse("vouchers:order_create", args=[world.institution.organisation.pk])

    response = client.post(url, {
        "form_token": token(client.get(url)), "voucher": voucher.pk,
        "category": f.category().pk, "contract_number": "HT-2024-019",
        "total_fee_fen": "1,234.50", "confirm": "1",
    })

    assert "企业与服务机构为同一实际控制人，不能使用创新券" in response.content.decode()
    assert not ServiceOrder.objects.exists()
