"""Admission checks for institutions by their region's rules, the per-region notice period,
and the public notice of redemption results."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts import services
from accounts.credit_codes import compose_credit_code
from accounts.errors import AccessDenied, InvalidInput
from accounts.models import (
    AuditEntry,
    Organisation,
    Region,
    RegionRules,
    RegistrationDocument,
    User,
)
from accounts.services import admission
from accounts.uploads import Upload
from devtools.factories import vouchers as build

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=build.TZ)


def set_rules(actor, **fields):
    values = {"min_years_in_operation": 2, "integrity_declaration_required": True,
              "integrity_statement": "本机构承诺遵守科研诚信要求。",
              "required_documents": ["营业执照", "资质认定证书"], "notice_days": 10,
              "publish_redemption_results": False, "reason": "2026年准入规则"}
    return services.region_rules_set(actor=actor, now=NOW, **{**values, **fields})


def register(kind="institution", *, founded_on=date(2020, 1, 1), declared=True,
             documents=None, serial=10):
    return services.organisation_register(
        kind=kind, name="新注册检测技术有限公司",
        credit_code=compose_credit_code(division="320506", serial=serial),
        username=f"newcomer{serial}", password="a-Strong-passphrase-9", founded_on=founded_on,
        integrity_declared=declared,
        documents={"营业执照": Upload("licence.pdf", build.PDF),
                   "资质认定证书": Upload("cma.png", build.image_bytes("PNG"))}
        if documents is None else documents,
        now=NOW)


@pytest.fixture
def reviewer(db):
    return build.authority("JS")


def test_a_region_without_rules_has_the_defaults(db):
    rules = admission.region_rules_of(Region.objects.get(short_code="JS"))
    assert rules.pk is None
    assert (rules.min_years_in_operation, rules.required_documents,
            rules.effective_notice_days) == (0, [], settings.INSTITUTION_NOTICE_DAYS)
    user = register(founded_on=None, declared=False, documents={})
    assert user.organisation.status == Organisation.Status.PENDING


def test_the_authority_sets_its_regions_rules_with_an_audit_line(reviewer):
    rules = set_rules(reviewer)
    assert (rules.region.short_code, rules.min_years_in_operation, rules.notice_days) == (
        "JS", 2, 10)
    entry = AuditEntry.objects.get(action="region_rules_change")
    assert entry.after["required_documents"] == ["营业执照", "资质认定证书"]
    assert entry.reason == "2026年准入规则"


@pytest.mark.parametrize(("fields", "code"), [
    ({"min_years_in_operation": 51}, "min_years_invalid"),
    ({"notice_days": 0}, "notice_days_invalid"),
    ({"required_documents": ["营业执照", "营业执照"]}, "documents_invalid"),
    ({"reason": " "}, "required"),
])
def test_bad_rules_are_refused(reviewer, fields, code):
    with pytest.raises(InvalidInput) as info:
        set_rules(reviewer, **fields)
    assert info.value.code == code
    assert not RegionRules.objects.exists()


def test_only_an_authority_reviewer_sets_rules(db):
    with pytest.raises(AccessDenied):
        set_rules(build.enterprise_user("JS"))


def test_an_institution_meeting_the_rules_registers_with_its_declaration_and_documents(
        reviewer):
    set_rules(reviewer)
    organisation = register().organisation
    assert organisation.founded_on == date(2020, 1, 1)
    assert (organisation.integrity_statement, organisation.integrity_declared_at) == (
        "本机构承诺遵守科研诚信要求。", NOW)
    assert sorted(RegistrationDocument.objects.values_list("name", "content_type")) == [
        ("营业执照", "application/pdf"), ("资质认定证书", "image/png")]


@pytest.mark.parametrize(("kwargs", "code", "message"), [
    ({"founded_on": date(2024, 6, 2)}, "too_young",
     "江苏省要求服务机构成立满2年，贵机构成立于2024-06-02，尚不满足，暂不能注册"),
    ({"founded_on": None}, "founded_on_required", "请填写成立日期"),
    ({"founded_on": date(2026, 6, 2)}, "founded_on_future", "成立日期不能晚于今天"),
    ({"declared": False}, "integrity_declaration_required", "请阅读并勾选诚信承诺"),
    ({"documents": {"营业执照": Upload("licence.pdf", build.PDF)}},
     "registration_documents_missing", "缺少注册所需材料：“资质认定证书”"),
    ({"documents": {"营业执照": Upload("licence.pdf", b"MZ"), "资质认定证书":
                    Upload("cma.pdf", build.PDF)}}, "invalid_upload", None),
])
def test_an_institution_failing_the_rules_is_refused_and_nothing_is_kept(
        reviewer, kwargs, code, message):
    set_rules(reviewer)
    with pytest.raises(InvalidInput) as info:
        register(**kwargs)
    assert info.value.code == code
    if message:
        assert info.value.message == message
    assert not Organisation.objects.filter(kind="institution", status="pending").exists()
    assert not User.objects.filter(username="newcomer10").exists()
    assert not RegistrationDocument.objects.exists()


def test_exactly_two_years_is_enough(reviewer):
    set_rules(reviewer)
    assert register(founded_on=date(2024, 6, 1)).organisation.status == "pending"


def test_a_too_young_refusal_reads_in_english(reviewer):
    set_rules(reviewer)
    with translation.override("en"), pytest.raises(InvalidInput) as info:
        register(founded_on=date(2025, 1, 1))
    assert str(info.value.message) == (
        "Jiangsu admits service institutions in operation for at least 2 years; yours was "
        "founded on 2025-01-01, so it cannot register yet")


def test_without_a_wording_of_its_own_the_standard_declaration_is_recorded(reviewer):
    set_rules(reviewer, integrity_statement="")
    organisation = register().organisation
    assert organisation.integrity_statement.startswith("本机构承诺所填信息和所交材料真实、完整")


def test_enterprises_are_not_held_to_institution_rules(reviewer):
    set_rules(reviewer)
    user = register(kind="enterprise", founded_on=None, declared=False, documents={})
    assert user.organisation.integrity_declared_at is None


def test_the_notice_period_is_the_regions(reviewer):
    set_rules(reviewer, notice_days=10)
    organisation = register().organisation
    approved = services.organisation_approve(actor=reviewer, organisation=organisation, now=NOW)
    assert approved.notice_ends_at == NOW + timedelta(days=10)


def test_without_rules_the_global_notice_period_applies(reviewer):
    organisation = register(founded_on=None, declared=False, documents={}).organisation
    approved = services.organisation_approve(actor=reviewer, organisation=organisation, now=NOW)
    assert approved.notice_ends_at == NOW + timedelta(days=settings.INSTITUTION_NOTICE_DAYS)


def test_redemption_results_are_public_only_where_the_region_publishes_them(reviewer, client):
    from vouchers.services import redemptions

    program = build.make_program(actor=reviewer)
    voucher = build.issue_voucher(program, build.enterprise_user("JS", name="苏州精密制造有限公司"),
                                  100_000_00, reviewer=reviewer)
    institution = build.institution_user("SH", name="上海测试技术研究院")
    order = build.place_order(voucher, voucher.enterprise.users.first(),
                              institution.organisation)
    build.delivered_and_confirmed(order, institution, voucher.enterprise.users.first())
    redemption = build.request_redemption(order, institution)
    redemptions.redemption_approve(actor=reviewer, redemption=redemption, now=build.NOW)
    url = reverse("vouchers:public_redemption_results", args=["32"])

    assert client.get(url).status_code == 404
    set_rules(reviewer, publish_redemption_results=True)
    body = client.get(url).content.decode()
    assert "上海测试技术研究院" in body
    assert "苏州精密制造有限公司" in body
    assert "¥5,000.00" in body
    assert order.contract_number not in body
    assert client.get(reverse("vouchers:public_redemption_results", args=["31"])).status_code \
        == 404


def test_the_registration_page_refuses_a_too_young_institution_with_the_reason(reviewer, client):
    set_rules(reviewer, required_documents=[])
    page = client.get(reverse("accounts:register"))
    assert "诚信承诺（服务机构勾选）" in page.content.decode()
    response = client.post(reverse("accounts:register"), {
        "kind": "institution", "name": "新注册检测技术有限公司",
        "credit_code": compose_credit_code(division="320506", serial=10),
        "legal_representative": "张三", "contact_phone": "0512-1234567", "address": "苏州",
        "username": "newcomer10", "password": "a-Strong-passphrase-9",
        "password_again": "a-Strong-passphrase-9", "founded_on": "2025-12-01",
        "integrity_declared": "on"})
    assert response.status_code == 200
    assert "江苏省要求服务机构成立满2年" in response.content.decode()
    assert not Organisation.objects.filter(kind="institution").exists()
