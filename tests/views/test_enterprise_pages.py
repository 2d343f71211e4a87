"""The enterprise's pages: programs, apply, vouchers, order with preview, answer a delivery."""

from __future__ import annotations

import pytest
from django.urls import reverse

from devtools.factories import vouchers as f
from tests.views.conftest import confirmed_order, issue, token
from vouchers.models import Application, Delivery, ServiceOrder


def test_programs_page_shows_the_remaining_cap_in_yuan(client, world):
    client.force_login(world.enterprise)
    body = client.get(reverse("vouchers:programs")).content.decode()
    assert "科技创新券" in body
    assert "¥300,000.00" in body  # the enterprise's annual cap, nothing used yet


def test_applying_creates_one_application_even_when_submitted_twice(client, world):
    client.force_login(world.enterprise)
    url = reverse("vouchers:application_create", args=[world.program.pk])
    data = {"form_token": token(client.get(url)), "amount_fen": "12,345.60",
            "purpose": "检测新产品", "planned_categories": [f.category().pk]}

    first = client.post(url, data)
    second = client.post(url, data)

    application = Application.objects.get()
    assert application.amount_fen == 1_234_560
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse(
        "vouchers:application_detail", args=[application.pk])


def test_applying_above_the_cap_shows_the_chinese_error_next_to_the_field_and_keeps_input(
    client, world
):
    client.force_login(world.enterprise)
    url = reverse("vouchers:application_create", args=[world.program.pk])
    response = client.post(url, {"form_token": token(client.get(url)), "amount_fen": "300000.01",
                                 "purpose": "检测新产品", "planned_categories": [f.category().pk]})
    body = response.content.decode()
    assert response.status_code == 200
    assert "超过企业年度额度，本年度剩余可申领300000.00元" in body
    assert 'value="300000.01"' in body
    assert "检测新产品" in body
    assert not Application.objects.exists()


@pytest.mark.parametrize(("typed", "message"), [
    ("12.345", "金额最多保留两位小数"),
    ("0", "金额必须大于0"),
    ("abc", "请输入以元为单位的金额"),
    ("2000000000", "金额不能超过"),
])
def test_amounts_are_checked_in_yuan(client, world, typed, message):
    client.force_login(world.enterprise)
    url = reverse("vouchers:application_create", args=[world.program.pk])
    response = client.post(url, {"form_token": token(client.get(url)), "amount_fen": typed,
                                 "purpose": "x", "planned_categories": [f.category().pk]})
    assert message in response.content.decode()
    assert not Application.objects.exists()


def test_another_regions_program_is_not_found(client, world):
    client.force_login(world.other_enterprise)  # Zhejiang
    url = reverse("vouchers:application_create", args=[world.program.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["institution", "reviewer", "finance", "operator"])
def test_only_enterprises_apply(client, world, who):
    client.force_login(getattr(world, who))
    url = reverse("vouchers:application_create", args=[world.program.pk])
    assert client.get(url).status_code == 403


def test_my_vouchers_show_amounts_and_download_as_csv(client, world):
    voucher = issue(world, 50_000_00)
    client.force_login(world.enterprise)
    body = client.get(reverse("vouchers:voucher_list")).content.decode()
    assert voucher.code in body
    assert "¥50,000.00" in body
    csv = b"".join(client.get(reverse("vouchers:voucher_list") + "?format=csv").streaming_content)
    assert voucher.code in csv.decode("utf-8-sig")
    assert "50000.00" in csv.decode("utf-8-sig")


def test_other_enterprises_vouchers_are_not_listed(client, world):
    voucher = issue(world)
    client.force_login(world.other_enterprise)
    assert voucher.code not in client.get(reverse("vouchers:voucher_list")).content.decode()


def _order_data(page, voucher, **overrides):
    return {"form_token": token(page), "voucher": voucher.pk, "category": f.category().pk,
            "contract_number": "HT-2024-001", "total_fee_fen": "10000"} | overrides


def test_the_order_preview_shows_the_voucher_portion_and_the_own_share(client, world):
    voucher = issue(world)
    client.force_login(world.enterprise)
    url = reverse("vouchers:order_create", args=[world.institution.organisation.pk])
    page = client.get(url)
    response = client.post(url, _order_data(page, voucher, preview="1"))
    body = response.content.decode()
    assert 'id="preview-voucher"><strong>¥5,000.00' in body
    assert 'id="preview-share"><strong>¥5,000.00' in body
    assert not ServiceOrder.objects.exists()


def test_confirming_the_order_places_it_once(client, world):
    voucher = issue(world)
    client.force_login(world.enterprise)
    url = reverse("vouchers:order_create", args=[world.institution.organisation.pk])
    data = _order_data(client.get(url), voucher, confirm="1")
    client.post(url, data)
    replay = client.post(url, data)
    order = ServiceOrder.objects.get()
    assert order.voucher_fen == 5_000_00
    assert replay["Location"] == reverse("vouchers:order_detail", args=[order.pk])


def test_an_order_for_an_unlisted_category_shows_the_error_next_to_the_field(client, world):
    voucher = issue(world)
    client.force_login(world.enterprise)
    url = reverse("vouchers:order_create", args=[world.institution.organisation.pk])
    response = client.post(url, _order_data(client.get(url), voucher, category=f.category(
        "consulting").pk, confirm="1"))
    assert "选择一个有效的选项" in response.content.decode()
    assert not ServiceOrder.objects.exists()


def test_the_enterprise_confirms_a_logged_delivery(client, world):
    voucher = issue(world)
    order = f.place_order(voucher, world.enterprise, world.institution.organisation)
    delivery = f.deliver(order, world.institution)
    client.force_login(world.enterprise)
    detail = client.get(reverse("vouchers:order_detail", args=[order.pk]))
    response = client.post(reverse("vouchers:delivery_confirm", args=[delivery.pk]),
                           {"form_token": token(detail), "confirmed": "1"})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.CONFIRMED


def test_a_dispute_needs_a_reason_and_keeps_the_form(client, world):
    voucher = issue(world)
    order = f.place_order(voucher, world.enterprise, world.institution.organisation)
    delivery = f.deliver(order, world.institution)
    client.force_login(world.enterprise)
    url = reverse("vouchers:delivery_dispute", args=[delivery.pk])
    response = client.post(url, {"form_token": token(client.get(url)), "reason": ""})
    assert response.status_code == 200
    assert "请填写异议原因" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.LOGGED


def test_another_enterprise_cannot_see_or_confirm_the_order(client, world):
    order = confirmed_order(world)
    client.force_login(world.other_enterprise)
    assert client.get(reverse("vouchers:order_detail", args=[order.pk])).status_code == 404
    delivery = order.deliveries.get()
    assert client.post(reverse("vouchers:delivery_confirm", args=[delivery.pk])).status_code == 404


def test_history_lists_the_enterprises_records_with_the_reviewers_decision(client, world):
    issue(world)
    client.force_login(world.enterprise)
    body = client.get(reverse("vouchers:history")).content.decode()
    assert "企业提交申领" in body
    assert "申领审核通过" in body
    assert "application_submit" not in body
