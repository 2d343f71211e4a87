"""Registration by historical credit codes, the reviewer's city, and the actual controller's
normalised identity, through the services."""

from __future__ import annotations

import pytest
from django.utils import timezone
from stdnum.cn import uscc

from accounts import services
from accounts.errors import AccessDenied, InvalidCreditCode, InvalidInput
from accounts.identity import controller_identity
from accounts.models import AuditEntry, City, Organisation, User
from devtools.factories.accounts import OrganisationFactory, UserFactory

NOW = timezone.now().replace(microsecond=0)
PASSWORD = "a-Strong-passphrase-9"
ID_SHANGHAI = "310104198506151237"  # resident ID numbers with valid check digits
ID_HEFEI = "340104199001010519"
ID_HANGZHOU = "330106198811110024"


def code(division: str, body: str = "MA1FL1234") -> str:
    stem = f"91{division}{body}"
    return stem + uscc.calc_check_digit(stem)


def register(division: str, *, username: str = "newcomer", body: str = "MA1FL1234", **fields):
    return services.organisation_register(
        kind=fields.pop("kind", "enterprise"), name=fields.pop("name", "长三角测试科技有限公司"),
        credit_code=code(division, body), username=username, password=PASSWORD, now=NOW,
        **fields,
    ).organisation


@pytest.mark.parametrize(
    ("division", "region", "city"),
    [
        ("310103", "SH", "310100"),  # 卢湾区, merged into 黄浦区 in 2011
        ("310230", "SH", "310100"),  # 崇明县, now 崇明区
        ("320881", "JS", "321300"),  # 县级宿迁市 under 淮阴: now 宿迁, not 淮安
        ("341422", "AH", "340200"),  # 无为县 of 巢湖: now 芜湖
        ("341521", "AH", "340400"),  # 寿县: moved from 六安 to 淮南 in 2015
        ("320000", "JS", None),  # 江苏省 provincial authority: no city
        ("341400", "AH", None),  # 地级巢湖市, split in 2011
        ("339999", "ZJ", None),  # unknown prefix
    ],
)
def test_a_valid_code_always_registers_in_its_region(db, division, region, city):
    organisation = register(division)

    assert organisation.status == Organisation.Status.PENDING
    assert organisation.region.short_code == region
    assert (organisation.city.code if organisation.city else None) == city
    entry = AuditEntry.objects.get(action="organisation_register")
    assert entry.after["city"] == city


def test_invisible_character_in_the_code_writes_nothing(db):
    with pytest.raises(InvalidCreditCode) as caught:
        services.organisation_register(
            kind="enterprise", name="隐藏字符公司", credit_code=code("320506") + "\u200b",
            username="hidden", password=PASSWORD,
            now=timezone.now(),
        )
    assert caught.value.extra["reason"] == "hidden_characters"
    assert not Organisation.objects.filter(name="隐藏字符公司").exists()
    assert not User.objects.filter(username="hidden").exists()
    assert not AuditEntry.objects.exists()


def test_approval_waits_for_the_reviewer_to_set_the_city(db):
    organisation = register("320000")
    reviewer = UserFactory.authority("JS")

    with pytest.raises(InvalidInput) as caught:
        services.organisation_approve(actor=reviewer, organisation=organisation, now=NOW)
    assert caught.value.code == "city_not_set"
    assert caught.value.message == "该机构所在城市尚未确定，请先设置城市再审核通过"
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING
    assert not AuditEntry.objects.filter(action="organisation_approved").exists()

    services.organisation_set_city(actor=reviewer, organisation=organisation,
                                   city=City.objects.get(code="320500"), now=NOW)
    services.organisation_approve(actor=reviewer, organisation=organisation, now=NOW)

    organisation.refresh_from_db()
    assert (organisation.city.name, organisation.status) == ("苏州市", "approved")
    entry = AuditEntry.objects.get(action="organisation_city_set")
    assert (entry.actor, entry.before, entry.after) == (reviewer, {"city": None},
                                                        {"city": "320500"})


