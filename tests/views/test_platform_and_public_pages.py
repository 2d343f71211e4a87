"""The operator's overview and reference data; the public directory, notices and objections;
the home tiles of every role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import City, Objection, Organisation
from devtools.factories import vouchers as f
from tests.views.conftest import issue, token


def test_the_overview_counts_cross_region_orders_per_issuing_region(client, world):
    f.place_order(issue(world), world.enterprise, world.institution.organisation)
    client.force_login(world.operator)
    rows = client.get(reverse("vouchers:overview")).context["rows"]
    jiangsu = next(row for row in rows if row["region"].code == "32")
    assert jiangsu["cross_region_orders"] == 1
    assert jiangsu["issued_fen"] == 100_000_00
    csv = b"".join(client.get(reverse("vouchers:overview") + "?format=csv")
                   .streaming_content).decode("utf-8-sig")
    assert "江苏省" in csv


@pytest.mark.parametrize("who", ["enterprise", "institution", "reviewer", "finance"])
def test_only_the_operator_sees_the_overview_and_edits_reference_data(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("vouchers:overview")).status_code == 403
    assert client.get(reverse("vouchers:reference")).status_code == 403


def test_the_operator_moves_a_city_out_of_the_common_area_with_a_reason(client, world):
    city = City.objects.get(code="340100")
    client.force_login(world.operator)
    url = reverse("vouchers:city_common_area", args=[city.pk])
    response = client.post(url, {"form_token": token(client.get(url)), "reason": ""})
    assert "请填写修改原因" in response.content.decode()
    client.post(url, {"form_token": token(client.get(url)), "in_common_area": "on",
                      "reason": "经四省市确认"})
    city.refresh_from_db()
    assert city.in_common_area is True


def test_the_public_directory_searches_by_region_and_category_without_login(client, world):
    response = client.get(reverse("vouchers:directory"), {"region": world.institution
                                                          .organisation.region_id})
    body = response.content.decode()
    assert response.status_code == 200
    assert "上海测试技术研究院" in body
    assert "浙江别家机构" not in body
    assert "下单" not in body  # nobody orders from the public page
    csv = b"".join(client.get(reverse("vouchers:directory") + "?format=csv")
                   .streaming_content).decode("utf-8-sig")
    assert "浙江别家机构" in csv


def _in_notice(**fields):
    return f.OrganisationFactory(
        region_code="JS", kind="institution", status="notice", name="公示中的检测所",
        notice_ends_at=timezone.now() + timedelta(days=7), **fields,
    )


def test_anyone_lodges_one_objection_during_the_notice(client, db):
    organisation = _in_notice()
    assert "公示中的检测所" in client.get(reverse("accounts:notices")).content.decode()
    page = client.get(reverse("accounts:notice_detail", args=[organisation.pk]))
    data = {"form_token": token(page), "lodged_by": "张三", "contact": "13800000000",
            "text": "该机构成立不满两年"}
    url = reverse("accounts:objection_lodge", args=[organisation.pk])
    client.post(url, data)
    client.post(url, data)
    assert Objection.objects.filter(organisation=organisation).count() == 1


def test_an_objection_without_text_keeps_the_input(client, db):
    organisation = _in_notice()
    page = client.get(reverse("accounts:notice_detail", args=[organisation.pk]))
    response = client.post(reverse("accounts:objection_lodge", args=[organisation.pk]),
                           {"form_token": token(page), "lodged_by": "张三", "contact": "138",
                            "text": ""})
    assert "请填写异议内容" in response.content.decode()
    assert 'value="张三"' in response.content.decode()


def test_the_reviewer_resolves_the_objection_then_concludes_the_notice(client, world):
    organisation = _in_notice()
    objection = Objection.objects.create(organisation=organisation, lodged_by="张三",
                                         contact="138", text="不实", created_at=timezone.now())
    Organisation.objects.filter(pk=organisation.pk).update(
        notice_ends_at=timezone.now() - timedelta(minutes=1))
    client.force_login(world.reviewer)
    page = client.get(reverse("accounts:notice_review"))
    assert "公示中的检测所" in page.content.decode()
    client.post(reverse("accounts:objection_resolve", args=[objection.pk]),
                {"form_token": token(page), "upheld": "0", "resolution": "经核实不成立"})
    page = client.get(reverse("accounts:notice_review"))
    client.post(reverse("accounts:notice_conclude", args=[organisation.pk]),
                {"form_token": token(page)})
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.APPROVED
    client.force_login(world.shanghai_reviewer)
    assert "公示中的检测所" not in client.get(reverse("accounts:notice_review")).content.decode()


@pytest.mark.parametrize(("who", "label"), [
    ("enterprise", "待确认的交付"), ("institution", "待交付的订单"),
    ("reviewer", "待审核的兑付"), ("finance", "待支付的批次"), ("operator", "查看各地区数据"),
])
def test_home_shows_each_role_what_waits_for_it(client, world, who, label):
    client.force_login(getattr(world, who))
    assert label in client.get(reverse("home")).content.decode()


def test_a_replayed_token_of_a_failed_submit_can_be_used_again(client, world):
    """A refusal releases the token: the corrected form goes through with the same one."""
    client.force_login(world.enterprise)
    url = reverse("vouchers:application_create", args=[world.program.pk])
    data = {"form_token": token(client.get(url)), "amount_fen": "999999",
            "purpose": "x", "planned_categories": [f.category().pk]}
    assert client.post(url, data).status_code == 200
    assert client.post(url, data | {"amount_fen": "1000"}).status_code == 302