def test_another_region_is_refused_before_it_learns_the_city_is_missing(db):
    organisation = register("320000")
    with pytest.raises(AccessDenied):
        services.organisation_approve(
            actor=UserFactory.authority("ZJ"), organisation=organisation, now=timezone.now()
        )
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING


def test_institution_without_a_city_cannot_enter_its_notice(db):
    organisation = register("341400", kind="institution")
    with pytest.raises(InvalidInput) as caught:
        services.organisation_approve(
            actor=UserFactory.authority("AH"), organisation=organisation, now=timezone.now()
        )
    assert caught.value.code == "city_not_set"
    organisation.refresh_from_db()
    assert (organisation.status, organisation.notice_ends_at) == ("pending", None)


def test_city_must_lie_in_the_organisation_s_region(db):
    organisation = register("340000")
    with pytest.raises(InvalidInput) as caught:
        services.organisation_set_city(actor=UserFactory.authority("AH"),
                                       organisation=organisation,
                                       city=City.objects.get(code="320100"), now=timezone.now())
    assert caught.value.code == "city_outside_region"
    organisation.refresh_from_db()
    assert organisation.city is None
    assert not AuditEntry.objects.filter(action="organisation_city_set").exists()


def test_changing_a_known_city_needs_a_reason(db):
    organisation = register("320506")
    reviewer = UserFactory.authority("JS")
    wuxi = City.objects.get(code="320200")

    with pytest.raises(InvalidInput) as caught:
        services.organisation_set_city(
            actor=reviewer, organisation=organisation, city=wuxi, now=timezone.now()
        )
    assert caught.value.message == "更改已确定的城市时必须填写原因"
    organisation.refresh_from_db()
    assert organisation.city.code == "320500"

    services.organisation_set_city(actor=reviewer, organisation=organisation, city=wuxi,
                                   reason="营业执照住所在无锡市新吴区", now=timezone.now())
    organisation.refresh_from_db()
    assert organisation.city == wuxi
    entry = AuditEntry.objects.get(action="organisation_city_set")
    assert (entry.before, entry.after, entry.reason) == (
        {"city": "320500"}, {"city": "320200"}, "营业执照住所在无锡市新吴区")


@pytest.mark.parametrize("reviewer_region", ["SH", "ZJ"])
def test_only_the_region_s_reviewer_sets_the_city(db, reviewer_region):
    organisation = register("320000")
    with pytest.raises(AccessDenied):
        services.organisation_set_city(actor=UserFactory.authority(reviewer_region),
                                       organisation=organisation,
                                       city=City.objects.get(code="320100"), now=timezone.now())
    organisation.refresh_from_db()
    assert organisation.city is None


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("张三", "name:张三"),
        (" 张三 ", "name:张三"),
        ("张三\u3000", "name:张三"),
        ("张 三", "name:张三"),
        ("阿依古丽・买买提", "name:阿依古丽·买买提"),
        ("阿依古丽•买买提", "name:阿依古丽·买买提"),
        ("ＡＢＣ控股集团有限公司", "name:abc控股集团有限公司"),
        ("Abc控股集团有限公司 ", "name:abc控股集团有限公司"),
        ("", ""),
    ],
)
def test_controller_name_is_folded_into_one_key(typed, key):
    assert controller_identity(name=typed, identifier="").key == key


def test_controller_credit_code_is_the_key_and_is_shown_whole():
    holding = code("310115", "MA1H7Y2K3")
    identity = controller_identity(name="上海长三角控股有限公司", identifier=holding.lower())

    assert (identity.identifier, identity.key) == (holding, f"uscc:{holding}")


def test_resident_id_is_kept_masked_and_keyed_by_a_hash():
    identity = controller_identity(name="王五", identifier=f" {ID_SHANGHAI.lower()} ")

    assert identity.identifier == "310104********1237"
    assert identity.key.startswith("ric:")
    assert len(identity.key) == 68  # "ric:" and an HMAC-SHA256 in hex
    assert ID_SHANGHAI not in identity.key
    assert controller_identity(name="王 五", identifier=ID_SHANGHAI).key == identity.key
    assert controller_identity(name="王五", identifier=ID_HEFEI).key != identity.key


@pytest.mark.parametrize(
    ("name", "identifier", "code_", "message"),
    [
        ("王五", "310104198506151238", "invalid_controller_identifier",
         "实际控制人证件号码应为有效的统一社会信用代码或18位居民身份证号码，请核对"),
        ("王五", "31010419850615123", "invalid_controller_identifier",
         "实际控制人证件号码应为有效的统一社会信用代码或18位居民身份证号码，请核对"),
        ("王五", ID_SHANGHAI + "\u200b", "hidden_characters",
         "实际控制人证件号码中含有不可见字符，请删除后重新输入"),
        ("", ID_SHANGHAI, "invalid", "填写实际控制人证件号码时，请同时填写实际控制人名称"),
        ("王\u200b五", "", "hidden_characters",
         "实际控制人含有不可见或控制字符（U+200B），请删除后重新输入"),
    ],
)
def test_bad_controller_identity_is_refused_at_registration(db, name, identifier, code_, message):
    with pytest.raises(InvalidInput) as caught:
        register("320506", actual_controller=name, actual_controller_identifier=identifier)
    assert (caught.value.code, caught.value.message) == (code_, message)
    assert not Organisation.objects.exists()


def test_registration_stores_the_controller_identity(db):
    organisation = register("330106", actual_controller=" 赵六 ",
                            actual_controller_identifier=ID_HANGZHOU)

    assert organisation.actual_controller == "赵六"
    assert organisation.actual_controller_identifier == "330106********0024"
    assert organisation.actual_controller_key == controller_identity(
        name="赵六", identifier=ID_HANGZHOU).key
    entry = AuditEntry.objects.get(action="organisation_register")
    assert entry.after["actual_controller_identifier"] == "330106********0024"
    assert ID_HANGZHOU not in str(entry.after)


def test_reviewer_corrects_the_controller_with_a_reason_and_an_audit_line(db):
    organisation = register("320506", actual_controller="张三 ")
    reviewer = UserFactory.authority("JS")

    with pytest.raises(InvalidInput):
        services.organisation_set_actual_controller(
            actor=reviewer, organisation=organisation, actual_controller="张三",
            actual_controller_identifier=ID_SHANGHAI, reason=" ", now=timezone.now())
    organisation.refresh_from_db()
    assert organisation.actual_controller_identifier == ""

    services.organisation_set_actual_controller(
        actor=reviewer, organisation=organisation, actual_controller="张三",
        actual_controller_identifier=ID_SHANGHAI, reason="股权结构图显示张三持股62%", now=NOW)

    organisation.refresh_from_db()
    assert organisation.actual_controller_key == controller_identity(
        name="张三", identifier=ID_SHANGHAI).key
    entry = AuditEntry.objects.get(action="organisation_actual_controller_set")
    assert entry.before == {"actual_controller": "张三", "actual_controller_identifier": ""}
    assert entry.after == {"actual_controller": "张三",
                           "actual_controller_identifier": "310104********1237"}
    assert entry.reason == "股权结构图显示张三持股62%"


def test_another_region_cannot_change_the_controller(db):
    organisation = OrganisationFactory(region_code="JS", actual_controller="张三")
    with pytest.raises(AccessDenied):
        services.organisation_set_actual_controller(
            actor=UserFactory.authority("SH"), organisation=organisation,
            actual_controller="李四", reason="x", now=timezone.now())
    organisation.refresh_from_db()
    assert organisation.actual_controller == "张三"
